import type { FlippedExample, SplitComparison } from './comparison.js';
import type { ExampleResult, SplitName } from '../core/types.js';
import { type EvalRun, summarize } from './run.js';
import { comparePaired } from './stats.js';

const verdictOf = (r: ExampleResult): boolean | null =>
  r.verdict === 'error' ? null : r.verdict === 'correct';

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
      paired: b && h ? comparePaired(b.results.map(verdictOf), h.results.map(verdictOf)) : null,
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
      const bv = verdictOf(b[i]!);
      const hv = verdictOf(h[i]!);
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
      };
      const list = bv ? lost : gained;
      if (list.length < limit) list.push(flipped);
    }
  }
  return { lost, gained };
}
