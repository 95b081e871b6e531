// The optimizer's part of a review: after every prompt has its verdict, each evaluated prompt gets a
// suggestion from the requests the run's ceiling has left. Its model calls failing withholds the
// suggestion with the reason; a bug in it fails the run.
import { ConfigError, errorMessage } from '../core/errors.js';
import type { EvalTask, Example, SplitName } from '../core/types.js';
import type { EvalRun } from '../eval/run.js';
import { type LlmClient, LlmError } from '../llm/client.js';
import { addUsage, usageBetween } from '../llm/usage.js';
import { optimizePrompt, type OptimizeOptions } from '../optimize/index.js';
import type { PromptReview, Suggestion } from './model.js';
import { toSuggestion } from './suggestion.js';

const BOM = '\uFEFF';

export interface SuggestContext {
  client: LlmClient;
  taskModel: string;
  optimizerModel: string;
  optimize: boolean;
  optimizeOptions: OptimizeOptions;
  stopAt?: number;
}

/** An evaluated prompt waiting for its suggestion. */
export interface Pending {
  review: PromptReview;
  head: EvalTask;
  headRun: EvalRun;
  splits: Partial<Record<SplitName, Example[]>>;
  headText: string;
}

/** `sharing`: how many prompts, this one included, still wait for the ceiling's remaining requests. */
export async function addSuggestion(ctx: SuggestContext, work: Pending, sharing = 1): Promise<void> {
  if (!ctx.optimize) return;
  const started = Date.now();
  const before = ctx.client.usage();
  const suggestion = await suggest(ctx, work, sharing).catch((error: unknown) => {
    if (!(error instanceof LlmError || error instanceof ConfigError)) throw error;
    return withheld(ctx, work.headText, `the optimizer failed: ${errorMessage(error)}`);
  });
  work.review.suggestion = suggestion;
  work.review.usage = addUsage(work.review.usage, usageBetween(before, ctx.client.usage()));
  work.review.wallMs += Date.now() - started;
}

async function suggest(ctx: SuggestContext, work: Pending, sharing: number): Promise<Suggestion> {
  const { head, headRun, splits, headText } = work;
  if (ctx.stopAt !== undefined && Date.now() >= ctx.stopAt) {
    return withheld(ctx, head.prompt, 'the deadline was reached before optimization');
  }
  // The optimizer's own budget, but never more than an even share of what the run's ceiling has left,
  // so the last prompt is not starved by the first.
  const left = ctx.client.remaining();
  const options = { ...ctx.optimizeOptions };
  if (left.calls !== null) options.maxCalls = Math.min(options.maxCalls, Math.floor(left.calls / sharing));
  if (left.tokens !== null) {
    const share = Math.floor(left.tokens / sharing);
    options.maxTokens = Math.min(options.maxTokens ?? share, share);
  }
  if (options.maxCalls < 1 || options.maxTokens === 0 || ctx.client.exhausted()) {
    return withheld(
      ctx,
      head.prompt,
      "the run's ceiling (max-calls, max-tokens) left nothing for the optimizer",
    );
  }
  const result = await optimizePrompt({
    task: head,
    splits: { dev: splits.dev ?? [], test: splits.test ?? [] },
    client: ctx.client,
    taskModel: ctx.taskModel,
    optimizerModel: ctx.optimizerModel,
    options,
    headRun,
    fileText: headText,
    ...(ctx.stopAt !== undefined ? { stopAt: ctx.stopAt } : {}),
  });
  const suggestion = toSuggestion(result, headRun);
  // A text prompt is optimized without its BOM (buildTask strips it); the file keeps it.
  if (headText.startsWith(BOM) && !suggestion.fileText.startsWith(BOM)) {
    suggestion.fileText = BOM + suggestion.fileText;
  }
  suggestion.headText = headText;
  return suggestion;
}

function withheld(ctx: SuggestContext, fileText: string, why: string): Suggestion {
  return {
    fileText,
    source: `LPO, ${ctx.optimizeOptions.method}, ${ctx.optimizeOptions.mode} mode`,
    splits: {},
    vsHead: {},
    edits: [],
    withheld: why,
  };
}
