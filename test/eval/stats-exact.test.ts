// The paired interval, the p-value and the detectable drop come from one exact test; these properties
// are what "one method" means: the interval leaves out 0 exactly when p < α, over every count tried.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  binomialCdf,
  comparePaired,
  mcnemarExact,
  minDetectableLoss,
  PAIRED_ALPHA,
  pairedInterval,
} from '../../src/eval/stats.js';

const excludesZero = (iv: [number, number]) => iv[0] > 0 || iv[1] < 0;

/** Interval and test agree, and the interval is a real interval around the observed difference. */
function checkAgreement(lost: number, gained: number, n: number) {
  const iv = pairedInterval(lost, gained, n)!;
  const p = mcnemarExact(lost, gained);
  const at = `lost ${lost}, gained ${gained}, n ${n}: [${iv}] p ${p}`;
  expect(excludesZero(iv), at).toBe(p < PAIRED_ALPHA);
  const delta = (gained - lost) / n;
  expect(iv[0], at).toBeLessThanOrEqual(delta);
  expect(iv[1], at).toBeGreaterThanOrEqual(delta);
  // Conditional on the flips: Δ can move only as far as the d flipped examples allow.
  expect(iv[0], at).toBeGreaterThanOrEqual(-(lost + gained) / n);
  expect(iv[1], at).toBeLessThanOrEqual((lost + gained) / n);
}

describe('pairedInterval and mcnemarExact agree', () => {
  it('on every count up to 40 flips each way, with no, few and many unflipped examples', () => {
    for (let lost = 0; lost <= 40; lost++) {
      for (let gained = 0; gained <= 40; gained++) {
        const d = lost + gained;
        for (const n of new Set([Math.max(1, d), d + 1, 3 * d + 7])) checkAgreement(lost, gained, n);
      }
    }
  });

  it('on random counts up to thousands of pairs', () => {
    const counts = fc.tuple(fc.nat({ max: 2500 }), fc.nat({ max: 2500 }), fc.nat({ max: 5000 }));
    fc.assert(
      fc.property(counts, ([lost, gained, same]) => {
        if (lost + gained + same === 0) return;
        checkAgreement(lost, gained, lost + gained + same);
      }),
      { numRuns: 300 },
    );
  });

  it('through comparePaired, with errored examples left out of both sides', () => {
    const verdict = fc.option(fc.boolean(), { freq: 5 });
    const lists = fc.array(fc.tuple(verdict, verdict), { maxLength: 60 });
    fc.assert(
      fc.property(lists, (pairs) => {
        const cmp = comparePaired(
          pairs.map(([b]) => b),
          pairs.map(([, h]) => h),
        );
        if (cmp.n === 0) {
          expect(cmp.interval).toBeNull();
          expect(cmp.pValue).toBe(1);
          expect(cmp.detectableDrop).toBeNull();
          return;
        }
        expect(excludesZero(cmp.interval!)).toBe(cmp.pValue < PAIRED_ALPHA);
        expect(cmp.delta).toBeCloseTo((cmp.headCorrect - cmp.baseCorrect) / cmp.n, 12);
      }),
      { numRuns: 500 },
    );
  });

  it('is [0, 0] with p = 1 when nothing flipped, and absent with no pair', () => {
    for (const n of [1, 2, 3, 50]) {
      expect(pairedInterval(0, 0, n)).toEqual([0, 0]);
      expect(mcnemarExact(0, 0)).toBe(1);
    }
    expect(pairedInterval(0, 0, 0)).toBeNull();
  });

  it('no longer sits beside p = 0.250 while leaving out 0 (the case of issue 11)', () => {
    // 3 of 12 examples gained, none lost: the old normal-approximation interval was [+0.5, +49.5] pp.
    const base = Array.from({ length: 12 }, (_, i) => i >= 3);
    const cmp = comparePaired(
      base,
      base.map(() => true),
    );
    expect(cmp.pValue).toBeCloseTo(0.25, 12);
    expect(cmp.interval![0]).toBeLessThan(0);
    expect(cmp.interval![1]).toBeCloseTo(3 / 12, 12);
  });
});

describe('the exact limits', () => {
  it('match the Clopper–Pearson closed forms when every flip goes one way', () => {
    // 0 of d: the upper limit of π solves (1 − π)^d = α/2; d of d: the lower limit solves π^d = α/2.
    for (const d of [1, 2, 3, 5, 8, 13, 40, 200]) {
      const edge = (PAIRED_ALPHA / 2) ** (1 / d);
      const down = pairedInterval(d, 0, d)!;
      expect(down[0]).toBe(-1);
      expect(down[1]).toBeCloseTo(1 - 2 * edge, 9);
      const up = pairedInterval(0, d, 2 * d)!;
      expect(up[0]).toBeCloseTo(((2 * edge - 1) * d) / (2 * d), 9);
      expect(up[1]).toBeCloseTo(0.5, 12);
    }
  });

  it('match a published Clopper–Pearson interval', () => {
    // 8 successes in 10 trials: exact 95 % interval [0.4439, 0.9748] (Clopper & Pearson 1934 tables,
    // as reproduced by R's binom.test(8, 10)); as flips, 8 gained and 2 lost of 10 pairs.
    const [lo, hi] = pairedInterval(2, 8, 10)!;
    expect((lo + 1) / 2).toBeCloseTo(0.4439, 4);
    expect((hi + 1) / 2).toBeCloseTo(0.9748, 4);
  });

  it('take their tails from a binomial cdf that sums to the textbook values', () => {
    expect(binomialCdf(1, 10, 0.5)).toBeCloseTo(11 / 1024, 14);
    expect(binomialCdf(2, 5, 0.3)).toBeCloseTo(0.16807 + 0.36015 + 0.3087, 12);
    expect(binomialCdf(5, 5, 0.3)).toBe(1);
    expect(binomialCdf(-1, 5, 0.3)).toBe(0);
    // Far in the tail of 4,000 trials: tiny, but neither 0 nor NaN.
    const tiny = binomialCdf(1000, 4000, 0.5);
    expect(tiny).toBeGreaterThan(0);
    expect(tiny).toBeLessThan(1e-200);
  });
});

describe('minDetectableLoss', () => {
  /** The smallest k with 2^(1 − k) < alpha: the p-value of k losses and no gains. */
  const byFormula = (alpha: number) => Math.floor(1 - Math.log2(alpha)) + 1;

  it('is the smallest all-loss count that is significant, null when n is below it', () => {
    for (const alpha of [PAIRED_ALPHA, 0.01, 0.1, 0.001]) {
      const k = byFormula(alpha);
      for (let n = 0; n <= 3 * k; n++) {
        const got = minDetectableLoss(n, alpha);
        if (n < k) expect(got, `n ${n}, α ${alpha}`).toBeNull();
        else expect(got, `n ${n}, α ${alpha}`).toBe(k);
      }
      expect(mcnemarExact(k, 0)).toBeLessThan(alpha);
      expect(mcnemarExact(k - 1, 0)).toBeGreaterThanOrEqual(alpha);
    }
  });

  it('bounds every drop: a net loss below it is never significant, however the flips fall', () => {
    const k = minDetectableLoss(Number.MAX_SAFE_INTEGER)!;
    for (let net = 0; net < k; net++) {
      for (let gained = 0; gained <= 500; gained++) {
        expect(
          mcnemarExact(net + gained, gained),
          `${net + gained} lost, ${gained} gained`,
        ).toBeGreaterThanOrEqual(PAIRED_ALPHA);
      }
    }
    // And the reason: with lost − gained fixed, more flips each way only raise p.
    for (let net = 0; net <= 30; net++) {
      for (let gained = 0; gained < 300; gained++) {
        const p = mcnemarExact(net + gained, gained);
        expect(mcnemarExact(net + gained + 1, gained + 1)).toBeGreaterThanOrEqual(p * (1 - 1e-12));
      }
    }
  });

  it('is reported by comparePaired as a fraction of the answered pairs', () => {
    const k = minDetectableLoss(Number.MAX_SAFE_INTEGER)!;
    const all = (n: number) => Array.from({ length: n }, () => true);
    expect(comparePaired(all(k - 1), all(k - 1)).detectableDrop).toBeNull();
    expect(comparePaired(all(k), all(k)).detectableDrop).toBe(1);
    expect(comparePaired(all(30), all(30)).detectableDrop).toBeCloseTo(k / 30, 12);
    // Errored examples are not pairs: they cannot help detect anything.
    const head = [...all(k - 1), null];
    expect(comparePaired(all(k), head).detectableDrop).toBeNull();
  });
});
