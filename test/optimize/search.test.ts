import { afterAll, describe, expect, it } from 'vitest';
import { LlmClient } from '../../src/llm/client.js';
import { startModelProxy } from '../hostile/model-proxy.js';
import type { SimulatorHandle } from '../../src/tools/simulator/simulator.js';
import { DEFAULT_OPTIONS, type OptimizeOptions, optimizePrompt } from '../../src/optimize/index.js';
import { toSuggestion } from '../../src/review/suggestion.js';
import type { Example } from '../../src/core/types.js';
import { gsmLarge, simulated, textTask } from './helpers.js';

const handles: SimulatorHandle[] = [];
afterAll(async () => {
  await Promise.all(handles.map((h) => h.close()));
});

async function fresh(options: Parameters<typeof simulated>[0] = {}) {
  const { sim, client } = await simulated(options);
  handles.push(sim);
  return { sim, client };
}

function run(
  client: LlmClient,
  prompt: string,
  options: Partial<OptimizeOptions>,
  splits: { dev: Example[]; test: Example[] } = gsmLarge(100, 100),
) {
  return optimizePrompt({
    task: textTask(prompt),
    splits,
    client,
    taskModel: 'task-model',
    optimizerModel: 'optimizer-model',
    options: { ...DEFAULT_OPTIONS, ...options },
  });
}

describe('the search with its defaults on 100 dev / 100 test examples', () => {
  it('runs all 3 steps, races at least 4 new candidates each, and scores test for the head and the final prompt only', async () => {
    const { sim } = await fresh();
    const splits = gsmLarge(100, 100);
    const proxy = await startModelProxy(sim.url, (content) => content);
    const client = new LlmClient({ baseURL: proxy.url, apiKey: 'x', maxRetries: 0, cacheDir: null });
    try {
      const result = await run(client, 'Guess the answer quickly.\n', {}, splits);
      expect(result.plan.steps.map((s) => s.step)).toEqual([1, 2, 3]);
      expect(result.steps.map((s) => s.step)).toEqual([0, 1, 2, 3]);
      for (const step of result.steps.slice(1)) {
        expect(step.proposed, `step ${step.step}`).toBeGreaterThanOrEqual(4);
        expect(step.scored, `step ${step.step}`).toBeGreaterThanOrEqual(4);
      }
      expect(result.splits).toEqual({ search: 50, validation: 50, test: 100 });
      // Counted where it is paid: at the endpoint.
      expect(sim.stats().total).toBeLessThanOrEqual(DEFAULT_OPTIONS.maxCalls);
      expect(sim.stats().total).toBe(result.budget.calls);
      const used = Object.values(result.budget.byPurpose).reduce((a, b) => a + b, 0);
      expect(used).toBe(result.budget.calls);
      // Every request that carried a test question: one per test example for the head, one for the final prompt.
      const questions = splits.test.map((e) => String(e.fields.question));
      const testRequests = proxy.requests.filter((r) =>
        questions.some((q) => r.body.includes(JSON.stringify(q).slice(1, -1))),
      );
      expect(testRequests.length).toBe(result.improved ? 200 : 100);
      expect(result.budget.byPurpose['task-test']).toBe(testRequests.length);
      expect(result.improved).toBe(true);
      expect(result.best.validation!).toBeGreaterThan(result.head.validation!);
      const accepted = result.steps.filter((s) => s.accepted);
      for (const s of accepted) expect(s.winner!.pValue!).toBeLessThan(0.05 / 3);
      expect(toSuggestion(result).withheld).toBeUndefined();
    } finally {
      await proxy.close();
    }
  });

  it('runs the Pareto pool with the same budget accounting', async () => {
    const { sim, client } = await fresh();
    const result = await run(client, 'Guess the answer quickly.\n', { search: 'pareto' });
    expect(result.search).toBe('pareto');
    expect(result.steps.length).toBe(4);
    expect(sim.stats().total).toBe(result.budget.calls);
    expect(result.budget.calls).toBeLessThanOrEqual(DEFAULT_OPTIONS.maxCalls);
  });
});

describe('the search under a budget', () => {
  it('never exceeds max-calls, counted at the endpoint, even when tiny', async () => {
    for (const maxCalls of [1, 60, 150, 260, 400]) {
      const { sim, client } = await fresh();
      const result = await run(
        client,
        'Guess the answer quickly.\n',
        { method: 'pe2', maxCalls },
        gsmLarge(60, 40),
      );
      expect(sim.stats().total, `max-calls ${maxCalls}`).toBeLessThanOrEqual(maxCalls);
      expect(result.budget.calls).toBe(sim.stats().total);
      if (maxCalls < 100) expect(result.withheld).toMatch(/max-calls \d+ (is too small|leaves nothing)/);
      for (const step of result.steps.slice(1)) expect(step.plannedCalls).toBeGreaterThan(0);
    }
  });

  it('says when validation is too small to ever accept, before spending anything', async () => {
    const { sim, client } = await fresh();
    const result = await run(client, 'Guess the answer quickly.\n', {}, gsmLarge(8, 8));
    expect(result.withheld).toMatch(/needs at least 6 validation examples/);
    expect(sim.stats().total).toBe(0);
  });
});

describe('what the search keeps', () => {
  it('withholds the suggestion when nothing beats the head prompt on validation', async () => {
    const { client } = await fresh();
    const head =
      'Let\'s think step by step. End with "The answer is <answer>." Double-check your arithmetic.\n';
    const result = await run(client, head, { maxCalls: 600 }, gsmLarge(60, 40));
    expect(result.improved).toBe(false);
    expect(result.best.prompt).toBe(head);
    expect(result.withheld).toMatch(/no candidate beat the head prompt on validation/);
    // Test was scored once, for the head.
    expect(result.budget.byPurpose['task-test']).toBe(40);
  });

  it('falls back to plain text when the endpoint rejects response_format', async () => {
    const { client } = await fresh({ rejectResponseFormat: true });
    const result = await run(client, 'Guess the answer quickly.\n', {});
    expect(result.repaired['response-format-unsupported']).toBe(1);
    expect(result.steps.slice(1).every((s) => s.proposed > 0)).toBe(true);
  });

  it('says why a .prompt.yml whose messages all hold placeholders is not optimized', async () => {
    const { client } = await fresh();
    const task = { ...textTask(''), kind: 'prompt-yml' as const, promptPath: 'p.prompt.yml' };
    const result = await optimizePrompt({
      task,
      splits: gsmLarge(4, 4),
      client,
      taskModel: 't',
      optimizerModel: 'o',
      options: DEFAULT_OPTIONS,
    });
    expect(result.withheld).toMatch(/every message holds \{\{placeholders\}\}/);
    expect(client.usage().calls).toBe(0);
  });
});

describe('optimizePrompt on an optimizer that adds bidi controls', () => {
  it('discards those proposals, so no suggestion can carry text that reads other than it runs', async () => {
    const { sim } = await fresh();
    // Every optimizer answer gets U+202E (right-to-left override) inside its words.
    const proxy = await startModelProxy(sim.url, (content, request) =>
      (request as { model?: string }).model === 'optimizer-model'
        ? content.replace(/ /g, ' \u202E')
        : content,
    );
    const client = new LlmClient({ baseURL: proxy.url, apiKey: 'x', maxRetries: 0, cacheDir: null });
    try {
      for (const mode of ['local', 'global'] as const) {
        const result = await run(
          client,
          'Guess the answer, then reply.\n',
          { mode, maxCalls: 400 },
          gsmLarge(40, 10),
        );
        expect(result.discarded['bidi controls'], mode).toBeGreaterThan(0);
        expect(result.best.prompt).not.toMatch(/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/);
      }
    } finally {
      await proxy.close();
    }
  });
});
