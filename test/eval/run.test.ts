import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEADLINE_ERROR, evaluate } from '../../src/eval/run.js';
import { LlmClient } from '../../src/llm/client.js';
import type { EvalTask, Example } from '../../src/core/types.js';
import { completion, type FakeOpenAI, type Reply, startFakeOpenAI } from '../llm/helpers/fake-openai.js';

// Real GSM8K test rows (MIT): question, and the number after "####".
const ROWS: [string, string][] = [
  [
    "Janet’s ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes muffins for her friends every day with four. She sells the remainder at the farmers' market daily for $2 per fresh duck egg. How much in dollars does she make every day at the farmers' market?",
    '18',
  ],
  [
    'A robe takes 2 bolts of blue fiber and half that much white fiber.  How many bolts in total does it take?',
    '3',
  ],
  [
    'Josh decides to try flipping a house.  He buys a house for $80,000 and then puts in $50,000 in repairs.  This increased the value of the house by 150%.  How much profit did he make?',
    '70000',
  ],
  [
    'James decides to run 3 sprints 3 times a week.  He runs 60 meters each sprint.  How many total meters does he run a week?',
    '540',
  ],
];
const examples: Example[] = ROWS.map(([question, answer], i) => ({
  id: `id${i}`,
  index: i,
  line: i + 1,
  fields: { question },
  target: `#### ${answer}`,
}));
const task: EvalTask = {
  promptPath: 'prompts/math.txt',
  kind: 'text',
  prompt: 'Solve it.',
  messages: [{ role: 'user', content: '{{prompt}}\n\n{{question}}' }],
  datasetPath: null,
  input: ['question'],
  target: 'answer',
  scorer: { type: 'numeric' },
  split: { dev: 0.5, seed: 1 },
  params: {},
};

let server: FakeOpenAI;
let client: LlmClient;

beforeAll(async () => {
  // Row 1: right. Row 2: wrong. Row 3: a 400 (not retried), row 4: a truncated answer.
  server = await startFakeOpenAI((req) => {
    const text: string = req.body.messages.at(-1).content;
    if (text.includes('Janet')) return { json: completion('16 - 3 - 4 = 9, 9 * 2 = 18. The answer is $18.') };
    if (text.includes('robe')) return { json: completion('The answer is 2.') };
    if (text.includes('Josh'))
      return { status: 400, json: { error: { message: 'context too long', type: 'invalid_request_error' } } };
    return { json: completion('He runs 3 * 3 = 9 sprints, 9 * 60 =', { finishReason: 'length' }) };
  });
  client = new LlmClient({ baseURL: server.baseURL, apiKey: 'test', maxRetries: 0, cacheDir: null });
});
afterAll(() => server.close());

describe('evaluate', () => {
  it('counts a failed call as an error, excluded from accuracy, and a truncated answer as wrong', async () => {
    const run = await evaluate(task, { test: examples }, { client, model: 'm' });
    const { summary, results } = run.splits.test!;
    expect(results.map((r) => r.verdict)).toEqual(['correct', 'wrong', 'error', 'wrong']);
    expect(results[2]!.error).toMatch(/400/);
    expect(results[2]!.error).toMatch(/context too long/);
    // The prompt's answer, cut off: its own kind, the text kept for the optimizer and the report.
    expect(results[3]).toMatchObject({ failure: 'truncated', output: 'He runs 3 * 3 = 9 sprints, 9 * 60 =' });
    expect(results[3]!.error).toBeUndefined();
    expect(results[1]!.failure).toBeUndefined();
    expect(summary).toMatchObject({ total: 4, correct: 1, errors: 1, failures: { truncated: 1 } });
    expect(summary.accuracy).toBeCloseTo(1 / 3, 12);
    expect(results[0]!.extracted).toBe('$18');
  });

  it('a lean run counts the same summaries but keeps only the errored examples, in file order, without texts', async () => {
    const splits = { dev: examples.slice(0, 2), test: [...examples].reverse() };
    const full = await evaluate(task, splits, { client, model: 'm' });
    const lean = await evaluate(task, splits, { client, model: 'm', lean: true });
    expect(lean.splits.dev!.summary).toEqual(full.splits.dev!.summary);
    expect(lean.splits.test!.summary).toEqual(full.splits.test!.summary);
    expect(lean.splits.test!.summary).toMatchObject({ total: 4, correct: 1, errors: 1 });
    expect(lean.splits.test!.summary.failures).toEqual({ truncated: 1 });
    expect(lean.splits.dev!.results).toEqual([]);
    const errors = lean.splits.test!.results;
    expect(errors.map((r) => [r.line, r.verdict])).toEqual([[3, 'error']]);
    expect(errors[0]!.error).toMatch(/context too long/);
    expect(errors.every((r) => r.input === '' && r.output === null)).toBe(true);
  });

  it('starts no example after the deadline and says why', async () => {
    const before = server.requests.length;
    const run = await evaluate(task, { dev: examples }, { client, model: 'm', stopAt: Date.now() - 1 });
    expect(server.requests.length).toBe(before);
    expect(run.stopped).toBe(true);
    expect(run.splits.dev!.results.every((r) => r.verdict === 'error' && r.error === DEADLINE_ERROR)).toBe(
      true,
    );
    expect(run.splits.dev!.summary.accuracy).toBeNull();
  });

  it('sends the prompt and the example through the template, with temperature 0 by default', async () => {
    const before = server.requests.length;
    await evaluate(task, { dev: examples.slice(0, 1) }, { client, model: 'm', prompt: 'Think {{x}}.' });
    const body = server.requests[before]!.body;
    expect(body.temperature).toBe(0);
    // The override is placed literally: a prompt's own braces are never expanded.
    expect(body.messages[0].content).toBe(`Think {{x}}.\n\n${ROWS[0]![0]}`);
  });
});

describe('answers the prompt made unusable', () => {
  // One question per kind of reply; each comes back over real HTTP, as an endpoint would send it.
  const replies: Record<string, Reply> = {
    filtered: { json: completion(null, { finishReason: 'content_filter' }) },
    refused: { json: completion(null, { refusal: 'I cannot help with that.' }) },
    truncated: { json: completion('{"answer": 1', { finishReason: 'length' }) },
    empty: { json: completion('') },
    'invalid-json': { json: completion('The answer is 4.') },
    good: { json: completion('{"answer": 4}') },
    'bad-usage': { json: { ...(completion('{"answer": 4}') as object), usage: { prompt_tokens: 1e308 } } },
  };
  const jsonTask: EvalTask = {
    ...task,
    scorer: { type: 'json', field: 'answer' },
    responseFormat: { type: 'json_object' },
  };
  const rows: Example[] = Object.keys(replies).map((kind, i) => ({
    id: kind,
    index: i,
    line: i + 1,
    fields: { question: `case ${kind}` },
    target: '4',
  }));

  it('counts each as wrong with its kind; only a reply that breaks the API is an error', async () => {
    const endpoint = await startFakeOpenAI((req) => {
      const text: string = req.body.messages.at(-1).content;
      return replies[text.slice(text.indexOf('case ') + 5)]!;
    });
    try {
      const llm = new LlmClient({ baseURL: endpoint.baseURL, apiKey: 'test', maxRetries: 0, cacheDir: null });
      const run = await evaluate(jsonTask, { test: rows }, { client: llm, model: 'm' });
      const { summary, results } = run.splits.test!;
      const by = Object.fromEntries(results.map((r) => [r.id, r]));
      for (const kind of ['filtered', 'refused', 'truncated', 'empty', 'invalid-json']) {
        expect(by[kind], kind).toMatchObject({ verdict: 'wrong', failure: kind, extracted: null });
      }
      expect(by.refused!.output).toBe('I cannot help with that.');
      expect(by.good).toMatchObject({ verdict: 'correct' });
      expect(by.good!.failure).toBeUndefined();
      expect(by['bad-usage']).toMatchObject({ verdict: 'error' });
      expect(by['bad-usage']!.error).toMatch(
        /usage\.prompt_tokens is 1e\+308; expected a whole number of tokens/,
      );
      expect(summary).toMatchObject({ total: 7, correct: 1, errors: 1 });
      expect(summary.accuracy).toBeCloseTo(1 / 6, 12);
      expect(summary.failures).toEqual({
        filtered: 1,
        refused: 1,
        truncated: 1,
        empty: 1,
        'invalid-json': 1,
      });
      // The unusable answers were billed; the broken reply is a failed call, its tokens not counted.
      expect(llm.usage()).toMatchObject({ calls: 6, failedCalls: 1, promptTokens: 60, completionTokens: 30 });
    } finally {
      await endpoint.close();
    }
  });
});
