// Shared setup for the fault-injection suite: a GSM8K slice (test/llm/fixtures, MIT) answered by the
// simulator over real HTTP, with faults, through the real LlmClient.
import { readFileSync } from 'node:fs';
import { LlmClient } from '../../src/llm/client.js';
import type { FaultHistoryEntry, FaultOptions } from '../../src/tools/simulator/sim-faults.js';
import {
  type SimulatorHandle,
  type SimulatorOptions,
  startSimulator,
} from '../../src/tools/simulator/simulator.js';
import type { EvalTask, ExampleResult } from '../../src/core/types.js';

export const rows = readFileSync(new URL('../llm/fixtures/gsm8k-test-40.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { question: string; answer: string });

export const answerKey = rows.map((r) => ({ input: r.question, target: r.answer }));
export const SIM_SEED = 3;
export const TASK_MODEL = 'task-model';

/** A text prompt on the fixture rows, inline, split half dev half test. */
export function gsmTask(prompt: string): EvalTask {
  return {
    promptPath: 'prompts/math.txt',
    kind: 'text',
    prompt,
    messages: [{ role: 'user', content: '{{prompt}}\n\nQ: {{question}}\nA:' }],
    datasetPath: null,
    inlineRows: rows,
    inlineSource: 'test/llm/fixtures/gsm8k-test-40.jsonl',
    input: ['question'],
    target: 'answer',
    scorer: { type: 'numeric' },
    split: { dev: 0.5, seed: 1 },
    params: {},
  };
}

const handles: SimulatorHandle[] = [];

export async function faultySimulator(faults: FaultOptions, extra: SimulatorOptions = {}) {
  const sim = await startSimulator({ answerKey, seed: SIM_SEED, faults, ...extra });
  handles.push(sim);
  return sim;
}

export async function closeAll(): Promise<void> {
  await Promise.all(handles.splice(0).map((h) => h.close()));
}

/**
 * A short timeout keeps each hang to a second (shorter ones time out on a busy CI machine, which makes
 * the run depend on load instead of the seed); two retries ride out most single faults, so
 * the runs see both recoveries and examples whose every attempt failed.
 */
export function faultClient(sim: SimulatorHandle, opts: { maxRetries?: number; timeoutMs?: number } = {}) {
  return new LlmClient({
    baseURL: sim.url,
    apiKey: 'sk-test-fault-suite',
    maxRetries: opts.maxRetries ?? 2,
    timeoutMs: opts.timeoutMs ?? 1000,
    concurrency: 8,
    cacheDir: null,
  });
}

/** Each task request's attempts, by the dataset input it asked about (one prompt: one body per input). */
export function historyByInput(history: FaultHistoryEntry[]): Map<string, FaultHistoryEntry['outcomes']> {
  const out = new Map<string, FaultHistoryEntry['outcomes']>();
  for (const entry of history) {
    if (entry.input === null) continue;
    if (out.has(entry.input))
      throw new Error(`two request bodies for one input: ${entry.input.slice(0, 40)}`);
    out.set(entry.input, entry.outcomes);
  }
  return out;
}

export function countVerdicts(results: ExampleResult[]) {
  const n = { correct: 0, wrong: 0, error: 0 };
  for (const r of results) n[r.verdict]++;
  return n;
}
