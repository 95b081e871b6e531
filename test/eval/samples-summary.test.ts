// How the examples' mean scores become a split's figures: the mean, its interval, flaky examples,
// and the two splits combined; and how k answers become one example's result.
import { describe, expect, it } from 'vitest';
import type { ExampleResult } from '../../src/core/types.js';
import { combineSamples, type Sample } from '../../src/eval/samples.js';
import { wilsonInterval } from '../../src/eval/stats.js';
import { combineSummaries, summarize } from '../../src/eval/summary.js';

/** A result scored `right` of `k` samples, with `distinct` different answers. */
function scored(
  i: number,
  right: number,
  k: number,
  distinct = right === 0 || right === k ? 1 : 2,
): ExampleResult {
  return {
    id: `e${i}`,
    line: i + 1,
    split: 'dev',
    input: '',
    target: '',
    output: '',
    extracted: null,
    verdict: 2 * right > k ? 'correct' : 'wrong',
    score: right / k,
    samples: { asked: k, correct: right, answered: k, distinct },
  };
}

const sample = (verdict: Sample['verdict'], extracted: string | null, output = `x ${extracted}`): Sample => ({
  output: verdict === 'error' ? null : output,
  extracted,
  verdict,
  ...(verdict === 'error' ? { error: 'HTTP 500' } : {}),
});

describe('a split scored by samples', () => {
  it('is the mean score, with Wilson on the score sum over the examples answered', () => {
    const rights = [5, 4, 0, 2, 5, 3, 1, 5];
    const results = rights.map((r, i) => scored(i, r, 5));
    const summary = summarize(results);
    const sum = rights.reduce((a, b) => a + b, 0) / 5;
    expect(summary.accuracy).toBeCloseTo(sum / rights.length, 12);
    expect(summary.interval).toEqual(wilsonInterval(sum, rights.length));
    expect(summary).toMatchObject({ samples: 5, flaky: 4, correct: 5, total: 8, errors: 0 });
  });

  it('does not collapse to a point when every example is always right', () => {
    const summary = summarize([0, 1, 2, 3, 4, 5].map((i) => scored(i, 3, 3)));
    expect(summary.accuracy).toBe(1);
    expect(summary.interval![1]).toBe(1);
    expect(summary.interval![0]).toBeLessThan(0.7);
    expect(summary.flaky).toBe(0);
  });

  it('combines two splits into the figures of their examples scored together', () => {
    const a = [5, 4, 0, 2].map((r, i) => scored(i, r, 5));
    const b = [1, 5, 3].map((r, i) => scored(i + 4, r, 5));
    const together = summarize([...a, ...b]);
    const combined = combineSummaries(summarize(a), summarize(b));
    expect(combined.accuracy).toBeCloseTo(together.accuracy!, 12);
    expect(combined.interval![0]).toBeCloseTo(together.interval![0], 12);
    expect(combined.interval![1]).toBeCloseTo(together.interval![1], 12);
    expect(combined).toMatchObject({ samples: 5, flaky: together.flaky, correct: together.correct });
  });
});

describe('combineSamples', () => {
  it('scores over the samples answered and shows an answer that agrees with the majority', () => {
    const c = combineSamples([
      sample('wrong', '17'),
      sample('error', null),
      sample('correct', '18'),
      sample('correct', '18', 'another wording of 18'),
    ]);
    expect(c.score).toBe(2 / 3);
    expect(c.verdict).toBe('correct');
    expect(c.extracted).toBe('18');
    // Same extracted answer, different words: one answer, not two.
    expect(c.samples).toEqual({ asked: 4, correct: 2, answered: 3, distinct: 2 });
  });

  it('is an error, the first one, when no sample answered', () => {
    const c = combineSamples([sample('error', null), sample('error', null)]);
    expect(c).toMatchObject({ verdict: 'error', error: 'HTTP 500' });
    expect(c.score).toBeUndefined();
    expect(c.samples).toEqual({ asked: 2, correct: 0, answered: 0, distinct: 0 });
  });

  it('calls a tie wrong: a majority is more than half', () => {
    const c = combineSamples([sample('correct', '1'), sample('wrong', '2')]);
    expect(c).toMatchObject({ verdict: 'wrong', score: 0.5, extracted: '2' });
  });
});
