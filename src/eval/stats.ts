// Small, exact statistics for accuracy figures. Paired tests matter here: base and head prompts are
// scored on the same examples, so their errors are correlated and an unpaired test would be wrong.

const Z95 = 1.959963984540054;

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

/** log of n choose k, via log-gamma-free summation (n stays in the thousands here). */
function logChoose(n: number, k: number): number {
  let s = 0;
  const kk = Math.min(k, n - k);
  for (let i = 1; i <= kk; i++) s += Math.log(n - kk + i) - Math.log(i);
  return s;
}

/**
 * Exact (binomial) McNemar test, two-sided. `b` = examples only the first prompt got right,
 * `c` = examples only the second got right. Returns 1 when nothing flipped.
 */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  let tail = 0;
  for (let i = 0; i <= k; i++) tail += Math.exp(logChoose(n, i) - n * Math.LN2);
  return Math.min(1, 2 * tail);
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
  /** 95 % interval of the paired difference. */
  interval: [number, number] | null;
  pValue: number;
}

/** Compares two verdict lists aligned by example; `null` marks an errored example, excluded from both. */
export function comparePaired(base: (boolean | null)[], head: (boolean | null)[]): PairedComparison {
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
    if (b) baseCorrect++;
    if (h) headCorrect++;
    if (b && !h) lost++;
    if (!b && h) gained++;
  }
  if (n === 0) return { n, baseCorrect, headCorrect, lost, gained, delta: 0, interval: null, pValue: 1 };
  const delta = (gained - lost) / n;
  // Variance of the mean of per-example differences d_i ∈ {-1, 0, 1}.
  const variance = (gained + lost) / n - delta * delta;
  const half = Z95 * Math.sqrt(Math.max(0, variance) / n);
  return {
    n,
    baseCorrect,
    headCorrect,
    lost,
    gained,
    delta,
    interval: [Math.max(-1, delta - half), Math.min(1, delta + half)],
    pValue: mcnemarExact(lost, gained),
  };
}
