// The model-graded parts of a prompt's review, beside its accuracy: the judge's agreement with
// people (calibration on the labelled rows) and, for `compare: pairwise`, base's and head's test
// answers judged side by side in both orders. Both go through the run's one client.
import type { EvalTask, Example, ExampleResult, SplitName } from '../core/types.js';
import { type Calibration, calibrate } from '../eval/calibrate.js';
import { JUDGE_REQUESTS_AT_MOST } from '../eval/cost.js';
import { referenceOf } from '../eval/grade.js';
import { bothSplits } from '../eval/task-run.js';
import type { EvalRun } from '../eval/run.js';
import {
  judgePairs,
  type PairJudgement,
  type PairwiseSummary,
  pairwisePaired,
  summarizePairs,
} from '../eval/pairwise.js';
import type { SplitComparison } from '../eval/comparison.js';
import type { PairedComparison } from '../eval/stats.js';
import { type GatePolicy, type GateResult, gate } from './gate.js';
import type { LlmClient } from '../llm/client.js';

export type { Calibration } from '../eval/calibrate.js';

/** One test example the judge preferred one side on, with its reason (base first, then head first). */
export interface PairExample {
  line: number;
  row?: number;
  input: string;
  baseOutput: string;
  headOutput: string;
  reason: string;
}

export interface PairwiseReport extends PairwiseSummary {
  split: 'test';
  model: string;
  /** The same figures in the accuracy comparison's terms: what the gate decides on. */
  paired: PairedComparison;
  /** Examples the judge gave to base (lost) and to head (gained) in both orders, up to the limit. */
  lost: PairExample[];
  gained: PairExample[];
  /** Pairs whose two answers were the same text: ties, not sent to the judge. */
  identical: number;
  /** The first judge failure, when some pairs errored. */
  error?: string;
}

export interface Judging {
  calibration?: Calibration;
  pairwise?: PairwiseReport;
}

interface JudgingContext {
  client: LlmClient;
  taskModel: string;
  minJudgeAgreement: number;
  limit: number;
}

/** What a pairwise pass and a calibration pass will send at most, for the plan before any call. */
export function judgingCalls(
  task: EvalTask,
  splits: Partial<Record<SplitName, Example[]>>,
  hasBase: boolean,
) {
  if (task.scorer.type !== 'judge') return 0;
  const labelled = task.calibration ? bothSplits(splits).filter((e) => e.labelled).length : 0;
  const pairs = task.compare === 'pairwise' && hasBase ? 2 * (splits.test?.length ?? 0) : 0;
  return (labelled + pairs) * JUDGE_REQUESTS_AT_MOST;
}

export async function judgeReview(
  ctx: JudgingContext,
  head: EvalTask,
  splits: Partial<Record<SplitName, Example[]>>,
  baseRun: EvalRun | null,
  headRun: EvalRun,
): Promise<Judging> {
  const out: Judging = {};
  const calibration = await calibrate(
    ctx.client,
    head,
    bothSplits(splits),
    ctx.taskModel,
    ctx.minJudgeAgreement,
  );
  if (calibration) out.calibration = calibration;
  const base = baseRun?.splits.test?.results;
  const mine = headRun.splits.test?.results;
  if (head.compare === 'pairwise' && head.scorer.type === 'judge' && base && mine) {
    out.pairwise = await pairwise(ctx, head, splits.test ?? [], base, mine);
  }
  return out;
}

const answered = (r: ExampleResult | undefined): r is ExampleResult & { output: string } =>
  r !== undefined && r.verdict !== 'error' && r.output !== null;

async function pairwise(
  ctx: JudgingContext,
  task: EvalTask,
  examples: Example[],
  base: ExampleResult[],
  head: ExampleResult[],
): Promise<PairwiseReport> {
  const spec = task.scorer as Extract<EvalTask['scorer'], { type: 'judge' }>;
  const model = spec.model ?? ctx.taskModel;
  // Results align by index (one example list, two prompts); a side without an answer has no pair.
  const both = head.flatMap((h, i) => {
    const b = base[i];
    const reference = referenceOf(task, examples[i]!, spec.reference);
    return answered(b) && answered(h) ? [{ b, h, reference }] : [];
  });
  const judged = await judgePairs(
    { client: ctx.client, model, rubric: spec.rubric },
    both.map(({ b, h, reference }) => ({
      id: h.id,
      input: h.input,
      base: b.output,
      head: h.output,
      ...(reference !== undefined ? { reference } : {}),
    })),
  );
  const summary = summarizePairs(judged.map((j) => j.outcome));
  const shown = (side: 'base' | 'head') =>
    judged
      .flatMap((j, i) => (j.outcome === side ? [example(both[i]!.h, both[i]!.b, j)] : []))
      .slice(0, ctx.limit);
  const error = judged.find((j) => j.error !== undefined)?.error;
  return {
    ...summary,
    split: 'test',
    model,
    paired: pairwisePaired(summary),
    identical: both.filter(({ b, h }) => b.output === h.output).length,
    lost: shown('base'),
    gained: shown('head'),
    ...(error !== undefined ? { error } : {}),
  };
}

function example(
  h: ExampleResult & { output: string },
  b: ExampleResult & { output: string },
  j: PairJudgement,
): PairExample {
  // Each reason names the answers by position, so it says which order it was given in.
  const reasons = [
    j.baseFirst?.reason.trim() ? `(base shown as A) ${j.baseFirst.reason.trim()}` : '',
    j.headFirst?.reason.trim() ? `(head shown as A) ${j.headFirst.reason.trim()}` : '',
  ].filter(Boolean);
  return {
    line: h.line,
    ...(h.row !== undefined ? { row: h.row } : {}),
    input: h.input,
    baseOutput: b.output,
    headOutput: h.output,
    reason: reasons.join(' / '),
  };
}

/**
 * The gate for a model-graded prompt: a judge people's labels do not back decides nothing
 * (inconclusive, whatever its grades say); with `compare: pairwise` the side-by-side preference
 * decides, otherwise the judge's pass rate does, like any accuracy.
 */
export function judgedGate(splits: SplitComparison[], judging: Judging, policy: GatePolicy): GateResult {
  const trust = judging.calibration?.trust;
  if (trust?.status === 'untrusted') {
    return {
      kind: 'inconclusive',
      regressed: false,
      verdict: `inconclusive: the judge is not trusted (${trust.why}), so the gate does not use its grades`,
    };
  }
  if (!judging.pairwise) return gate(splits, policy);
  const test = splits.find((s) => s.split === 'test');
  const paired = judging.pairwise.paired;
  return gate(
    [{ split: 'test', base: test?.base ?? null, head: test?.head ?? null, paired }],
    policy,
    'pairwise',
  );
}
