import { afterAll, describe, expect, it } from 'vitest';
import { LlmClient } from '../../src/llm/client.js';
import { startModelProxy } from '../hostile/model-proxy.js';
import type { SimulatorHandle } from '../../src/tools/simulator/simulator.js';
import { DEFAULT_OPTIONS, type OptimizeOptions, optimizePrompt } from '../../src/optimize/index.js';
import { toSuggestion } from '../../src/review/suggestion.js';
import { gsmSplits, simulated, textTask } from './helpers.js';

const handles: SimulatorHandle[] = [];
afterAll(async () => {
  await Promise.all(handles.map((h) => h.close()));
});

async function fresh(options: Parameters<typeof simulated>[0] = {}): Promise<LlmClient> {
  const { sim, client } = await simulated(options);
  handles.push(sim);
  return client;
}

async function run(
  client: LlmClient,
  prompt: string,
  options: Partial<OptimizeOptions>,
  devN = 20,
  testN = 20,
) {
  return optimizePrompt({
    task: textTask(prompt),
    splits: gsmSplits(devN, testN),
    client,
    taskModel: 'task-model',
    optimizerModel: 'optimizer-model',
    options: { ...DEFAULT_OPTIONS, ...options },
  });
}

describe('optimizePrompt on the simulator', () => {
  it('finds the known span edit ("guess") in local mode within the budget', async () => {
    const client = await fresh();
    const result = await run(client, 'Guess the answer, then reply.\n', {
      method: 'apo',
      mode: 'local',
      maxCalls: 300,
    });
    expect(result.improved).toBe(true);
    expect(result.best.prompt).not.toMatch(/guess/i);
    expect(result.best.prompt).toContain(' the answer, then reply');
    expect(result.best.dev!).toBeGreaterThan(result.head.dev!);
    expect(result.spans.some((s) => s.old === 'Guess' && s.reason.length > 0)).toBe(true);
    expect(result.budget.calls).toBeLessThanOrEqual(300);
    expect(client.usage().calls).toBe(result.budget.calls);
    // Test accuracy is reported per step, and the gap is dev − test.
    for (const step of result.steps) {
      if (step.dev !== null && step.test !== null) expect(step.gap).toBeCloseTo(step.dev - step.test);
    }
    const suggestion = toSuggestion(result);
    expect(suggestion.withheld).toBeUndefined();
    expect(suggestion.fileText).toBe(result.best.prompt);
    expect(suggestion.vsHead.test!.delta).toBeGreaterThanOrEqual(0);
    expect(suggestion.source).toBe('LPO, apo, local mode');
  });

  it('runs local and global modes for APE, APO and PE2', async () => {
    for (const method of ['ape', 'apo', 'pe2'] as const) {
      for (const mode of ['local', 'global'] as const) {
        const client = await fresh();
        const result = await run(
          client,
          'Guess the answer quickly.\n',
          { method, mode, maxCalls: 400, steps: 2 },
          12,
          12,
        );
        expect(result.steps[0]!.step).toBe(0);
        expect(result.steps.length).toBeGreaterThan(1);
        expect(result.best.dev!).toBeGreaterThanOrEqual(result.head.dev!);
        expect(result.budget.calls).toBeLessThanOrEqual(400);
        if (mode === 'local' && result.improved) {
          // Local edits never touch text outside the tagged spans: here "the answer" survives.
          expect(result.best.prompt).toContain(' the answer ');
        }
      }
    }
  });

  it('never exceeds max-calls, even with a tiny budget', async () => {
    for (const maxCalls of [1, 39, 41, 45, 60, 97]) {
      for (const mode of ['local', 'global'] as const) {
        const client = await fresh();
        const result = await run(client, 'Guess the answer quickly.\n', { method: 'pe2', mode, maxCalls });
        expect(client.usage().calls).toBeLessThanOrEqual(maxCalls);
        expect(result.budget.calls).toBeLessThanOrEqual(maxCalls);
        if (maxCalls < 40) expect(result.withheld).toMatch(/too small to score the head prompt/);
        else expect(result.budget.exhausted).toBe(true);
      }
    }
  });

  it('falls back to plain text when the endpoint rejects response_format', async () => {
    const client = await fresh({ rejectResponseFormat: true });
    const result = await run(client, 'Guess the answer quickly.\n', {
      method: 'apo',
      mode: 'local',
      maxCalls: 300,
    });
    expect(result.repaired['response-format-unsupported']).toBe(1);
    expect(result.improved).toBe(true);
  });

  it('withholds the suggestion when nothing beats the head prompt', async () => {
    const client = await fresh();
    const head =
      'Let\'s think step by step. End with "The answer is <answer>." Double-check your arithmetic.\n';
    const result = await run(client, head, { method: 'apo', mode: 'local', maxCalls: 200 });
    expect(result.improved).toBe(false);
    expect(result.best.prompt).toBe(head);
    expect(toSuggestion(result).withheld).toMatch(/no candidate beat the head prompt/);
  });

  it('says why a .prompt.yml whose messages all hold placeholders is not optimized', async () => {
    const client = await fresh();
    const task = { ...textTask(''), kind: 'prompt-yml' as const, promptPath: 'p.prompt.yml' };
    const result = await optimizePrompt({
      task,
      splits: gsmSplits(4, 4),
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
    const { sim } = await simulated();
    handles.push(sim);
    // Every optimizer answer gets U+202E (right-to-left override) inside its words.
    const proxy = await startModelProxy(sim.url, (content, request) =>
      request.messages?.some((m) => m.content.includes('### Task:'))
        ? content.replace(/ /g, ' \u202E')
        : content,
    );
    const client = new LlmClient({ baseURL: proxy.url, apiKey: 'x', maxRetries: 0, cacheDir: null });
    try {
      for (const mode of ['local', 'global'] as const) {
        const result = await run(client, 'Guess the answer, then reply.\n', {
          method: 'apo',
          mode,
          maxCalls: 200,
        });
        expect(result.discarded['bidi controls'], mode).toBeGreaterThan(0);
        expect(result.best.prompt).not.toMatch(/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/);
      }
    } finally {
      await proxy.close();
    }
  });
});
