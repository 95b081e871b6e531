import type { FlippedExample, SplitComparison } from './comparison.js';
import type { ExampleResult, SplitName } from '../core/types.js';
import { type EvalRun, summarize } from './run.js';
import { comparePaired, compareScores, type PairedComparison } from './stats.js';

const verdictOf = (r: ExampleResult): boolean | null =>
  r.verdict === 'error' ? null : r.verdict === 'correct';

/** An example's mean score over its samples, its 0/1 verdict with one sample; null when it errored. */
export const scoreOf = (r: ExampleResult): number | null =>
  r.verdict === 'error' ? null : (r.score ?? (r.verdict === 'correct' ? 1 : 0));

/**
 * Verdicts with one sample per example; with `samples: k` on either side, the sign test on the
 * examples' score differences (compareScores), whose Δ is the net share of examples improved.
 */
export function pairedOf(base: ExampleResult[], head: ExampleResult[]): PairedComparison {
  const sampled = [...base, ...head].some((r) => r.samples !== undefined);
  return sampled
    ? compareScores(base.map(scoreOf), head.map(scoreOf))
    : comparePaired(base.map(verdictOf), head.map(verdictOf));
}

/** Base and head ran on the same examples in the same order, so results align by index. */
export function compareRuns(base: EvalRun | null, head: EvalRun | null): SplitComparison[] {
  const out: SplitComparison[] = [];
  for (const split of ['dev', 'test'] as const) {
    const b = base?.splits[split];
    const h = head?.splits[split];
    if (!b && !h) continue;
    out.push({
      split,
      base: b ? summarize(b.results) : null,
      head: h ? summarize(h.results) : null,
      paired: b && h ? pairedOf(b.results, h.results) : null,
    });
  }
  return out;
}

export function flippedExamples(base: EvalRun, head: EvalRun, limit: number) {
  const lost: FlippedExample[] = [];
  const gained: FlippedExample[] = [];
  for (const split of ['dev', 'test'] as const) {
    const b = base.splits[split]?.results ?? [];
    const h = head.splits[split]?.results ?? [];
    for (let i = 0; i < Math.min(b.length, h.length); i++) {
      // By score, so with samples the lists hold the examples the paired figures count as lost and gained.
      const bv = scoreOf(b[i]!);
      const hv = scoreOf(h[i]!);
      if (bv === null || hv === null || bv === hv) continue;
      const flipped: FlippedExample = {
        split: split as SplitName,
        line: h[i]!.line,
        ...(h[i]!.row !== undefined ? { row: h[i]!.row } : {}),
        input: h[i]!.input,
        target: h[i]!.target,
        baseOutput: b[i]!.output,
        headOutput: h[i]!.output,
        baseExtracted: b[i]!.extracted,
        headExtracted: h[i]!.extracted,
        ...(b[i]!.judge ? { baseReason: b[i]!.judge!.reason } : {}),
        ...(h[i]!.judge ? { headReason: h[i]!.judge!.reason } : {}),
      };
      const list = hv < bv ? lost : gained;
      if (list.length < limit) list.push(flipped);
    }
  }
  return { lost, gained };
}
