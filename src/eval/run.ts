import { renderMessages } from '../config/task.js';
import { ConfigError, errorMessage } from '../core/errors.js';
import { type ChatRequest, type LlmClient, LlmError } from '../llm/client.js';
import { answerFailure } from '../llm/reply.js';
import type { EvalTask, Example, ExampleResult, SplitName } from '../core/types.js';
import { gradeOutput, inputOf } from './grade.js';
import { combineSamples, type Sample, sampleSeed, samplesOf } from './samples.js';
import { type SplitRun, SplitTally } from './tally.js';

export { samplesOf } from './samples.js';

export type { SplitRun } from './tally.js';

export interface EvalRun {
  splits: Partial<Record<SplitName, SplitRun>>;
  wallMs: number;
  /** True when the deadline stopped the run: unstarted examples are errors saying so. */
  stopped?: boolean;
  /** Set when the owner's ceiling (max-calls, max-tokens) stopped it: what was refused, and why. */
  overBudget?: string;
}

export const DEADLINE_ERROR = 'not run: the deadline was reached';

export interface EvalOptions {
  client: LlmClient;
  /** Task model; a .prompt.yml `model` or a config entry's `model` wins over it. */
  model: string;
  /** Replaces the task's prompt text (used to score a candidate prompt against the same task). */
  prompt?: string;
  /** Called after every finished example. */
  onProgress?: (done: number, total: number) => void;
  /** Epoch ms after which no new example is started (in-flight ones finish). */
  stopAt?: number;
  /**
   * For runs whose examples are not reported: the summaries are counted as results arrive, and only
   * errored examples are kept (without texts), so a 100,000-row run holds next to nothing per row.
   */
  lean?: boolean;
  /**
   * Receives every result, texts included, as it finishes (in completion order; `slot` is its place
   * in its split). With `lean`, this is how a report gets every example without holding them.
   */
  onResult?: (split: SplitName, slot: number, result: ExampleResult) => void;
}

/**
 * Builds the exact request for one example, so callers (and tests) can see what is sent; `sample` is
 * which of the `samples: k` answers it asks for (see sampleSeed).
 */
export function requestFor(
  task: EvalTask,
  example: Example,
  model: string,
  prompt?: string,
  sample = 0,
): ChatRequest {
  const request: ChatRequest = {
    model: task.model ?? model,
    messages: renderMessages(task, example.fields, prompt),
    temperature: task.params.temperature ?? 0,
  };
  const seed = sampleSeed(sample);
  if (seed !== undefined) request.seed = seed;
  if (task.params.max_tokens !== undefined) request.max_tokens = task.params.max_tokens;
  if (task.params.top_p !== undefined) request.top_p = task.params.top_p;
  if (task.responseFormat !== undefined) request.response_format = task.responseFormat;
  return request;
}

/**
 * Every result is built by this one function, with the same fields in the same order, so V8 gives
 * them one shape (spread-built objects each got their own, ~430 bytes apiece on large runs).
 * `lean` drops the texts a caller will not report, which keeps 100,000-row runs small.
 */
function result(
  task: EvalTask,
  example: Example,
  split: SplitName,
  lean: boolean,
  r: Sample & { score?: number; samples?: ExampleResult['samples'] },
): ExampleResult {
  return {
    id: example.id,
    line: example.line,
    row: example.inArray ? example.index + 1 : undefined,
    split,
    input: lean ? '' : inputOf(task, example),
    target: lean ? '' : example.target,
    output: lean ? null : r.output,
    extracted: lean ? null : r.extracted,
    verdict: r.verdict,
    error: r.error,
    failure: r.failure,
    cached: r.cached,
    judge: r.judge,
    score: r.score,
    samples: r.samples,
  };
}

/** Asks for every sample of one example at once (the client's concurrency throttles them). */
async function runOne(
  task: EvalTask,
  example: Example,
  split: SplitName,
  opts: EvalOptions,
  lean: boolean,
): Promise<ExampleResult> {
  const k = samplesOf(task);
  if (k === 1) return result(task, example, split, lean, await answerOnce(task, example, opts, 0));
  const samples = await Promise.all(Array.from({ length: k }, (_, i) => answerOnce(task, example, opts, i)));
  return result(task, example, split, lean, combineSamples(samples));
}

async function answerOnce(
  task: EvalTask,
  example: Example,
  opts: EvalOptions,
  sample: number,
): Promise<Sample> {
  try {
    const request = requestFor(task, example, opts.model, opts.prompt, sample);
    const answer = await opts.client.chat(request);
    // The prompt got an answer, just not a usable one: that counts against it, as wrong, never as an
    // error (errors leave accuracy, so a prompt that gets itself filtered would look flawless).
    const failure = answerFailure(answer, request.response_format);
    if (failure !== undefined) {
      return {
        output: answer.text || (answer.refusal ?? ''),
        extracted: null,
        verdict: 'wrong',
        failure,
        cached: answer.cached,
      };
    }
    let scored: Awaited<ReturnType<typeof gradeOutput>>;
    try {
      scored = await gradeOutput(task, example, answer.text, inputOf(task, example), opts);
    } catch (error) {
      // A model-graded scorer that gave no grade: the example is an error that still shows its answer.
      if (!(error instanceof LlmError || error instanceof ConfigError)) throw error;
      return {
        output: answer.text,
        extracted: null,
        verdict: 'error',
        error: errorMessage(error),
        cached: answer.cached,
      };
    }
    return {
      output: answer.text,
      extracted: scored.extracted,
      verdict: scored.correct ? 'correct' : 'wrong',
      cached: answer.cached,
      judge: scored.judge,
    };
  } catch (error) {
    // A failed model call (after retries) or a row the template cannot fill is this example's error;
    // anything else is a bug and must not pass for "the endpoint failed".
    if (!(error instanceof LlmError || error instanceof ConfigError)) throw error;
    return {
      output: null,
      extracted: null,
      verdict: 'error',
      error: errorMessage(error),
    };
  }
}

function skipped(
  task: EvalTask,
  example: Example,
  split: SplitName,
  lean: boolean,
  why = DEADLINE_ERROR,
): ExampleResult {
  return result(task, example, split, lean, { output: null, extracted: null, verdict: 'error', error: why });
}

export { combineSummaries, summarize } from './summary.js';

type Job = { split: SplitName; example: Example; slot: number };

function* arrayJobs(splits: Partial<Record<SplitName, Example[]>>): Generator<Job> {
  for (const split of ['dev', 'test'] as const) {
    const examples = splits[split] ?? [];
    for (let slot = 0; slot < examples.length; slot++) yield { split, example: examples[slot]!, slot };
  }
}

/**
 * Scores a prompt on the given splits. A fixed pool of workers pulls examples one at a time, so
 * memory stays flat on large datasets (no promise per row up front). The pool is as large as the
 * client's concurrency, which is the one throttle on requests in flight.
 */
export function evaluate(
  task: EvalTask,
  splits: Partial<Record<SplitName, Example[]>>,
  opts: EvalOptions,
): Promise<EvalRun> {
  const sizes: Partial<Record<SplitName, number>> = {};
  for (const split of ['dev', 'test'] as const) if (splits[split]) sizes[split] = splits[split]!.length;
  return evaluateStream(task, arrayJobs(splits), sizes, opts);
}

/** The same, for examples streamed from a file (see dataset/streamSplits): nothing is held but results. */
export async function evaluateStream(
  task: EvalTask,
  jobs: Iterator<Job> | AsyncIterator<Job>,
  sizes: Partial<Record<SplitName, number>>,
  opts: EvalOptions,
): Promise<EvalRun> {
  const started = Date.now();
  const lean = opts.lean === true;
  // Texts are built only when someone reads them: a full run, or a sink writing every example.
  const texts = !lean || opts.onResult !== undefined;
  const tallies: Partial<Record<SplitName, SplitTally>> = {};
  let total = 0;
  for (const split of ['dev', 'test'] as const) {
    if (sizes[split] === undefined) continue;
    tallies[split] = new SplitTally(sizes[split]!, lean);
    total += sizes[split]!;
  }
  let done = 0;
  let stopped = false;
  // Concurrent next() calls on an async generator are queued by the language: each job goes to one worker.
  const worker = async () => {
    for (;;) {
      const next = await jobs.next();
      if (next.done) return;
      const job = next.value;
      const late = opts.stopAt !== undefined && Date.now() >= opts.stopAt;
      if (late) stopped = true;
      // Once the run's ceiling refused a request, nothing new starts: the rest would be refused too.
      const spent = opts.client.exhausted();
      const result = late
        ? skipped(task, job.example, job.split, !texts)
        : spent
          ? skipped(task, job.example, job.split, !texts, `not run: ${spent.message}`)
          : await runOne(task, job.example, job.split, opts, !texts);
      opts.onResult?.(job.split, job.slot, result);
      tallies[job.split]!.record(job.slot, result);
      done++;
      opts.onProgress?.(done, total);
    }
  };
  const workers = Math.max(1, Math.min(opts.client.concurrency, total));
  await Promise.all(Array.from({ length: workers }, worker));
  const run: EvalRun = { splits: {}, wallMs: Date.now() - started, ...(stopped ? { stopped } : {}) };
  const spent = opts.client.exhausted();
  if (spent) run.overBudget = spent.message;
  for (const name of ['dev', 'test'] as const) {
    const tally = tallies[name];
    if (tally) run.splits[name] = tally.run();
  }
  return run;
}
