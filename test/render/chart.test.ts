// The accuracy chart in the PR comment: labels must stay readable and distinct for long file names.
import { describe, expect, it } from 'vitest';
import type { PromptReview } from '../../src/review/model.js';
import { accuracyChart } from '../../src/render/sections.js';

const summary = (accuracy: number) => ({
  total: 20,
  correct: Math.round(accuracy * 20),
  errors: 0,
  accuracy,
  interval: [0, 1] as [number, number],
});

function promptReview(path: string): PromptReview {
  return {
    path,
    state: 'evaluated',
    status: 'modified',
    splits: (['dev', 'test'] as const).map((split) => ({
      split,
      base: summary(0.8),
      head: summary(0.1),
      paired: null,
    })),
    regressed: true,
    verdict: 'significant regression on test',
    verdictKind: 'regression',
    flipped: { lost: [], gained: [] },
    usage: { calls: 0, cacheHits: 0, promptTokens: 0, completionTokens: 0, failedCalls: 0 },
    wallMs: 0,
  };
}

describe('src/review/sections.ts accuracyChart', () => {
  it('keeps the start of a prompt file name in every x-axis label', () => {
    // Seen in the PR comment: "lean.prompt.yml dev base", "ean.prompt.yml test base" for
    // prompts/boolean.prompt.yml, because label() keeps the last 24 characters of the whole label.
    const chart = accuracyChart([promptReview('prompts/boolean.prompt.yml')]);
    const axis = /x-axis \[(.*)\]/.exec(chart)?.[1] ?? '';
    const labels = [...axis.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
    expect(labels).toHaveLength(4);
    for (const label of labels) expect(label).toMatch(/^boolean/);
    expect(new Set(labels).size).toBe(4);
  });
});
