// Racing by successive halving (Jamieson & Talwalkar 2016; ProTeGi selects its beam with bandits for
// the same reason): every contestant answers a small prefix of the search examples, the better half
// goes on to a prefix twice as long, and only the last few answer all of them. Answers a contestant
// already has (a parent raced before over the same order) are not asked again.
import { scoreOf } from '../eval/compare.js';
import type { SplitRun } from '../eval/run.js';
import { summarize } from '../eval/summary.js';
import type { Example } from '../core/types.js';
import type { Candidate } from './types.js';

/** Scores a candidate on more examples; null when the budget or the deadline refused the batch. */
export type ScoreSlice = (candidate: Candidate, examples: Example[]) => Promise<SplitRun | null>;

export interface RaceOutcome {
  /** Every contestant, best first: those that went further first, then by accuracy where they stopped. */
  ranked: Candidate[];
  /** Contestants that answered the last rung they were meant to reach. */
  survivors: Candidate[];
  /** Contestants that answered at least one example in this race. */
  scored: Set<Candidate>;
  /** True when a batch was refused, so the race ended early. */
  cut: boolean;
}

/** The mean score (correct answers, or sampled scores) of the answered first `n` search examples (null: none answered). */
export function prefixAccuracy(c: Candidate, n: number): number | null {
  const scores = (c.search?.results ?? []).slice(0, n).flatMap((r) => {
    const s = scoreOf(r);
    return s === null ? [] : [s];
  });
  return scores.length === 0 ? null : scores.reduce((a, b) => a + b, 0) / scores.length;
}

const have = (c: Candidate) => c.search?.results.length ?? 0;

export function runOf(results: SplitRun['results']): SplitRun {
  return { results, summary: summarize(results) };
}

function extend(c: Candidate, more: SplitRun): void {
  c.search = runOf([...(c.search?.results ?? []), ...more.results]);
}

/** Better on the rung first; ties go to the smaller edit, then to the earlier contestant. */
function byRung(pool: Candidate[], n: number, order: Map<Candidate, number>): Candidate[] {
  return [...pool].sort(
    (a, b) =>
      (prefixAccuracy(b, n) ?? -1) - (prefixAccuracy(a, n) ?? -1) ||
      a.size - b.size ||
      order.get(a)! - order.get(b)!,
  );
}

export async function race(
  contestants: Candidate[],
  examples: Example[],
  rungs: number[],
  score: ScoreSlice,
): Promise<RaceOutcome> {
  const order = new Map(contestants.map((c, i) => [c, i]));
  const reached = new Map<Candidate, number>(contestants.map((c) => [c, -1]));
  const scored = new Set<Candidate>();
  let alive = [...contestants];
  let cut = false;
  for (let i = 0; i < rungs.length && alive.length > 0; i++) {
    const size = rungs[i]!;
    // Reservations are made in this order before any answer arrives, so a tight budget cuts the same
    // contestants on every run.
    const runs = await Promise.all(
      alive.map((c) => (have(c) >= size ? null : score(c, examples.slice(have(c), size)))),
    );
    const done: Candidate[] = [];
    alive.forEach((c, k) => {
      const run = runs[k];
      if (run) {
        extend(c, run);
        scored.add(c);
      }
      if (have(c) >= size) done.push(c);
      else cut = true;
    });
    for (const c of done) reached.set(c, i);
    if (cut) break;
    alive = i + 1 < rungs.length ? byRung(done, size, order).slice(0, Math.ceil(done.length / 2)) : done;
  }
  const furthest = (c: Candidate) => reached.get(c)!;
  const ranked = [...contestants].sort((a, b) => {
    const ra = furthest(a);
    const rb = furthest(b);
    if (ra !== rb) return rb - ra;
    const n = rungs[ra] ?? 0;
    return byRung([a, b], n, order)[0] === a ? -1 : 1;
  });
  const last = Math.max(-1, ...contestants.map(furthest));
  const survivors = ranked.filter((c) => furthest(c) === last && last >= 0);
  return { ranked, survivors, scored, cut };
}
