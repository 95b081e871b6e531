// How far a judge agrees with people, on the rows that carry a human label. Raw accuracy flatters a
// judge on a skewed dataset (a judge that says "pass" to everything agrees with 90 % of labels when 90 %
// pass), so the figure that decides trust is Cohen's κ, agreement beyond what chance would give.
// κ here is UNWEIGHTED for both scales: on 1-5 a judge's 4 against a human's 5 counts as a disagreement,
// like 1 against 5. That is the strict reading; a weighted κ would be kinder to near misses.

const Z95 = 1.959963984540054;

/** The default `min-judge-agreement`: κ ≥ 0.6 is "substantial" agreement on Landis & Koch's scale. */
export const DEFAULT_MIN_JUDGE_AGREEMENT = 0.6;

/**
 * Fewest graded labelled rows that may make a judge trusted. The large-sample interval of κ is no
 * guide below this (four rows in perfect agreement give [1.00, 1.00]), so too few labels say so
 * instead of vouching for the judge.
 */
export const MIN_LABELLED_ROWS = 20;

export type Label = string | number | boolean;

export interface Agreement {
  /** Rows where both the judge and a person gave a label. */
  n: number;
  /** Share of those rows where they gave the same label. */
  accuracy: number | null;
  /** Cohen's κ (unweighted); null when undefined (no rows, or both always gave one and the same label). */
  kappa: number | null;
  /** 95 % interval of κ from its large-sample standard error; null with κ. */
  interval: [number, number] | null;
  /** The categories seen, in order, and counts[judge][human] over them. */
  categories: string[];
  counts: number[][];
}

/**
 * Agreement of two aligned label lists; `null`/`undefined` (a judge error, an unlabelled row) drops
 * the row from both. Labels compare by their string form, so `true` and `'true'` are one category.
 */
export function agreement(
  judge: (Label | null | undefined)[],
  human: (Label | null | undefined)[],
): Agreement {
  if (judge.length !== human.length) throw new Error('agreement: lists must be aligned');
  const pairs: [string, string][] = [];
  for (let i = 0; i < judge.length; i++) {
    const j = judge[i];
    const h = human[i];
    if (j === null || j === undefined || h === null || h === undefined) continue;
    pairs.push([String(j), String(h)]);
  }
  const categories = [...new Set(pairs.flat())].sort();
  const index = new Map(categories.map((c, i) => [c, i]));
  const counts = categories.map(() => categories.map(() => 0));
  for (const [j, h] of pairs) counts[index.get(j)!]![index.get(h)!]!++;
  return { ...kappaOf(counts), categories, counts };
}

/**
 * κ and its interval from a square confusion table (counts[judge][human]). The standard error is the
 * large-sample one of Fleiss, Cohen & Everitt (1969), which, unlike Cohen's 1960 approximation, holds
 * away from κ = 0, where a judge worth trusting is.
 */
export function kappaOf(counts: number[][]): Pick<Agreement, 'n' | 'accuracy' | 'kappa' | 'interval'> {
  const k = counts.length;
  const n = counts.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  if (n === 0) return { n, accuracy: null, kappa: null, interval: null };
  const p = counts.map((row) => row.map((c) => c / n));
  const rows = p.map((row) => row.reduce((a, b) => a + b, 0));
  const cols = p[0]!.map((_, j) => p.reduce((s, row) => s + row[j]!, 0));
  let po = 0;
  let pe = 0;
  for (let i = 0; i < k; i++) {
    po += p[i]![i]!;
    pe += rows[i]! * cols[i]!;
  }
  // Chance agreement is certain when both raters only ever use the same single category: κ is 0/0.
  if (pe >= 1 - 1e-12) return { n, accuracy: po, kappa: null, interval: null };
  const kappa = (po - pe) / (1 - pe);
  let a = 0;
  let b = 0;
  for (let i = 0; i < k; i++) {
    a += p[i]![i]! * (1 - (rows[i]! + cols[i]!) * (1 - kappa)) ** 2;
    for (let j = 0; j < k; j++) if (i !== j) b += p[i]![j]! * (cols[i]! + rows[j]!) ** 2;
  }
  const c = (kappa - pe * (1 - kappa)) ** 2;
  // Rounding can push a variance that is truly 0 (perfect agreement) a hair below it.
  const variance = Math.max(0, (a + (1 - kappa) ** 2 * b - c) / (n * (1 - pe) ** 2));
  const half = Z95 * Math.sqrt(variance);
  return { n, accuracy: po, kappa, interval: [Math.max(-1, kappa - half), Math.min(1, kappa + half)] };
}

export type JudgeTrust =
  | { status: 'trusted'; kappa: number; n: number }
  | { status: 'untrusted'; kappa: number | null; n: number; why: string }
  /** No labelled row: nothing to calibrate against, which the report must say rather than hide. */
  | { status: 'uncalibrated'; n: 0 };

/**
 * Whether the gate may use the judge: κ at least `minJudgeAgreement` on the labelled rows. The point
 * estimate decides, as `min-judge-agreement` documents; the interval is shown next to it so a reader
 * sees when few labels make the call fragile.
 */
export function judgeTrust(a: Agreement, minJudgeAgreement = DEFAULT_MIN_JUDGE_AGREEMENT): JudgeTrust {
  if (a.n === 0) return { status: 'uncalibrated', n: 0 };
  if (a.n < MIN_LABELLED_ROWS) {
    const why = `only ${a.n} labelled row${a.n === 1 ? ' was' : 's were'} graded; κ needs at least ${MIN_LABELLED_ROWS} before it can vouch for a judge`;
    return { status: 'untrusted', kappa: a.kappa, n: a.n, why };
  }
  if (a.kappa === null) {
    const why = `κ is undefined on ${a.n} labelled rows (judge and people used one and the same label)`;
    return { status: 'untrusted', kappa: null, n: a.n, why };
  }
  if (a.kappa < minJudgeAgreement) {
    const why = `κ = ${a.kappa.toFixed(2)} on ${a.n} labelled rows is below min-judge-agreement ${minJudgeAgreement}`;
    return { status: 'untrusted', kappa: a.kappa, n: a.n, why };
  }
  return { status: 'trusted', kappa: a.kappa, n: a.n };
}
