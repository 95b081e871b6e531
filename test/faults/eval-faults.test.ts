// With a quarter of the model calls faulty (a fifth for the CLI), an evaluation completes, scores exactly the examples that got an
// answer (against the simulator's ground truth), never counts a failed call as a wrong answer, and
// always counts an answer the prompt made unusable (cut off, filtered, refused, empty) as one.
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EvalReportSchema } from '../../src/eval/report.js';
import { requestFor } from '../../src/eval/run.js';
import { evalTask, loadTaskSplits } from '../../src/eval/task-run.js';
import type { AnswerFailure } from '../../src/core/types.js';
import { FAULT_KINDS, type FaultKind } from '../../src/tools/simulator/sim-faults.js';
import { simulatedTaskAnswer } from '../../src/tools/simulator/simulator.js';
import { ROOT, runCli } from '../helpers/cli.js';
import {
  answerKey,
  closeAll,
  countVerdicts,
  faultClient,
  faultySimulator,
  gsmTask,
  historyByInput,
  SIM_SEED,
  TASK_MODEL,
} from './helpers.js';

afterAll(closeAll);

const MAX_RETRIES = 2;
const TIMEOUT_MS = 1000;

/** The answer kind an example records when its last attempt got this (content) fault. */
const ANSWER_KIND: Partial<Record<FaultKind, AnswerFailure>> = {
  length: 'truncated',
  refusal: 'refused',
  'content-filter': 'filtered',
  empty: 'empty',
};
const isAnswer = (kind: FaultKind | 'ok') => kind !== 'ok' && ANSWER_KIND[kind] !== undefined;

/** What the example's error says when its last attempt got this (transport) fault. */
const ERROR_TEXT: Partial<Record<FaultKind, RegExp>> = {
  'rate-limit': /HTTP 429/,
  'rate-limit-bare': /HTTP 429/,
  'http-500': /HTTP 500/,
  'http-502': /HTTP 502/,
  'http-503': /HTTP 503/,
  hang: new RegExp(`no answer within ${TIMEOUT_MS} ms`),
  reset: /connection failed/,
  truncated: /connection failed/,
  'non-json': /not a chat completion|not valid JSON/,
};
/** Faults the client does not retry: the first one is the example's last attempt. */
const FINAL: FaultKind[] = ['non-json', 'length', 'refusal', 'content-filter', 'empty'];

describe('evaluation with faulty model calls', () => {
  it('completes, matches the ground truth on answered examples, reports failed calls as errors and unusable answers as wrong', async () => {
    // Rate and seed chosen so this 40-example run sees recoveries as well as every kind of final failure.
    const sim = await faultySimulator({ rate: 0.25, seed: 7, retryAfterMs: 20 });
    const client = faultClient(sim, { maxRetries: MAX_RETRIES, timeoutMs: TIMEOUT_MS });
    const task = gsmTask('Solve the problem. Think step by step.');
    const report = await evalTask(task, {
      client,
      model: TASK_MODEL,
      which: 'all',
      rootDir: ROOT,
      simulated: () => client.simulated(),
    });
    expect(report.examples).toHaveLength(40);

    // Ground truth, from sim-model's rule for exactly the request each example sent.
    const { splits } = await loadTaskSplits(task, 'all');
    const byId = new Map([...(splits.dev ?? []), ...(splits.test ?? [])].map((e) => [e.id, e]));
    const history = historyByInput(sim.faultHistory());
    let truthCorrect = 0;
    const kindsSeen = new Set<string>();
    for (const result of report.examples) {
      const example = byId.get(result.id)!;
      const outcomes = history.get(result.input)!;
      expect(outcomes, result.input).toBeDefined();
      const last = outcomes.at(-1)!;
      for (const o of outcomes) kindsSeen.add(o);
      if (last === 'ok') {
        const truth = simulatedTaskAnswer(
          { seed: SIM_SEED, answerKey },
          requestFor(task, example, TASK_MODEL),
        );
        expect(result.verdict).not.toBe('error');
        expect(result.output).toBe(truth.text);
        expect(result.verdict).toBe(truth.correct ? 'correct' : 'wrong');
        if (truth.correct) truthCorrect++;
      } else if (isAnswer(last)) {
        // An answer came back, unusable: the prompt's wrong answer, of its kind, not retried.
        expect(result, `${last} on line ${result.line}`).toMatchObject({
          verdict: 'wrong',
          failure: ANSWER_KIND[last],
        });
        expect(outcomes.length).toBe(outcomes.lastIndexOf(last) + 1);
      } else {
        // The final attempt failed: an error with the reason, never a wrong answer.
        expect(result.verdict, `${last} on line ${result.line}`).toBe('error');
        expect(result.error).toMatch(ERROR_TEXT[last]!);
        expect(outcomes.length).toBe(FINAL.includes(last) ? outcomes.lastIndexOf(last) + 1 : MAX_RETRIES + 1);
      }
    }
    const n = countVerdicts(report.examples);
    expect(n.correct).toBe(truthCorrect);
    const answered = report.examples.length - n.error;
    const splitErrors = (report.splits.dev?.errors ?? 0) + (report.splits.test?.errors ?? 0);
    expect(splitErrors).toBe(n.error);
    for (const s of [report.splits.dev!, report.splits.test!]) {
      expect(s.accuracy).toBeCloseTo(s.correct / (s.total - s.errors), 12);
    }
    expect(answered).toBeGreaterThan(30);

    // The run really was faulty: recoveries, and each kind of failure the client does not retry.
    const stats = sim.stats();
    const injected = Object.values(stats.faults).reduce((a, b) => a + b, 0);
    expect(injected).toBeGreaterThanOrEqual(8);
    const recovered = [...history.values()].filter((o) => o.length > 1 && o.at(-1) === 'ok');
    expect(recovered.length).toBeGreaterThan(0);
    const finals = report.examples
      .filter((r) => r.verdict === 'error' || r.failure !== undefined)
      .map((r) => history.get(r.input)!.at(-1));
    for (const kind of FINAL) expect(finals, kind).toContain(kind);
    // The summaries count the unusable answers by kind, as the examples say.
    const byKind: Record<string, number> = {};
    for (const r of report.examples) if (r.failure) byKind[r.failure] = (byKind[r.failure] ?? 0) + 1;
    const summed: Record<string, number> = {};
    for (const s of [report.splits.dev!, report.splits.test!]) {
      for (const [k, v] of Object.entries(s.failures ?? {})) summed[k] = (summed[k] ?? 0) + v;
    }
    expect(summed).toEqual(byKind);
    expect(report.splits.all!.failures).toEqual(byKind);
    // Most kinds that apply to a text request were drawn (each one alone: simulator-faults.test.ts).
    expect(kindsSeen.size - 1).toBeGreaterThanOrEqual(8);
    expect(finals.some((k) => !FINAL.includes(k as FaultKind))).toBe(true);
    // The simulator's own count of correct answers served agrees.
    expect(stats.correct).toBe(truthCorrect);
    // Unusable answers were answers (billed calls); every error is a failed call.
    expect(report.usage.failedCalls).toBe(n.error);
  }, 30_000);

  it('lpo eval prints the errors, counts them, and scores only what was answered', async () => {
    // The CLI keeps its production retries (4) and timeout (60 s), so no hangs here.
    const kinds = FAULT_KINDS.filter((k) => k !== 'hang');
    // Seed chosen so the run ends with failed calls as well as unusable answers.
    const sim = await faultySimulator({ rate: 0.2, seed: 11, kinds, retryAfterMs: 20 });
    const json = path.join(await mkdtemp(path.join(os.tmpdir(), 'lpo-faults-')), 'report.json');
    const res = await runCli([
      'eval',
      '--prompt',
      path.join(ROOT, 'examples', 'prompts', 'math.txt'),
      '--dataset',
      path.join(ROOT, 'test', 'llm', 'fixtures', 'gsm8k-test-40.jsonl'),
      '--input',
      'question',
      '--target',
      'answer',
      '--scorer',
      'numeric',
      '--base-url',
      sim.url,
      '--task-model',
      TASK_MODEL,
      '--no-cache',
      '--json',
      json,
    ]);
    expect(res.stderr).not.toMatch(/bug|at .*\.ts:\d+/);
    expect(res.code).toBe(0);
    const report = EvalReportSchema.parse(JSON.parse(await readFile(json, 'utf8')));
    const errors = report.examples.filter((e) => e.verdict === 'error');
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors.slice(0, 5)) expect(res.stdout).toContain(`error on line ${e.line}: ${e.error}`);
    const history = historyByInput(sim.faultHistory());
    for (const e of report.examples) {
      const last = history.get(e.input)!.at(-1)!;
      expect(e.verdict === 'error', `${last} on line ${e.line}`).toBe(last !== 'ok' && !isAnswer(last));
      expect(e.failure, `${last} on line ${e.line}`).toBe(last === 'ok' ? undefined : ANSWER_KIND[last]);
    }
    const unusable = report.examples.filter((e) => e.failure !== undefined);
    expect(unusable.length).toBeGreaterThan(0);
    for (const [split, s] of Object.entries(report.splits)) {
      if (split === 'all') continue;
      const text = Object.entries(s.failures ?? {})
        .map(([k, v]) => `${v} ${k}`)
        .join(', ');
      if (text) expect(res.stdout).toContain(`${split}: ${text}, counted wrong`);
    }
    // Each fault-free answer was answered once: the simulator's count of correct ones is the truth.
    const n = countVerdicts(report.examples);
    expect(sim.stats().task).toBe(n.correct + n.wrong - unusable.length);
    expect(sim.stats().correct).toBe(n.correct);
  }, 40_000);
});
