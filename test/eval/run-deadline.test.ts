import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalTask, Example, ScorerSpec } from '../../src/core/types.js';
import { DEADLINE_ERROR, evaluate } from '../../src/eval/run.js';
import { score } from '../../src/eval/scorers.js';
import { LlmClient } from '../../src/llm/client.js';
import { completion, type FakeOpenAI, startFakeOpenAI } from '../llm/helpers/fake-openai.js';

// A scorer that is slow but linear: a capture search over a long answer keeps ~50 NFA threads per
// character. The deadline is checked between examples, so it can be passed by at most the example
// each worker is scoring when it comes.
const slow: ScorerSpec = { type: 'regex', pattern: '(?:[ab]{50})*(c)?$' };
const ANSWER = 'ab'.repeat(10_000);

const examples: Example[] = Array.from({ length: 8 }, (_, i) => ({
  id: `id${i}`,
  index: i,
  line: i + 1,
  fields: { question: `question ${i}` },
  target: 'c',
}));
const task: EvalTask = {
  promptPath: 'prompts/slow.txt',
  kind: 'text',
  prompt: 'Answer.',
  messages: [{ role: 'user', content: '{{prompt}}\n\n{{question}}' }],
  datasetPath: null,
  input: ['question'],
  target: 'answer',
  scorer: slow,
  split: { dev: 0.5, seed: 1 },
  params: {},
};

let server: FakeOpenAI;

beforeAll(async () => {
  server = await startFakeOpenAI(() => ({ json: completion(ANSWER) }));
});
afterAll(() => server.close());

describe('evaluate with a deadline and a slow scorer', () => {
  it.each([1, 2])(
    'passes the deadline by at most one example per worker (concurrency %i)',
    async (concurrency) => {
      // Calibrated on this machine, so the deadline falls while the first examples are being scored.
      const started = performance.now();
      expect(score(slow, ANSWER, 'c').correct).toBe(false);
      const scoringMs = performance.now() - started;
      const before = server.requests.length;
      const pool = new LlmClient({
        baseURL: server.baseURL,
        apiKey: 'test',
        maxRetries: 0,
        cacheDir: null,
        concurrency,
      });
      const run = await evaluate(
        task,
        { dev: examples },
        { client: pool, model: 'm', stopAt: Date.now() + scoringMs / 2 },
      );
      const results = run.splits.dev!.results;
      const ran = results.filter((r) => r.error !== DEADLINE_ERROR);
      expect(run.stopped).toBe(true);
      expect(ran.length).toBeGreaterThanOrEqual(1);
      expect(ran.length).toBeLessThanOrEqual(concurrency);
      expect(ran.every((r) => r.verdict === 'wrong')).toBe(true);
      expect(server.requests.length - before).toBe(ran.length);
      expect(results.filter((r) => r.error === DEADLINE_ERROR)).toHaveLength(examples.length - ran.length);
    },
  );
});
