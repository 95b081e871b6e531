import { isAbsolute, relative } from 'node:path';
import { assignSplits } from '../dataset/split.js';
import { examplesFromRows, loadSplits, streamSplits } from '../dataset/examples.js';
import { ConfigError } from '../errors.js';
import type { LlmClient } from '../llm/client.js';
import type { EvalTask, Example, SplitName } from '../types.js';
import { type EvalReport, EVAL_REPORT_VERSION } from './report.js';
import { type EvalOptions, evaluate, evaluateStream } from './run.js';

export type SplitChoice = SplitName | 'all';

/**
 * The dataset path as messages should name it: relative to the working directory (the repository
 * root in the Action and usually in the CLI) when inside it, so `data/x.jsonl:7`, not a runner path.
 */
function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/**
 * The task's dev and test examples. A dataset file is streamed once, keeping only the capped
 * selection of each split, so a 100,000-row file never sits in memory whole.
 */
export async function loadTaskSplits(task: EvalTask, which: SplitChoice) {
  const map = { input: task.input, target: task.target };
  let dev: Example[];
  let test: Example[];
  if (task.datasetPath) {
    ({ dev, test } = await loadSplits(shown(task.datasetPath), map, task.split));
  } else if (task.inlineRows) {
    const examples = examplesFromRows(task.inlineRows, map, task.inlineSource ?? task.promptPath);
    if (examples.length === 0)
      throw new ConfigError(`${task.inlineSource ?? task.promptPath}: testData is empty`);
    ({ dev, test } = assignSplits(examples, task.split));
  } else {
    throw new ConfigError(`${task.promptPath}: no dataset configured`);
  }
  const chosen: Partial<Record<SplitName, Example[]>> = {};
  if (which !== 'test') chosen.dev = dev;
  if (which !== 'dev') chosen.test = test;
  return chosen;
}

export interface TaskEvalOptions {
  client: LlmClient;
  model: string;
  concurrency: number;
  which: SplitChoice;
  rootDir: string;
  simulated: () => boolean;
  onProgress?: (done: number, total: number) => void;
  /**
   * Keep only the counts and the errored examples (without texts): the report's `examples` then
   * holds just those. Pair with `onResult` to write every example as it finishes.
   */
  lean?: boolean;
  onResult?: EvalOptions['onResult'];
}

/** Reads and checks a task's rows without keeping them: a bad row fails here, before any model call. */
export async function checkTaskData(task: EvalTask): Promise<void> {
  if (task.datasetPath)
    await streamSplits(shown(task.datasetPath), { input: task.input, target: task.target }, task.split);
  else await loadTaskSplits(task, 'all');
}

/**
 * A dataset file is streamed (two passes over the file): only the examples in flight and what the
 * evaluator keeps of the results are in memory. Inline rows are few and loaded.
 */
async function runTask(task: EvalTask, opts: TaskEvalOptions) {
  if (!task.datasetPath) return evaluate(task, await loadTaskSplits(task, opts.which), opts);
  const stream = await streamSplits(
    shown(task.datasetPath),
    { input: task.input, target: task.target },
    task.split,
  );
  const sizes: Partial<Record<SplitName, number>> = {};
  if (opts.which !== 'test') sizes.dev = stream.sizes.dev;
  if (opts.which !== 'dev') sizes.test = stream.sizes.test;
  const wanted = async function* () {
    for await (const job of stream.examples()) if (sizes[job.split] !== undefined) yield job;
  };
  return evaluateStream(task, wanted(), sizes, opts);
}

/** Loads, splits and scores one task, and shapes the result as the versioned report. */
export async function evalTask(task: EvalTask, opts: TaskEvalOptions): Promise<EvalReport> {
  const before = opts.client.usage();
  const run = await runTask(task, opts);
  const after = opts.client.usage();
  return {
    version: EVAL_REPORT_VERSION,
    kind: 'eval',
    simulated: opts.simulated(),
    prompt: task.promptPath,
    dataset: task.datasetPath
      ? relative(opts.rootDir, task.datasetPath) || task.datasetPath
      : (task.inlineSource ?? null),
    model: task.model ?? opts.model,
    scorer: task.scorer.type,
    splits: {
      ...(run.splits.dev ? { dev: run.splits.dev.summary } : {}),
      ...(run.splits.test ? { test: run.splits.test.summary } : {}),
    },
    examples: [...(run.splits.dev?.results ?? []), ...(run.splits.test?.results ?? [])],
    usage: {
      calls: after.calls - before.calls,
      cacheHits: after.cacheHits - before.cacheHits,
      promptTokens: after.promptTokens - before.promptTokens,
      completionTokens: after.completionTokens - before.completionTokens,
      failedCalls: after.failedCalls - before.failedCalls,
    },
    wallMs: run.wallMs,
  };
}
