// Small, exact statistics for accuracy figures. Paired tests matter here: base and head prompts are
// scored on the same examples, so their errors are correlated and an unpaired test would be wrong.
// The paired p-value, its interval and the smallest detectable drop all come from one exact test
// (McNemar's, i.e. the binomial test on the discordant pairs), so they can never contradict each other.

const Z95 = 1.959963984540054;

/** The level of the paired figures: a difference is significant when p < PAIRED_ALPHA, and the interval is 1 − PAIRED_ALPHA. */
export const PAIRED_ALPHA = 0.05;

/** 95 % Wilson score interval: well-behaved at 0 %, 100 % and small n, unlike the normal approximation. */
export function wilsonInterval(correct: number, n: number): [number, number] | null {
  if (n <= 0) return null;
  const p = correct / n;
  const z2 = Z95 * Z95;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * P(X ≤ k) for X ~ Binomial(n, π). The terms come from the ratio of successive probabilities and are
 * summed relative to the largest in log space, so thousands of trials neither underflow nor overflow.
 */
export function binomialCdf(k: number, n: number, pi: number): number {
  if (k < 0) return 0;
  if (k >= n || pi <= 0) return 1;
  if (pi >= 1) return 0;
  const ratio = Math.log(pi) - Math.log1p(-pi);
  const logs = [n * Math.log1p(-pi)];
  for (let i = 0; i < k; i++) logs.push(logs[i]! + Math.log((n - i) / (i + 1)) + ratio);
  const top = logs.reduce((a, b) => Math.max(a, b));
  let sum = 0;
  for (const l of logs) sum += Math.exp(l - top);
  return Math.min(1, Math.exp(top) * sum);
}

/**
 * Exact (binomial) McNemar test, two-sided. `b` = examples only the first prompt got right,
 * `c` = examples only the second got right. Returns 1 when nothing flipped.
 */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  // Under the null each flip goes either way with probability 1/2, so the two tails are mirror images.
  return Math.min(1, 2 * binomialCdf(Math.min(b, c), n, 0.5));
}

/**
 * The Clopper–Pearson upper limit: the largest π at which k or fewer successes in n trials are still at
 * least `tail` likely. Bisection (the cdf falls as π grows) whose first probe is π = 1/2, the paired
 * test's null: which side of 1/2 the limit lies on is decided by the very tail the p-value is made of.
 * The limit is rounded down by under 1e-12, never across 1/2.
 */
function upperLimit(k: number, n: number, tail: number): number {
  if (k >= n) return 1;
  let [lo, hi] = binomialCdf(k, n, 0.5) >= tail ? [0.5, 1] : [0, 0.5];
  while (hi - lo > 1e-12) {
    const mid = (lo + hi) / 2;
    if (binomialCdf(k, n, mid) >= tail) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Exact 1 − PAIRED_ALPHA interval of Δ = (gained − lost) / n, conditional on the d = lost + gained
 * discordant pairs: given d, gained ~ Binomial(d, π) and Δ = (2π − 1)·d/n, so the Clopper–Pearson
 * limits of π map to limits of Δ. Inverting the same test as `mcnemarExact`, it leaves out 0 exactly
 * when that p < PAIRED_ALPHA. With no flips it is [0, 0]: the conditional interval says nothing about
 * how many flips a larger sample would have shown; `minDetectableLoss` is the figure for that.
 */
export function pairedInterval(lost: number, gained: number, n: number): [number, number] | null {
  if (n <= 0) return null;
  const d = lost + gained;
  if (d === 0) return [0, 0];
  const tail = PAIRED_ALPHA / 2;
  // π's lower limit is 1 − (lost's upper limit), as lost = d − gained. Written as 1 − 2u and 2u − 1,
  // both exact in floating point, so a limit at π = 1/2 is exactly 0 and none crosses it by rounding.
  return [((1 - 2 * upperLimit(lost, d, tail)) * d) / n, ((2 * upperLimit(gained, d, tail) - 1) * d) / n];
}

/**
 * The fewest examples a drop must lose to be detectable on n pairs: the smallest k for which k losses
 * and no gains give exact p < alpha (that p is 2^(1−k), so k = 6 at α = 0.05); null when even losing
 * all n cannot reach it. No smaller net loss is ever significant, however the flips fall: with
 * lost − gained fixed, p only grows as gained grows (test/eval/stats-exact.test.ts checks this).
 */
export function minDetectableLoss(n: number, alpha = PAIRED_ALPHA): number | null {
  for (let k = 1; k <= n; k++) if (mcnemarExact(k, 0) < alpha) return k;
  return null;
}

export interface PairedComparison {
  /** Examples answered (not errored) by both prompts. */
  n: number;
  baseCorrect: number;
  headCorrect: number;
  /** right → wrong (base right, head wrong) and wrong → right. */
  lost: number;
  gained: number;
  /** head − base accuracy on the paired examples, in 0..1 units. */
  delta: number;
  /** Exact 95 % interval of the paired difference (see pairedInterval); null with no pair. */
  interval: [number, number] | null;
  pValue: number;
  /**
   * The smallest drop, in 0..1 units, that these n pairs could show as significant (minDetectableLoss / n);
   * null when no drop could be. A rule that must catch smaller drops cannot rely on this comparison.
   */
  detectableDrop: number | null;
  /**
   * Present when the examples were scored by the mean of several samples (`samples: k`): then lost and
   * gained count the examples whose score fell or rose, and Δ is the net share of examples improved,
   * not a difference of accuracies (see compareScores). Absent: Δ is the accuracy difference.
   */
  measure?: 'net-improved';
}

/** Compares two verdict lists aligned by example; `null` marks an errored example, excluded from both. */
export function comparePaired(base: (boolean | null)[], head: (boolean | null)[]): PairedComparison {
  const score = (v: boolean | null | undefined) => (v === null || v === undefined ? null : v ? 1 : 0);
  return pairedFigures(base.map(score), head.map(score));
}

/**
 * Compares two lists of mean scores (0..1, `samples: k`) aligned by example; `null` marks an errored
 * example. Per example d = head − base: lost = #(d < 0), gained = #(d > 0), and the exact sign test on
 * them gives p and the interval of Δ = (gained − lost) / n, the net share of examples improved. For
 * 0/1 scores these are exactly comparePaired's figures (McNemar's test is the sign test on 0/1 pairs),
 * so the interval and the p-value keep agreeing. baseCorrect and headCorrect are the score sums.
 */
export function compareScores(base: (number | null)[], head: (number | null)[]): PairedComparison {
  return { ...pairedFigures(base, head), measure: 'net-improved' };
}

function pairedFigures(base: (number | null)[], head: (number | null)[]): PairedComparison {
  if (base.length !== head.length) throw new Error('comparePaired: lists must be aligned');
  let n = 0;
  let baseCorrect = 0;
  let headCorrect = 0;
  let lost = 0;
  let gained = 0;
  for (let i = 0; i < base.length; i++) {
    const b = base[i];
    const h = head[i];
    if (b === null || h === null || b === undefined || h === undefined) continue;
    n++;
    baseCorrect += b;
    headCorrect += h;
    if (h < b) lost++;
    if (h > b) gained++;
  }
  const k = minDetectableLoss(n);
  return {
    n,
    baseCorrect,
    headCorrect,
    lost,
    gained,
    delta: n === 0 ? 0 : (gained - lost) / n,
    interval: pairedInterval(lost, gained, n),
    pValue: mcnemarExact(lost, gained),
    detectableDrop: k === null ? null : k / n,
  };
}
