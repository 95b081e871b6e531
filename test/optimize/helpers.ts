// A small real task for the optimizer tests: GSM8K rows (test/llm/fixtures, MIT) answered by the
// offline simulator over real HTTP through LlmClient.
import { readFileSync } from 'node:fs';
import { contentHash } from '../../src/dataset/examples.js';
import { LlmClient } from '../../src/llm/client.js';
import { type SimulatorOptions, startSimulator } from '../../src/tools/simulator/simulator.js';
import type { EvalTask, Example, ExampleResult } from '../../src/core/types.js';

const rows = readFileSync(new URL('../llm/fixtures/gsm8k-test-40.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { question: string; answer: string });

/** GSM8K's test set as published (../shared/data, MIT): for runs that need more than 40 rows. */
const shared = readFileSync(new URL('../../../shared/data/gsm8k/test.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { question: string; answer: string });

export const answerKey = [...rows, ...shared].map((r) => ({ input: r.question, target: r.answer }));

function example(row: { question: string; answer: string }, line: number): Example {
  const fields = { question: row.question };
  return { id: contentHash(fields, row.answer), index: line - 1, line, fields, target: row.answer };
}

/** The first `devN` rows are dev, the next `testN` test (deterministic, no hashing needed for a fixture). */
export function gsmSplits(devN = 20, testN = 20): { dev: Example[]; test: Example[] } {
  const all = rows.map((r, i) => example(r, i + 1));
  return { dev: all.slice(0, devN), test: all.slice(devN, devN + testN) };
}

/** `devN` dev and `testN` test rows of GSM8K's published test set, in file order. */
export function gsmLarge(devN: number, testN: number): { dev: Example[]; test: Example[] } {
  const all = shared.slice(0, devN + testN).map((r, i) => example(r, i + 1));
  return { dev: all.slice(0, devN), test: all.slice(devN) };
}

export function textTask(prompt: string): EvalTask {
  return {
    promptPath: 'prompts/math.txt',
    kind: 'text',
    prompt,
    messages: [{ role: 'user', content: '{{prompt}}\n\nQ: {{question}}\nA:' }],
    datasetPath: null,
    input: ['question'],
    target: 'answer',
    scorer: { type: 'numeric' },
    split: { dev: 0.5, seed: 1 },
    params: {},
  };
}

export async function simulated(options: SimulatorOptions = {}) {
  const sim = await startSimulator({ answerKey, seed: 3, ...options });
  const client = new LlmClient({ baseURL: sim.url, apiKey: 'x', maxRetries: 0, cacheDir: null });
  return { sim, client };
}

/** An example with nothing but its place, for tests of the search's bookkeeping. */
export const bareExample = (i: number): Example => ({
  id: `e${i}`,
  index: i,
  line: i + 1,
  fields: {},
  target: '',
});

/** The result of `e` with only its verdict. */
export const verdictOf = (e: Example, correct: boolean): ExampleResult => ({
  id: e.id,
  line: e.line,
  split: 'dev',
  input: '',
  target: '',
  output: '',
  extracted: null,
  verdict: correct ? 'correct' : 'wrong',
});
