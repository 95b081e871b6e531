// The review's suggestion from a search result: posted or withheld as the search decided on validation
// (a loss on test is reported, never a reason to withhold), with test per step only where it was scored.
import { describe, expect, it } from 'vitest';
import { comparePaired } from '../../src/eval/stats.js';
import type { FileOptimizeResult, StepReport } from '../../src/optimize/index.js';
import { suggestionSteps, toSuggestion } from '../../src/review/suggestion.js';

function stepReport(step: number, search: number, validation: number, accepted: boolean): StepReport {
  return {
    step,
    proposed: step === 0 ? 0 : 4,
    scored: step === 0 ? 0 : 4,
    survivors: step === 0 ? 0 : 1,
    accepted,
    search,
    validation,
    winner: null,
    calls: 0,
    plannedCalls: 0,
  };
}

/** A search that accepted a prompt on validation which then came out worse on test. */
function result(): FileOptimizeResult {
  // 20 test examples: the head gets 12 right, the accepted prompt 10 (2 lost, none gained).
  const head = Array.from({ length: 20 }, (_, i) => i < 12);
  const best = Array.from({ length: 20 }, (_, i) => i < 10);
  const byPurpose = { 'task-search': 1, 'task-validation': 1, 'task-test': 2, optimizer: 1 };
  return {
    method: 'apo',
    mode: 'local',
    search: 'beam',
    head: { prompt: 'Guess.', dev: 0.4, search: 0.4, validation: 0.4, test: 12 / 20 },
    best: { prompt: 'Think.', dev: 0.7, search: 0.8, validation: 0.6, test: 10 / 20, step: 2 },
    improved: true,
    spans: [{ old: 'Guess.', new: 'Think.', reason: 'guessing loses points' }],
    plan: { steps: [], raced: 10, fixed: { head: 0, finalTest: 0 }, total: 0, fitted: [] },
    steps: [stepReport(0, 0.4, 0.4, false), stepReport(1, 0.4, 0.4, false), stepReport(2, 0.8, 0.6, true)],
    budget: { maxCalls: 10, calls: 5, maxTokens: null, tokens: 0, exhausted: false, byPurpose },
    splits: { search: 10, validation: 10, test: 20 },
    discarded: {},
    repaired: {},
    vsHead: { test: comparePaired(head, best) },
    runs: { best: {}, head: {} },
  };
}

describe('toSuggestion', () => {
  it('posts what the search accepted on validation even when it loses on test, and shows that loss', () => {
    const r = result();
    expect(r.vsHead.test!.delta).toBeLessThan(0);
    const s = toSuggestion(r);
    expect(s.withheld).toBeUndefined();
    expect(s.vsHead.test!.delta).toBe(r.vsHead.test!.delta);
    expect(s.fileText).toBe(r.best.prompt);
  });

  it('withholds exactly when the search did, with its reason', () => {
    const r = { ...result(), withheld: 'no candidate beat the head prompt on validation' };
    expect(toSuggestion(r).withheld).toBe(r.withheld);
  });

  it('carries search and validation per step, and test only for the head and the final prompt', () => {
    const r = result();
    const steps = suggestionSteps(r);
    expect(steps.map((s) => [s.step, s.search, s.validation])).toEqual(
      r.steps.map((s) => [s.step, s.search, s.validation]),
    );
    expect(steps[0]!.test).toBe(r.head.test);
    expect(steps.at(-1)!.test).toBe(r.best.test);
    for (const s of steps.slice(1, -1)) expect(s).not.toHaveProperty('test');
    expect(toSuggestion(r).steps).toEqual(steps);
  });
});
