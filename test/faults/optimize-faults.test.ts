// LPO with a fifth of its model calls faulty: broken optimizer replies are discarded (and counted), the
// search goes on, stays within max-calls, and still returns a result.
import { afterAll, describe, expect, it } from 'vitest';
import { contentHash } from '../../src/dataset/examples.js';
import { DEFAULT_OPTIONS, optimizePrompt } from '../../src/optimize/index.js';
import { toSuggestion } from '../../src/review/suggestion.js';
import type { Example } from '../../src/core/types.js';
import { closeAll, faultClient, faultySimulator, gsmTask, rows, TASK_MODEL } from './helpers.js';

afterAll(closeAll);

function splits(devN: number, testN: number): { dev: Example[]; test: Example[] } {
  const all = rows.map((r, i) => {
    const fields = { question: r.question };
    return { id: contentHash(fields, r.answer), index: i, line: i + 1, fields, target: r.answer };
  });
  return { dev: all.slice(0, devN), test: all.slice(devN, devN + testN) };
}

describe('LPO with 20 % faulty model calls', () => {
  it('completes within max-calls, discards broken optimizer replies and still returns a result', async () => {
    // Seed chosen so that optimizer requests (few, next to the task requests) get faults of their own,
    // and the head's dev run gets an unusable answer (cut off, filtered, …) the optimizer must see.
    const sim = await faultySimulator({ rate: 0.2, seed: 9, retryAfterMs: 20 });
    const client = faultClient(sim);
    const maxCalls = 200;
    const result = await optimizePrompt({
      task: gsmTask('Guess the answer quickly.\n'),
      splits: splits(12, 12),
      client,
      taskModel: TASK_MODEL,
      optimizerModel: 'optimizer-model',
      options: {
        ...DEFAULT_OPTIONS,
        method: 'apo',
        mode: 'local',
        steps: 3,
        beam: 2,
        candidates: 3,
        maxCalls,
      },
    });
    expect(result.budget.calls).toBeLessThanOrEqual(maxCalls);
    expect(client.usage().calls).toBe(result.budget.calls);
    expect(result.steps.map((s) => s.step)).toEqual([0, 1, 2, 3]);
    expect(result.head.dev).not.toBeNull();

    // Optimizer requests (about no single dataset input) were hit by faults that no retry fixes…
    const optimizerFinal = sim
      .faultHistory()
      .filter((e) => e.input === null)
      .map((e) => e.outcomes.at(-1));
    expect(optimizerFinal).toContain('non-json');
    // …and the search counted each one it threw away or worked around instead of stopping.
    const broken = optimizerFinal.filter((o) => o !== 'ok').length;
    const counted = (record: Record<string, number>, reasons: RegExp) =>
      Object.entries(record)
        .filter(([reason]) => reasons.test(reason))
        .reduce((n, [, count]) => n + count, 0);
    expect(result.discarded['optimizer-error']).toBeGreaterThan(0);
    expect(
      counted(result.discarded, /^(optimizer-|garbage$)/) + counted(result.repaired, /^structured-reply-/),
    ).toBeGreaterThanOrEqual(broken);

    // Task calls that failed are errors in the candidates' runs, never wrong answers.
    for (const run of [result.runs.head.dev, result.runs.best.dev]) {
      for (const r of run?.results ?? []) if (r.output === null) expect(r.verdict).toBe('error');
    }
    // An unusable answer is a failure of the prompt, which the search took in its stride.
    const unusable = (result.runs.head.dev?.results ?? []).filter((r) => r.failure !== undefined);
    expect(unusable.length).toBeGreaterThan(0);
    for (const r of unusable) expect(r).toMatchObject({ verdict: 'wrong', output: expect.any(String) });
    // It still finds the known fix, and the suggestion is made.
    expect(result.improved).toBe(true);
    expect(result.best.prompt).not.toMatch(/guess/i);
    expect(toSuggestion(result).fileText).toBe(result.best.prompt);
  }, 30_000);
});
