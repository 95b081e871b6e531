import { describe, expect, it } from 'vitest';
import { comparePaired, mcnemarExact, wilsonInterval } from '../../src/eval/stats.js';

describe('wilsonInterval', () => {
  it('matches published values', () => {
    // 8/10: Wilson 95 % interval is [0.4902, 0.9433] (Newcombe 1998, method 3).
    const [lo, hi] = wilsonInterval(8, 10)!;
    expect(lo).toBeCloseTo(0.4902, 3);
    expect(hi).toBeCloseTo(0.9433, 3);
  });
  it('stays inside [0, 1] at the extremes', () => {
    const [lo0, hi0] = wilsonInterval(0, 20)!;
    expect(lo0).toBe(0);
    expect(hi0).toBeCloseTo(0.1611, 3);
    const [lo1, hi1] = wilsonInterval(20, 20)!;
    expect(hi1).toBe(1);
    expect(lo1).toBeCloseTo(0.8389, 3);
  });
  it('is null for no examples', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

describe('mcnemarExact', () => {
  it('equals the two-sided binomial tail', () => {
    // b=1, c=9: 2 * P(X<=1 | n=10, p=.5) = 2 * 11/1024
    expect(mcnemarExact(1, 9)).toBeCloseTo(22 / 1024, 10);
    expect(mcnemarExact(9, 1)).toBeCloseTo(22 / 1024, 10);
  });
  it('is 1 with no discordant pairs or a balanced split', () => {
    expect(mcnemarExact(0, 0)).toBe(1);
    expect(mcnemarExact(5, 5)).toBe(1);
  });
  it('handles thousands of pairs without overflow', () => {
    const p = mcnemarExact(400, 600);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-9);
  });
});

describe('comparePaired', () => {
  it('counts flips and excludes errored examples from both sides', () => {
    const base = [true, true, false, false, null, true];
    const head = [true, false, true, true, true, null];
    const cmp = comparePaired(base, head);
    expect(cmp.n).toBe(4);
    expect(cmp.lost).toBe(1);
    expect(cmp.gained).toBe(2);
    expect(cmp.delta).toBeCloseTo(0.25);
    expect(cmp.pValue).toBe(1);
    expect(cmp.interval![0]).toBeLessThan(0.25);
    expect(cmp.interval![1]).toBeGreaterThan(0.25);
  });
  it('finds a consistent regression significant', () => {
    const base = Array.from({ length: 100 }, () => true);
    const head = base.map((_, i) => i >= 20);
    const cmp = comparePaired(base, head);
    expect(cmp.delta).toBeCloseTo(-0.2);
    expect(cmp.pValue).toBeLessThan(0.001);
    expect(cmp.interval![1]).toBeLessThan(0);
  });
});
