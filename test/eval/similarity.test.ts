import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalTask, Example } from '../../src/core/types.js';
import { evaluate } from '../../src/eval/run.js';
import { cosine, similarity } from '../../src/eval/similarity.js';
import { LlmClient } from '../../src/llm/client.js';
import {
  SIMULATED_MODEL,
  type SimulatorHandle,
  startSimulator,
} from '../../src/tools/simulator/simulator.js';

const EMBEDDER = 'text-embedding-3-small';
const SPEC = { type: 'similarity', model: EMBEDDER, threshold: 0.85 } as const;

describe('cosine', () => {
  it('is 1 for the same direction, 0 for orthogonal, -1 for opposite, 0 against all zeros', () => {
    expect(cosine([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(cosine([1, 0], [0, 5])).toBe(0);
    expect(cosine([1, -2], [-1, 2])).toBeCloseTo(-1, 12);
    expect(cosine([0, 0], [1, 1])).toBe(0);
    expect(() => cosine([1], [1, 2])).toThrow('1 and 2 dimensions');
  });
});

describe('the similarity scorer over /v1/embeddings (simulator)', () => {
  let sim: SimulatorHandle;
  let cacheDir: string;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 2 });
    cacheDir = await mkdtemp(path.join(tmpdir(), 'lpo-sim-'));
  });
  afterAll(async () => {
    await sim.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  const client = (extra: Partial<ConstructorParameters<typeof LlmClient>[0]> = {}) =>
    new LlmClient({ baseURL: sim.url, apiKey: 'k', maxRetries: 0, cacheDir: null, ...extra });

  it('passes a paraphrase, fails an unrelated reply, and counts each request as a call', async () => {
    const llm = client();
    const same = await similarity(
      llm,
      SPEC,
      'The refund was issued to your card',
      'We issued the refund to your card.',
    );
    const other = await similarity(
      llm,
      SPEC,
      'The weather in Paris was sunny',
      'We issued the refund to your card.',
    );
    expect(same.pass).toBe(true);
    expect(same.similarity).toBeGreaterThanOrEqual(0.85);
    expect(other.pass).toBe(false);
    expect(other.similarity).toBeLessThan(same.similarity);
    expect(llm.usage().calls).toBe(2);
    expect(sim.stats().embeddings).toBeGreaterThanOrEqual(2);
  });

  it('answers a repeated request from the cache, without a call', async () => {
    const first = client({ cacheDir });
    const a = await similarity(first, SPEC, 'Your order ships on Monday', 'On Monday, your orders ship.');
    const second = client({ cacheDir });
    const b = await similarity(second, SPEC, 'Your order ships on Monday', 'On Monday, your orders ship.');
    expect(a.cached).toBe(false);
    expect(b).toEqual({ ...a, cached: true });
    expect(second.usage()).toMatchObject({ calls: 0, cacheHits: 1 });
  });

  it('is held to the allowed models and to max-calls', async () => {
    const limited = client({ ceilings: { models: [SIMULATED_MODEL] } });
    await expect(similarity(limited, SPEC, 'a', 'b')).rejects.toThrow(`model "${EMBEDDER}" is not allowed`);
    const capped = client({ ceilings: { maxCalls: 1 } });
    await similarity(capped, SPEC, 'one', 'two');
    await expect(similarity(capped, SPEC, 'three', 'four')).rejects.toThrow('ceiling of 1 requests');
  });

  it('scores a task: each example passes when its cosine reaches the threshold, shown as the reason', async () => {
    const rows = ['Reset the password from the settings page.', 'Your order ships on Monday'];
    const examples: Example[] = rows.map((target, i) => ({
      id: `s${i}`,
      index: i,
      line: i + 1,
      fields: { question: `Say: ${target}` },
      target,
    }));
    const task: EvalTask = {
      promptPath: 'prompts/say.txt',
      kind: 'text',
      prompt: 'Repeat the sentence.',
      messages: [{ role: 'user', content: '{{prompt}}\n\n{{question}}' }],
      datasetPath: null,
      input: ['question'],
      target: 'answer',
      scorer: SPEC,
      split: { dev: 0.5, seed: 1 },
      params: {},
    };
    const llm = client();
    const run = await evaluate(task, { dev: examples }, { client: llm, model: SIMULATED_MODEL });
    for (const r of run.splits.dev!.results) {
      const value = (await similarity(llm, SPEC, r.output!, r.target)).similarity;
      expect(r.verdict).toBe(value >= 0.85 ? 'correct' : 'wrong');
      expect(r.judge?.reason).toBe(`cosine similarity ${value.toFixed(3)} (threshold 0.85)`);
    }
  });
});
