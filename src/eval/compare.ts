import type { FlippedExample, GatePolicy, SplitComparison } from '../review/model.js';
import type { ExampleResult, SplitName } from '../types.js';
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
      };
      const list = bv ? lost : gained;
      if (list.length < limit) list.push(flipped);
    }
  }
  return { lost, gained };
}

export interface GateResult {
  regressed: boolean;
  verdict: string;
}

const pp = (x: number) => `${x >= 0 ? '+' : '-'}${Math.abs(x * 100).toFixed(1)} pp`;

/**
 * The merge gate, on the test split only: dev is what an optimizer may tune on, so only test is an
 * honest estimate. No verdict is claimed when test has no answered example.
 */
export function gate(splits: SplitComparison[], policy: GatePolicy): GateResult {
  const test = splits.find((s) => s.split === 'test');
  const head = test?.head;
  if (!test || !head || head.accuracy === null) {
    return { regressed: false, verdict: 'could not evaluate (no answered test example)' };
  }
  const reasons: string[] = [];
  const paired = test.paired;
  if (paired && paired.n > 0) {
    if (policy.failOn === 'significant-regression' && paired.delta < 0 && paired.pValue < policy.alpha) {
      reasons.push(
        `significant regression on test (${pp(paired.delta)}, p = ${paired.pValue.toPrecision(3)})`,
      );
    }
    if (policy.failOn === 'regression' && paired.delta * 100 < -policy.minDelta) {
      reasons.push(`regression on test (${pp(paired.delta)}, more than the allowed ${policy.minDelta} pp)`);
    }
  }
  if (policy.failOn !== 'never' && policy.minAccuracy !== undefined && head.accuracy < policy.minAccuracy) {
    reasons.push(
      `regression below the floor: test accuracy ${(head.accuracy * 100).toFixed(1)} % < ${(policy.minAccuracy * 100).toFixed(1)} %`,
    );
  }
  if (reasons.length > 0) return { regressed: true, verdict: reasons.join('; ') };
  if (!paired || paired.n === 0) return { regressed: false, verdict: 'new prompt (no base to compare)' };
  if (paired.pValue < policy.alpha) {
    return {
      regressed: false,
      verdict:
        paired.delta > 0
          ? `improvement (${pp(paired.delta)})`
          : `worse (${pp(paired.delta)}), within the allowed rule`,
    };
  }
  return {
    regressed: false,
    verdict: `no significant change (${pp(paired.delta)}, p = ${paired.pValue.toPrecision(3)})`,
  };
}
