import type { LpoConfig } from '../config/load.js';
import { entryFor } from '../config/load.js';
import { buildTask } from '../config/task.js';
import { ConfigError, errorMessage } from '../core/errors.js';
import { compareRuns, flippedExamples } from '../eval/compare.js';
import { gate } from './gate.js';
import { type EvalRun, evaluate } from '../eval/run.js';
import { loadTaskSplits } from '../eval/task-run.js';
import { type SplitInfo, splitWarnings } from '../dataset/split-info.js';
import { type LlmClient, LlmError } from '../llm/client.js';
import { optimizePrompt, type OptimizeOptions } from '../optimize/index.js';
import { toSuggestion } from './suggestion.js';
import type { EvalTask, Example, SplitName, UsageSnapshot } from '../core/types.js';
import type { PromptJob } from '../vcs/changes.js';
import type { GatePolicy, PromptReview, ReviewReport, Suggestion } from './model.js';

const BOM = '\uFEFF';
/** Flipped examples listed per prompt; the counts are always complete. */
const MAX_FLIPPED = 20;

export interface Logger {
  info(message: string): void;
  warning(message: string): void;
}

export interface ReviewContext {
  rootDir: string;
  config: LpoConfig;
  baseSha: string;
  headSha: string;
  jobs: PromptJob[];
  notes: string[];
  readBase(path: string): Promise<string | null>;
  readHead(path: string): Promise<string | null>;
  client: LlmClient;
  taskModel: string;
  optimizerModel: string;
  concurrency: number;
  gate: GatePolicy;
  optimize: boolean;
  optimizeOptions: OptimizeOptions;
  logger: Logger;
  /** Epoch ms after which nothing new starts; what finished is reported, marked partial. */
  stopAt?: number;
  onProgress?: (label: string, done: number, total: number) => void;
}

const usageDelta = (a: UsageSnapshot, b: UsageSnapshot): UsageSnapshot => ({
  calls: b.calls - a.calls,
  cacheHits: b.cacheHits - a.cacheHits,
  promptTokens: b.promptTokens - a.promptTokens,
  completionTokens: b.completionTokens - a.completionTokens,
  failedCalls: b.failedCalls - a.failedCalls,
});

function taskFor(ctx: ReviewContext, path: string, text: string): EvalTask {
  const entry = entryFor(ctx.config, path);
  return buildTask({ promptPath: path, promptText: text, rootDir: ctx.rootDir, ...(entry ? { entry } : {}) });
}

/** The base prompt, scored on the head's dataset and scorer, so both sides see the same examples. */
function baseTaskFor(ctx: ReviewContext, head: EvalTask, path: string, text: string): EvalTask {
  const own = taskFor(ctx, path, text);
  const { datasetPath, inlineRows, inlineSource, inlineLines, input, target, scorer, split } = head;
  return {
    ...own,
    datasetPath,
    input,
    target,
    scorer,
    split,
    ...(inlineRows ? { inlineRows } : {}),
    ...(inlineSource ? { inlineSource } : {}),
    ...(inlineLines ? { inlineLines } : {}),
  };
}

function allErrored(run: EvalRun): string | undefined {
  const results = [...(run.splits.dev?.results ?? []), ...(run.splits.test?.results ?? [])];
  if (results.length === 0 || results.some((r) => r.verdict !== 'error')) return undefined;
  return `all ${results.length} model calls failed (${results[0]!.error})`;
}

async function suggest(
  ctx: ReviewContext,
  head: EvalTask,
  headRun: EvalRun,
  splits: Partial<Record<SplitName, Example[]>>,
  headText: string,
): Promise<Suggestion | undefined> {
  if (!ctx.optimize) return undefined;
  if (ctx.stopAt !== undefined && Date.now() >= ctx.stopAt) {
    const source = `LPO, ${ctx.optimizeOptions.method}, ${ctx.optimizeOptions.mode} mode`;
    return {
      fileText: head.prompt,
      source,
      splits: {},
      vsHead: {},
      edits: [],
      withheld: 'the deadline was reached before optimization',
    };
  }
  const result = await optimizePrompt({
    task: head,
    splits: { dev: splits.dev ?? [], test: splits.test ?? [] },
    client: ctx.client,
    taskModel: ctx.taskModel,
    optimizerModel: ctx.optimizerModel,
    concurrency: ctx.concurrency,
    options: ctx.optimizeOptions,
    headRun,
    fileText: headText,
    ...(ctx.stopAt !== undefined ? { stopAt: ctx.stopAt } : {}),
  });
  const suggestion = toSuggestion(result, headRun);
  // A text prompt is optimized without its BOM (buildTask strips it); the file keeps it.
  if (headText.startsWith(BOM) && !suggestion.fileText.startsWith(BOM)) {
    suggestion.fileText = BOM + suggestion.fileText;
  }
  return suggestion;
}

function notRun(job: PromptJob, usage: UsageSnapshot): PromptReview {
  return {
    path: job.path,
    ...(job.previousPath ? { previousPath: job.previousPath } : {}),
    status: job.status,
    splits: [],
    regressed: false,
    verdict: 'not evaluated',
    state: 'not-run',
    flipped: { lost: [], gained: [] },
    error: 'not evaluated: the deadline was reached before this prompt started',
    usage: usageDelta(usage, usage),
    wallMs: 0,
  };
}

/** What a prompt's evaluation needs, read and validated before any prompt makes a model call. */
interface Prepared {
  headText: string;
  head: EvalTask;
  base: EvalTask | null;
  splits: Partial<Record<SplitName, Example[]>>;
  info: SplitInfo;
}

/** Reads and checks a job's prompt, config entry and dataset; null for a removed prompt. */
async function prepare(ctx: ReviewContext, job: PromptJob): Promise<Prepared | null> {
  if (job.status === 'removed') return null;
  const headText = await ctx.readHead(job.path);
  if (headText === null)
    throw new ConfigError(`${job.path}: not found at the head commit ${ctx.headSha.slice(0, 7)}`);
  const head = taskFor(ctx, job.path, headText);
  const baseText = job.status === 'added' ? null : await ctx.readBase(job.previousPath ?? job.path);
  const base = baseText === null ? null : baseTaskFor(ctx, head, job.previousPath ?? job.path, baseText);
  const { splits, info } = await loadTaskSplits(head, 'all');
  for (const warning of splitWarnings(info)) ctx.logger.warning(`${job.path}: ${warning}`);
  return { headText, head, base, splits, info };
}

async function reviewPrompt(
  ctx: ReviewContext,
  job: PromptJob,
  prepared: Prepared | null,
  headTexts: Map<string, string>,
): Promise<PromptReview> {
  const started = Date.now();
  const before = ctx.client.usage();
  const review: PromptReview = {
    path: job.path,
    status: job.status,
    splits: [],
    regressed: false,
    verdict: '',
    state: 'evaluated',
    flipped: { lost: [], gained: [] },
    usage: usageDelta(before, before),
    wallMs: 0,
  };
  if (job.previousPath) review.previousPath = job.previousPath;
  if (job.reason) review.reason = job.reason;
  const finish = () => {
    review.usage = usageDelta(before, ctx.client.usage());
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
  headTexts.set(job.path, headText);
  const progress = (side: string) => (done: number, total: number) =>
    ctx.onProgress?.(`${job.path} (${side})`, done, total);
  const opts = {
    client: ctx.client,
    model: ctx.taskModel,
    concurrency: ctx.concurrency,
    ...(ctx.stopAt !== undefined ? { stopAt: ctx.stopAt } : {}),
  };
  const baseRun = base ? await evaluate(base, splits, { ...opts, onProgress: progress('base') }) : null;
  const headRun = await evaluate(head, splits, { ...opts, onProgress: progress('head') });
  if (headRun.stopped || baseRun?.stopped) review.partial = true;
  const failure = allErrored(headRun) ?? (baseRun ? allErrored(baseRun) : undefined);
  review.splits = compareRuns(baseRun, headRun);
  if (failure) {
    review.error = `evaluation could not run: ${failure}`;
    review.failure = failure;
    review.state = 'failed';
    review.verdict = 'could not evaluate';
    return finish();
  }
  if (baseRun) review.flipped = flippedExamples(baseRun, headRun, MAX_FLIPPED);
  const verdict = gate(review.splits, ctx.gate);
  review.regressed = verdict.regressed;
  review.verdict = verdict.verdict;
  const suggestion = await suggest(ctx, head, headRun, splits, headText).catch((error: unknown) => {
    // The optimizer's model calls failing withholds the suggestion; a bug in it fails the run.
    if (!(error instanceof LlmError || error instanceof ConfigError)) throw error;
    return optimizerFailed(ctx, headText, error);
  });
  if (suggestion) review.suggestion = suggestion;
  return finish();
}

function optimizerFailed(ctx: ReviewContext, headText: string, error: Error): Suggestion {
  return {
    fileText: headText,
    source: `LPO, ${ctx.optimizeOptions.method}, ${ctx.optimizeOptions.mode} mode`,
    splits: {},
    vsHead: {},
    edits: [],
    withheld: `the optimizer failed: ${errorMessage(error)}`,
  };
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
  for (const job of ctx.jobs) prepared.push(await prepare(ctx, job));
  for (const [i, job] of ctx.jobs.entries()) {
    if (ctx.stopAt !== undefined && Date.now() >= ctx.stopAt) {
      partial = true;
      prompts.push(notRun(job, ctx.client.usage()));
      continue;
    }
    ctx.logger.info(`evaluating ${job.path} (${job.status})`);
    const review = await reviewPrompt(ctx, job, prepared[i]!, headTexts);
    if (review.partial) partial = true;
    prompts.push(review);
  }
  const report: ReviewReport = {
    version: 1,
    kind: 'review',
    simulated: ctx.client.simulated(),
    partial,
    baseSha: ctx.baseSha,
    headSha: ctx.headSha,
    gate: ctx.gate,
    prompts,
    notes: ctx.notes,
    regressed: prompts.some((p) => p.regressed),
    usage: usageDelta(before, ctx.client.usage()),
    wallMs: Date.now() - started,
  };
  return { report, headTexts };
}
