import { ConfigError } from '../core/errors.js';
import { compareRuns, flippedExamples } from '../eval/compare.js';
import { type EvalRun, evaluate } from '../eval/run.js';
import { bothSplits, loadTaskSplits } from '../eval/task-run.js';
import { type SplitInfo, splitWarnings } from '../dataset/split-info.js';
import type { LlmClient } from '../llm/client.js';
import { usageBetween } from '../llm/usage.js';
import type { OptimizeOptions } from '../optimize/index.js';
import { addSuggestion, type Pending } from './suggest.js';
import { judgeReview, judgedGate, judgingCalls } from './judging.js';
import { DEFAULT_MIN_JUDGE_AGREEMENT } from '../eval/agreement.js';
import { checkLabels } from '../eval/calibrate.js';
import { callsPerExample } from '../eval/cost.js';
import { type ReviewConfigSet, type ReviewTasks, reviewTasks, type TaskLimits, testNotes } from './tasks.js';
import type { Example, Logger, SplitName, UsageSnapshot } from '../core/types.js';
import type { PromptJob } from '../vcs/changes.js';
import type { GatePolicy, PromptReview, ReviewReport } from './model.js';

/** Flipped examples listed per prompt; the counts are always complete. */
const MAX_FLIPPED = 20;

export interface ReviewContext {
  configs: ReviewConfigSet;
  limits: TaskLimits;
  baseSha: string;
  headSha: string;
  jobs: PromptJob[];
  notes: string[];
  readBase(path: string): Promise<string | null>;
  readHead(path: string): Promise<string | null>;
  client: LlmClient;
  taskModel: string;
  optimizerModel: string;
  gate: GatePolicy;
  optimize: boolean;
  optimizeOptions: OptimizeOptions;
  logger: Logger;
  /** Epoch ms after which nothing new starts; what finished is reported, marked partial. */
  stopAt?: number;
  onProgress?: (label: string, done: number, total: number) => void;
}

function allErrored(run: EvalRun): string | undefined {
  const results = [...(run.splits.dev?.results ?? []), ...(run.splits.test?.results ?? [])];
  if (results.length === 0 || results.some((r) => r.verdict !== 'error')) return undefined;
  return `all ${results.length} model calls failed (${results[0]!.error})`;
}

function notRun(job: PromptJob, usage: UsageSnapshot): PromptReview {
  return {
    path: job.path,
    ...(job.previousPath ? { previousPath: job.previousPath } : {}),
    status: job.status,
    splits: [],
    regressed: false,
    verdict: 'not evaluated',
    verdictKind: 'not-evaluated',
    state: 'not-run',
    flipped: { lost: [], gained: [] },
    error: 'not evaluated: the deadline was reached before this prompt started',
    usage: usageBetween(usage, usage),
    wallMs: 0,
  };
}

/** What a prompt's evaluation needs, read and validated before any prompt makes a model call. */
interface Prepared extends ReviewTasks {
  headText: string;
  splits: Partial<Record<SplitName, Example[]>>;
  info: SplitInfo;
}

/** Reads and checks a job's prompt, config entry and dataset; null for a removed prompt. */
async function prepare(ctx: ReviewContext, job: PromptJob): Promise<Prepared | null> {
  if (job.status === 'removed') return null;
  const headText = await ctx.readHead(job.path);
  if (headText === null)
    throw new ConfigError(`${job.path}: not found at the head commit ${ctx.headSha.slice(0, 7)}`);
  const baseText = job.status === 'added' ? null : await ctx.readBase(job.previousPath ?? job.path);
  const tasks = await reviewTasks(ctx.configs, job, headText, baseText, ctx.limits);
  const { splits, info } = await loadTaskSplits(tasks.head, 'all');
  checkLabels(tasks.head, bothSplits(splits));
  for (const warning of splitWarnings(info)) ctx.logger.warning(`${job.path}: ${warning}`);
  return { ...tasks, headText, splits, info };
}

async function reviewPrompt(
  ctx: ReviewContext,
  job: PromptJob,
  prepared: Prepared | null,
  headTexts: Map<string, string>,
  pending?: Pending[],
): Promise<PromptReview> {
  const started = Date.now();
  const before = ctx.client.usage();
  const review: PromptReview = {
    path: job.path,
    status: job.status,
    splits: [],
    regressed: false,
    verdict: '',
    verdictKind: 'not-evaluated',
    state: 'evaluated',
    flipped: { lost: [], gained: [] },
    usage: usageBetween(before, before),
    wallMs: 0,
  };
  if (job.previousPath) review.previousPath = job.previousPath;
  if (job.reason) review.reason = job.reason;
  const finish = () => {
    review.usage = usageBetween(before, ctx.client.usage());
    review.wallMs = Date.now() - started;
    return review;
  };
  if (prepared === null) {
    review.verdict = 'deleted; not evaluated';
    review.state = 'deleted';
    return finish();
  }
  const { headText, head, base, splits } = prepared;
  review.split = prepared.info;
  if (prepared.definedBy === 'head' && ctx.configs.origin === 'base') review.definedBy = 'head';
  if (prepared.changes.length > 0) review.testChanges = prepared.changes;
  headTexts.set(job.path, headText);
  const progress = (side: string) => (done: number, total: number) =>
    ctx.onProgress?.(`${job.path} (${side})`, done, total);
  const opts = {
    client: ctx.client,
    model: ctx.taskModel,
    ...(ctx.stopAt !== undefined ? { stopAt: ctx.stopAt } : {}),
  };
  const baseRun = base ? await evaluate(base, splits, { ...opts, onProgress: progress('base') }) : null;
  const headRun = await evaluate(head, splits, { ...opts, onProgress: progress('head') });
  if (headRun.stopped || baseRun?.stopped) review.partial = true;
  const overBudget = baseRun?.overBudget ?? headRun.overBudget;
  // Set again after the judging below, whose calls can meet the ceiling too.
  if (overBudget) {
    review.partial = true;
    review.overBudget = overBudget;
  }
  const failure = allErrored(headRun) ?? (baseRun ? allErrored(baseRun) : undefined);
  review.splits = compareRuns(baseRun, headRun);
  if (failure) {
    review.error = `evaluation could not run: ${failure}`;
    review.failure = failure;
    review.state = 'failed';
    review.verdict = 'could not evaluate';
    review.verdictKind = 'could-not-evaluate';
    return finish();
  }
  if (baseRun) review.flipped = flippedExamples(baseRun, headRun, MAX_FLIPPED);
  const judging = await judge(ctx, review, prepared, baseRun, headRun);
  const verdict = judgedGate(review.splits, judging, ctx.gate);
  review.regressed = verdict.regressed;
  review.verdict = verdict.verdict;
  review.verdictKind = verdict.kind;
  if (review.overBudget && !verdict.regressed) {
    // The figures cover only what ran before the ceiling: they show, but they decide nothing.
    review.verdict = `not decided: ${review.overBudget} part-way (${verdict.verdict} on what ran)`;
    review.verdictKind = 'not-evaluated';
    return finish();
  }
  pending?.push({ review, head, headRun, splits, headText });
  return finish();
}

/** The model-graded parts (calibration, side by side), kept on the review; their calls meet the ceiling too. */
async function judge(
  ctx: ReviewContext,
  review: PromptReview,
  { head, splits }: Prepared,
  baseRun: EvalRun | null,
  headRun: EvalRun,
) {
  const minJudgeAgreement = ctx.gate.minJudgeAgreement ?? DEFAULT_MIN_JUDGE_AGREEMENT;
  const context = { client: ctx.client, taskModel: ctx.taskModel, minJudgeAgreement, limit: MAX_FLIPPED };
  const judging = await judgeReview(context, head, splits, baseRun, headRun);
  if (judging.calibration) review.judge = judging.calibration;
  if (judging.pairwise) review.pairwise = judging.pairwise;
  // The ceiling may have been reached by an earlier prompt; it cut this one only if a judge call failed.
  const lost = (judging.pairwise?.errors ?? 0) + (judging.calibration?.errors ?? 0) > 0;
  const cut = lost ? ctx.client.exhausted() : undefined;
  if (cut && !review.overBudget) {
    review.partial = true;
    review.overBudget = cut.message;
  }
  return judging;
}

/**
 * At most what the run will send, before it sends anything: one request per example and side, and
 * the optimizer's budget, all under the run's ceiling (answers from the cache cost nothing).
 */
function planLine(ctx: ReviewContext, prepared: (Prepared | null)[]): string {
  let evaluation = 0;
  let prompts = 0;
  for (const p of prepared) {
    if (!p) continue;
    prompts++;
    const examples = (p.splits.dev?.length ?? 0) + (p.splits.test?.length ?? 0);
    const each = callsPerExample(p.head, true);
    evaluation += examples * (p.base ? 2 : 1) * each + judgingCalls(p.head, p.splits, p.base !== null);
  }
  const ceiling = ctx.optimizeOptions.maxCalls;
  const optimizer = ctx.optimize ? Math.max(0, ceiling - evaluation) : 0;
  const most = Math.min(ceiling, evaluation + optimizer);
  const n = (x: number) => x.toLocaleString('en-US');
  const parts = [`${n(evaluation)} to evaluate ${prompts} prompt${prompts === 1 ? '' : 's'}`];
  if (ctx.optimize) parts.push(`up to ${n(optimizer)} for suggestions`);
  const over =
    evaluation > ceiling
      ? ` — evaluation alone exceeds it, so the check will fail closed unless the cache answers`
      : '';
  return `Plan: at most ${n(most)} model requests (${parts.join(', ')}), under the ceiling of ${n(ceiling)} (max-calls)${over}.`;
}

/**
 * Evaluates every prompt job, one after another (each one already runs its examples concurrently).
 * A prompt whose evaluation fails entirely is reported as such; it never counts as a regression.
 */
export async function runReview(
  ctx: ReviewContext,
): Promise<{ report: ReviewReport; headTexts: Map<string, string> }> {
  const started = Date.now();
  const before = ctx.client.usage();
  const prompts: PromptReview[] = [];
  const headTexts = new Map<string, string>();
  let partial = false;
  // Every prompt, config entry and dataset is checked first: a mistake in the last one must fail the
  // run before the first one has spent model calls on a review that will never be posted.
  const prepared: (Prepared | null)[] = [];
  const pending: Pending[] = [];
  for (const job of ctx.jobs) prepared.push(await prepare(ctx, job));
  const plan = planLine(ctx, prepared);
  ctx.logger.info(plan);
  for (const [i, job] of ctx.jobs.entries()) {
    if (ctx.stopAt !== undefined && Date.now() >= ctx.stopAt) {
      partial = true;
      prompts.push(notRun(job, ctx.client.usage()));
      continue;
    }
    ctx.logger.info(`evaluating ${job.path} (${job.status})`);
    const review = await reviewPrompt(ctx, job, prepared[i]!, headTexts, pending);
    if (review.partial) partial = true;
    prompts.push(review);
  }
  // Suggestions only after every prompt has its verdict: the optimizer spends what evaluation left.
  for (const [i, work] of pending.entries()) await addSuggestion(ctx, work, pending.length - i);
  const report: ReviewReport = {
    version: 1,
    kind: 'review',
    simulated: ctx.client.simulated(),
    partial,
    baseSha: ctx.baseSha,
    headSha: ctx.headSha,
    gate: ctx.gate,
    configOrigin: ctx.configs.origin,
    prompts,
    notes: [...ctx.notes, plan, ...testNotes(prompts, ctx.configs.origin)],
    regressed: prompts.some((p) => p.regressed),
    usage: usageBetween(before, ctx.client.usage()),
    wallMs: Date.now() - started,
  };
  const budget = ctx.client.ceilingUse();
  if (budget) report.budget = budget;
  return { report, headTexts };
}
