import { describe, expect, it } from 'vitest';
import { fieldAt, planSearch, raceCalls, rungsFor } from '../../src/optimize/plan.js';

const defaults = {
  steps: 3,
  beam: 4,
  candidates: 4,
  cost: (candidates: number) => ({ requests: 4, proposals: candidates }),
  sizes: { search: 50, validation: 50, test: 100 },
  headCalls: 200,
  maxCalls: 1_000,
  maxTokens: null,
};

describe('the search plan', () => {
  it('halves the field at every rung and ends on the whole search set', () => {
    expect(rungsFor(20, 50)).toEqual([4, 7, 13, 25, 50]);
    expect(rungsFor(5, 50)).toEqual([7, 13, 25, 50]);
    expect(rungsFor(1, 50)).toEqual([50]);
    expect(rungsFor(8, 3)).toEqual([3]);
    expect(rungsFor(8, 8)).toEqual([4, 8]);
    expect(fieldAt(20, 5)).toEqual([20, 10, 5, 3, 2]);
  });

  it('counts a race as the new examples each remaining child answers', () => {
    // 4 children + 1 parent over [7, 13, 25, 50]: 4×7 + 3×6 + 2×12 + 1×25 (the field 5, 3, 2, 1).
    expect(raceCalls(4, 1, 50)).toEqual({ rungs: [7, 13, 25, 50], calls: 28 + 18 + 24 + 25 });
  });

  it('runs all 3 default steps on 100 dev / 100 test within 1,000 calls, each with at least 4 new candidates', () => {
    const plan = planSearch(defaults);
    expect(plan.steps.map((s) => s.step)).toEqual([1, 2, 3]);
    for (const s of plan.steps) expect(s.proposals).toBeGreaterThanOrEqual(4);
    expect(plan.total).toBeLessThanOrEqual(1_000);
    expect(plan.total).toBe(
      plan.fixed.head + plan.fixed.finalTest + plan.steps.reduce((n, s) => n + s.calls.total, 0),
    );
    expect(plan.steps[0]!.parents).toBe(1);
  });

  it('narrows the beam, then the race, then drops steps, and says so', () => {
    const tight = planSearch({ ...defaults, maxCalls: 700 });
    expect(tight.total).toBeLessThanOrEqual(700);
    expect(tight.fitted.join('; ')).toMatch(/beam narrowed/);
    const tighter = planSearch({ ...defaults, maxCalls: 420 });
    expect(tighter.total).toBeLessThanOrEqual(420);
    expect(tighter.steps.length).toBeLessThan(3);
    expect(tighter.fitted.join('; ')).toMatch(/steps dropped/);
    const none = planSearch({ ...defaults, maxCalls: 300 });
    expect(none.steps).toEqual([]);
  });

  it('plans max-tokens from a per-call guess', () => {
    const plan = planSearch({ ...defaults, maxTokens: 500_000 });
    expect(plan.fitted[0]).toMatch(/max-tokens allows about 500 calls/);
    expect(plan.total).toBeLessThanOrEqual(500);
  });
});

/** Room for the whole default plan, so the only difference samples make is the count. */
const roomy = { ...defaults, maxCalls: 100_000 };

describe('the search plan with samples: k', () => {
  it('counts k task requests per example scored, and the optimizer requests once', () => {
    const one = planSearch(roomy);
    const three = planSearch({ ...roomy, samples: 3 });
    expect(three.fixed).toEqual({ head: 3 * one.fixed.head, finalTest: 3 * one.fixed.finalTest });
    expect(three.steps).toHaveLength(one.steps.length);
    three.steps.forEach((s, i) => {
      const o = one.steps[i]!;
      expect(s.calls).toEqual({
        race: 3 * o.calls.race,
        validation: 3 * o.calls.validation,
        optimizer: o.calls.optimizer,
        total: 3 * (o.calls.race + o.calls.validation) + o.calls.optimizer,
      });
    });
  });

  it('fits the ceiling with the samples counted', () => {
    const plan = planSearch({ ...roomy, samples: 5, maxCalls: 3_000 });
    expect(plan.total).toBeLessThanOrEqual(3_000);
    expect(plan.fitted.length).toBeGreaterThan(0);
    expect(planSearch({ ...roomy, maxCalls: 3_000 }).fitted).toEqual([]);
  });
});
