import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EvalTask, Example, ScorerSpec } from '../../src/core/types.js';
import { DEADLINE_ERROR, evaluate } from '../../src/eval/run.js';
import { score } from '../../src/eval/scorers.js';
import { LlmClient } from '../../src/llm/client.js';
import { completion, type FakeOpenAI, startFakeOpenAI } from '../llm/helpers/fake-openai.js';

// The deadline is checked between examples, so it can be passed by at most the example each worker
// is on when it comes. The clock is moved past the deadline when the endpoint gets its first request,
// so the deadline falls while the first examples run, on any machine and under any load. The scorer
// is slow but linear (a capture search over a long answer), as a real long answer would be.
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
let deadline = Number.POSITIVE_INFINITY;

beforeAll(async () => {
  server = await startFakeOpenAI(() => {
    if (Date.now() <= deadline) vi.setSystemTime(deadline + 1);
    return { json: completion(ANSWER) };
  });
});
afterAll(() => server.close());
afterEach(() => vi.useRealTimers());

describe('evaluate with a deadline and a slow scorer', () => {
  it.each([1, 2])(
    'passes the deadline by at most one example per worker (concurrency %i)',
    async (concurrency) => {
      expect(score(slow, ANSWER, 'c').correct).toBe(false);
      // Only Date is faked: the sockets' and the SDK's timers run for real.
      vi.useFakeTimers({ toFake: ['Date'] });
      deadline = Date.now() + 60_000;
      const before = server.requests.length;
      const pool = new LlmClient({
        baseURL: server.baseURL,
        apiKey: 'test',
        maxRetries: 0,
        cacheDir: null,
        concurrency,
      });
      const run = await evaluate(task, { dev: examples }, { client: pool, model: 'm', stopAt: deadline });
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
