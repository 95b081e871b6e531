import { insideDir } from '../core/paths.js';
import { assignSplits, type SplitCounts } from '../dataset/split.js';
import { type SplitInfo, splitInfo } from '../dataset/split-info.js';
import { examplesFromRows, type FieldMap, loadSplits, streamSplits } from '../dataset/examples.js';
import { ConfigError } from '../core/errors.js';
import type { LlmClient } from '../llm/client.js';
import { usageBetween } from '../llm/usage.js';
import type { EvalTask, Example, SplitName } from '../core/types.js';
import { calibrate, checkLabels, judgeSummary } from './calibrate.js';
import { type EvalReport, EVAL_REPORT_VERSION, type JudgeSummary } from './report.js';
import { combineSummaries, type EvalOptions, type EvalRun, evaluate, evaluateStream } from './run.js';

export type SplitChoice = SplitName | 'all';

/**
 * The dataset path as messages should name it: relative to the working directory (the repository
 * root in the Action and usually in the CLI) when inside it, so `data/x.jsonl:7`, not a runner path.
 */
function shown(file: string): string {
  return shownFrom(process.cwd(), file);
}

function shownFrom(dir: string, file: string): string {
  return insideDir(dir, file) ?? file;
}

/** The fields a task reads from each row: its input and target, and a judge's calibration fields. */
export function fieldMapOf(task: EvalTask): FieldMap {
  return {
    input: task.input,
    target: task.target,
    ...(task.calibration ? { labelled: task.calibration } : {}),
  };
}

/** Dev then test, as one list. */
export const bothSplits = (splits: Partial<Record<SplitName, Example[]>>): Example[] => [
  ...(splits.dev ?? []),
  ...(splits.test ?? []),
];

/**
 * The task's dev and test examples. A dataset file is streamed once, keeping only the capped
 * selection of each split, so a 100,000-row file never sits in memory whole.
 */
export async function loadTaskSplits(
  task: EvalTask,
  which: SplitChoice,
): Promise<{ splits: Partial<Record<SplitName, Example[]>>; info: SplitInfo }> {
  const map = fieldMapOf(task);
  let dev: Example[];
  let test: Example[];
  let counts: SplitCounts;
  if (task.datasetPath) {
    ({ dev, test, counts } = await loadSplits(shown(task.datasetPath), map, task.split));
  } else if (task.inlineRows) {
    const examples = examplesFromRows(
      task.inlineRows,
      map,
      task.inlineSource ?? task.promptPath,
      task.inlineLines,
    );
    if (examples.length === 0)
      throw new ConfigError(`${task.inlineSource ?? task.promptPath}: testData is empty`);
    ({ dev, test, counts } = assignSplits(examples, task.split));
  } else {
    throw new ConfigError(`${task.promptPath}: no dataset configured`);
  }
  const chosen: Partial<Record<SplitName, Example[]>> = {};
  if (which !== 'test') chosen.dev = dev;
  if (which !== 'dev') chosen.test = test;
  return { splits: chosen, info: splitInfo(task.split, counts) };
}

export interface TaskEvalOptions {
  client: LlmClient;
  model: string;
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
  if (!task.datasetPath) {
    checkLabels(task, bothSplits((await loadTaskSplits(task, 'all')).splits));
    return;
  }
  const stream = await streamSplits(shown(task.datasetPath), fieldMapOf(task), task.split);
  if (task.calibration) for await (const job of stream.examples()) checkLabels(task, [job.example]);
}

/**
 * A dataset file is streamed (two passes over the file): only the examples in flight and what the
 * evaluator keeps of the results are in memory. Inline rows are few and loaded.
 */
/** The run, the split's figures, and the labelled rows of both splits (a judge's calibration). */
interface TaskRun {
  run: EvalRun;
  info: SplitInfo;
  labelled: Example[];
}

async function runTask(task: EvalTask, opts: TaskEvalOptions): Promise<TaskRun> {
  if (!task.datasetPath) {
    const { splits, info } = await loadTaskSplits(task, opts.which);
    const all = opts.which === 'all' ? splits : (await loadTaskSplits(task, 'all')).splits;
    const labelled = bothSplits(all).filter((e) => e.labelled);
    return { run: await evaluate(task, splits, opts), info, labelled };
  }
  const stream = await streamSplits(shown(task.datasetPath), fieldMapOf(task), task.split);
  const sizes: Partial<Record<SplitName, number>> = {};
  if (opts.which !== 'test') sizes.dev = stream.sizes.dev;
  if (opts.which !== 'dev') sizes.test = stream.sizes.test;
  // Labelled rows are kept from the one pass over the file, whichever splits are scored.
  const labelled: Example[] = [];
  const wanted = async function* () {
    for await (const job of stream.examples()) {
      if (job.example.labelled) labelled.push(job.example);
      if (sizes[job.split] !== undefined) yield job;
    }
  };
  const run = await evaluateStream(task, wanted(), sizes, opts);
  return { run, info: splitInfo(task.split, stream.counts), labelled };
}

/** A judge with labelled rows is graded on their stored answers too (dev and test: every labelled row selected). */
async function judgeOf(
  task: EvalTask,
  opts: TaskEvalOptions,
  labelled: Example[],
): Promise<JudgeSummary | undefined> {
  if (task.scorer.type !== 'judge' || !task.calibration) return undefined;
  const c = await calibrate(opts.client, task, labelled, opts.model);
  return c ? judgeSummary(c) : undefined;
}

/** Loads, splits and scores one task, and shapes the result as the versioned report. */
export async function evalTask(task: EvalTask, opts: TaskEvalOptions): Promise<EvalReport> {
  const before = opts.client.usage();
  const { run, info, labelled } = await runTask(task, opts);
  const dev = run.splits.dev?.summary;
  const test = run.splits.test?.summary;
  const judge = await judgeOf(task, opts, labelled);
  const after = opts.client.usage();
  return {
    version: EVAL_REPORT_VERSION,
    kind: 'eval',
    simulated: opts.simulated(),
    prompt: task.promptPath,
    dataset: task.datasetPath ? shownFrom(opts.rootDir, task.datasetPath) : (task.inlineSource ?? null),
    model: task.model ?? opts.model,
    scorer: task.scorer.type,
    split: info,
    splits: {
      ...(dev ? { dev } : {}),
      ...(test ? { test } : {}),
      // Dev and test are disjoint, so their union scores every selected example exactly once.
      ...(opts.which === 'all' && dev && test ? { all: combineSummaries(dev, test) } : {}),
    },
    examples: [...(run.splits.dev?.results ?? []), ...(run.splits.test?.results ?? [])],
    ...(judge ? { judge } : {}),
    usage: usageBetween(before, after),
    wallMs: run.wallMs,
  };
}
