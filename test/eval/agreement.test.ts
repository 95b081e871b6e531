import { describe, expect, it } from 'vitest';
import {
  agreement,
  DEFAULT_MIN_JUDGE_AGREEMENT,
  judgeTrust,
  kappaOf,
  MIN_LABELLED_ROWS,
} from '../../src/eval/agreement.js';
import { rng } from '../helpers/seeded.js';

/** Expands a confusion table (counts[judge][human]) into aligned label lists. */
function lists<L>(labels: L[], counts: number[][]): { judge: L[]; human: L[] } {
  const judge: L[] = [];
  const human: L[] = [];
  for (const [i, row] of counts.entries()) {
    for (const [j, c] of row.entries()) {
      for (let k = 0; k < c; k++) {
        judge.push(labels[i]!);
        human.push(labels[j]!);
      }
    }
  }
  return { judge, human };
}

/** κ of a table of proportions, written straight from the definition, for the checks below. */
function kappaFromDefinition(p: number[][]): number {
  const k = p.length;
  let po = 0;
  let pe = 0;
  for (let i = 0; i < k; i++) {
    po += p[i]![i]!;
    let row = 0;
    let col = 0;
    for (let j = 0; j < k; j++) {
      row += p[i]![j]!;
      col += p[j]![i]!;
    }
    pe += row * col;
  }
  return (po - pe) / (1 - pe);
}

describe('Cohen κ on known tables', () => {
  it('is 1 for perfect agreement, with a zero-width interval', () => {
    const { judge, human } = lists(
      ['pass', 'fail'],
      [
        [12, 0],
        [0, 8],
      ],
    );
    const a = agreement(judge, human);
    expect(a.kappa).toBeCloseTo(1, 12);
    expect(a.accuracy).toBe(1);
    expect(a.interval![0]).toBeCloseTo(1, 6);
  });

  it('is 0 when agreement is exactly what the marginals give by chance', () => {
    // Both raters say pass half the time, independently: po = pe = 0.5.
    const a = kappaOf([
      [25, 25],
      [25, 25],
    ]);
    expect(a.accuracy).toBe(0.5);
    expect(a.kappa).toBeCloseTo(0, 12);
    expect(a.interval![0]).toBeLessThan(0);
    expect(a.interval![1]).toBeGreaterThan(0);
  });

  it('matches the worked 2×2 example (20, 5 / 10, 15 of 50: po 0.7, pe 0.5, κ 0.4)', () => {
    const { judge, human } = lists(
      [true, false],
      [
        [20, 5],
        [10, 15],
      ],
    );
    const a = agreement(judge, human);
    expect(a.n).toBe(50);
    expect(a.accuracy).toBeCloseTo(0.7, 12);
    expect(a.kappa).toBeCloseTo(0.4, 12);
  });

  it('is unweighted on 1-5 labels: a near miss counts like a far one', () => {
    // Four agreements per score, then two misses: 2↔3 (near) or 1↔5 (far). The marginals are a
    // permutation of each other, so chance agreement is the same and unweighted κ must be too.
    const agreeing = [1, 2, 3, 4, 5].flatMap((s) => [s, s, s, s]);
    const near = agreement([...agreeing, 2, 3], [...agreeing, 3, 2]);
    const far = agreement([...agreeing, 1, 5], [...agreeing, 5, 1]);
    expect(near.categories).toEqual(['1', '2', '3', '4', '5']);
    expect(near.accuracy).toBeCloseTo(20 / 22, 12);
    const p = near.counts.map((row) => row.map((c) => c / near.n));
    expect(near.kappa).toBeCloseTo(kappaFromDefinition(p), 12);
    expect(far.kappa).toBeCloseTo(near.kappa!, 12);
  });

  it('drops rows without a judge verdict or a human label', () => {
    const a = agreement(['pass', null, 'fail', 'pass'], ['pass', 'fail', undefined, 'fail']);
    expect(a.n).toBe(2);
    expect(a.accuracy).toBe(0.5);
  });

  it('is undefined when both raters only used one and the same label', () => {
    const a = agreement(['pass', 'pass'], ['pass', 'pass']);
    expect(a.accuracy).toBe(1);
    expect(a.kappa).toBeNull();
    expect(a.interval).toBeNull();
  });
});

describe('κ interval', () => {
  it('its variance equals the delta-method variance computed numerically', () => {
    const counts = [
      [30, 6, 2],
      [4, 25, 5],
      [1, 7, 20],
    ];
    const n = counts.flat().reduce((a, b) => a + b, 0);
    const p = counts.map((row) => row.map((c) => c / n));
    // Var(κ̂) ≈ (Σ p g² − (Σ p g)²) / n with g = ∂κ/∂p_ij, here by central differences.
    const h = 1e-6;
    let m1 = 0;
    let m2 = 0;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const up = p.map((r) => [...r]);
        const down = p.map((r) => [...r]);
        up[i]![j]! += h;
        down[i]![j]! -= h;
        const g = (kappaFromDefinition(up) - kappaFromDefinition(down)) / (2 * h);
        m1 += p[i]![j]! * g;
        m2 += p[i]![j]! * g * g;
      }
    }
    const se = Math.sqrt((m2 - m1 * m1) / n);
    const a = kappaOf(counts);
    const half = (a.interval![1] - a.interval![0]) / 2;
    expect(half / 1.959963984540054).toBeCloseTo(se, 6);
  });

  it('covers the true κ in about 95 % of samples (400 seeded draws of 150 rows)', () => {
    const truth = [
      [0.45, 0.1],
      [0.08, 0.37],
    ];
    const kappa = kappaFromDefinition(truth);
    const cells = truth.flat();
    let covered = 0;
    const draws = 400;
    for (let seed = 1; seed <= draws; seed++) {
      const next = rng(seed);
      const counts = [0, 0, 0, 0];
      for (let r = 0; r < 150; r++) {
        let u = next();
        let c = 0;
        while (c < 3 && u >= cells[c]!) u -= cells[c++]!;
        counts[c]!++;
      }
      const [lo, hi] = kappaOf([counts.slice(0, 2), counts.slice(2)]).interval!;
      if (lo <= kappa && kappa <= hi) covered++;
    }
    // Binomial(400, 0.95) has sd ≈ 4.4 draws: 0.92..0.98 is about ±3 sd.
    expect(covered / draws).toBeGreaterThan(0.92);
    expect(covered / draws).toBeLessThan(0.98);
  });
});

describe('judgeTrust', () => {
  const table = (agree: number, disagree: number) =>
    agreement(
      ...(Object.values(
        lists(
          ['pass', 'fail'],
          [
            [agree, disagree],
            [disagree, agree],
          ],
        ),
      ) as [string[], string[]]),
    );

  it('trusts a judge at or above the floor and not below it', () => {
    // 45/5 each way: po 0.9, pe 0.5, κ 0.8. 35/15: po 0.7, κ 0.4.
    expect(judgeTrust(table(45, 5)).status).toBe('trusted');
    const low = judgeTrust(table(35, 15));
    expect(low.status).toBe('untrusted');
    expect(low.status === 'untrusted' && low.why).toMatch(
      /κ = 0\.40 on 100 labelled rows is below min-judge-agreement 0\.6/,
    );
    expect(DEFAULT_MIN_JUDGE_AGREEMENT).toBe(0.6);
    expect(judgeTrust(table(35, 15), 0.3).status).toBe('trusted');
  });

  it('says so when nothing is labelled, and distrusts an undefined κ', () => {
    expect(judgeTrust(agreement([], [])).status).toBe('uncalibrated');
    expect(judgeTrust(agreement(['pass'], ['pass'])).status).toBe('untrusted');
  });
});

describe('too few labels', () => {
  it('do not vouch for a judge, however well they agree', () => {
    const four = agreement(['pass', 'fail', 'pass', 'fail'], ['pass', 'fail', 'pass', 'fail']);
    expect(four.kappa).toBe(1);
    expect(four.interval).toEqual([1, 1]);
    const trust = judgeTrust(four);
    expect(trust.status).toBe('untrusted');
    expect(trust.status === 'untrusted' && trust.why).toContain(`at least ${MIN_LABELLED_ROWS}`);
    const labels = Array.from({ length: MIN_LABELLED_ROWS }, (_, i) => (i % 2 ? 'pass' : 'fail'));
    expect(judgeTrust(agreement(labels, labels)).status).toBe('trusted');
  });
});
