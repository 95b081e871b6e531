// The gate's rule on real paired comparisons: which kind of verdict each case gets, and that too
// little test data is never read as "no change".
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import type { SplitComparison } from '../../src/eval/comparison.js';
import { comparePaired, minDetectableLoss, PAIRED_ALPHA, wilsonInterval } from '../../src/eval/stats.js';
import { rowVerdict } from '../../src/render/figures.js';
import {
  DEFAULT_FAIL_ON_INCONCLUSIVE,
  DEFAULT_MIN_DETECTABLE_DROP,
  type GatePolicy,
  gate,
  parseGate,
} from '../../src/review/gate.js';

const K = minDetectableLoss(Number.MAX_SAFE_INTEGER)!;
const policy = (over: Partial<GatePolicy> = {}): GatePolicy => ({
  ...parseGate({}, (key) => `--${key}`),
  ...over,
});

/** A test split of n pairs: `same` right on both sides, `lost` right → wrong, `gained` wrong → right. */
function test(n: number, same: number, lost: number, gained: number): SplitComparison[] {
  const base: boolean[] = [];
  const head: boolean[] = [];
  for (let i = 0; i < n; i++) {
    base.push(i < same + lost);
    head.push(i < same || (i >= same + lost && i < same + lost + gained));
  }
  const paired = comparePaired(base, head);
  const side = (correct: number) => ({
    total: n,
    correct,
    errors: 0,
    accuracy: n > 0 ? correct / n : null,
    interval: wilsonInterval(correct, n),
  });
  return [{ split: 'test', base: side(paired.baseCorrect), head: side(paired.headCorrect), paired }];
}

describe('parseGate', () => {
  it('reads min-judge-agreement as a kappa, 0.6 by default', () => {
    const name = (key: string) => `input ${key}`;
    expect(parseGate({}, name).minJudgeAgreement).toBe(0.6);
    expect(parseGate({ minJudgeAgreement: '0.8' }, name).minJudgeAgreement).toBe(0.8);
    expect(() => parseGate({ minJudgeAgreement: '60' }, name)).toThrow(
      `input min-judge-agreement: expected Cohen's kappa from -1 to 1, got "60"`,
    );
  });

  it('asks the test split to detect a 10 pp drop by default, apart from the regression rule', () => {
    expect(policy().minDetectableDrop).toBe(10);
    expect(policy().minDelta).toBe(2);
    expect(parseGate({ minDetectableDrop: '5' }, (key) => `input ${key}`).minDetectableDrop).toBe(5);
    expect(() => parseGate({ minDetectableDrop: '150' }, (key) => `input ${key}`)).toThrow(
      'input min-detectable-drop: expected a number from 0 to 100 (percentage points), got "150"',
    );
  });

  it('fails on inconclusive by default and reads true/false as the other boolean inputs do', () => {
    expect(DEFAULT_FAIL_ON_INCONCLUSIVE).toBe(true);
    expect(policy().failOnInconclusive).toBe(true);
    const name = (key: string) => `input ${key}`;
    expect(parseGate({ failOnInconclusive: 'false' }, name).failOnInconclusive).toBe(false);
    expect(parseGate({ failOnInconclusive: ' TRUE ' }, name).failOnInconclusive).toBe(true);
    expect(parseGate({ failOnInconclusive: '' }, name).failOnInconclusive).toBe(true);
    expect(() => parseGate({ failOnInconclusive: 'maybe' }, name)).toThrow(ConfigError);
    expect(() => parseGate({ failOnInconclusive: 'maybe' }, name)).toThrow(
      'input fail-on-inconclusive: expected true or false, got "maybe"',
    );
  });
});

describe('gate', () => {
  it('words a sampled (net share) or side-by-side Δ as counts of examples, not accuracy points', () => {
    const [split] = test(60, 20, 12, 1);
    const sampled = [{ ...split!, paired: { ...split!.paired!, measure: 'net-improved' as const } }];
    const result = gate(sampled, policy());
    expect(result.kind).toBe('regression');
    expect(result.verdict).toMatch(
      /^significant regression on test \(head's mean score higher on 1, lower on 12 of 60, p = /,
    );
    const rule = gate(sampled, policy({ failOn: 'regression' }));
    expect(rule.verdict).toMatch(/^regression on test \(net -18\.3 pp, more than the allowed 2 pp\)/);
    const pairwise = gate(test(60, 20, 12, 1), policy(), 'pairwise');
    expect(pairwise.verdict).toMatch(/judged side by side \(head better on 1, base on 12 of 60, p = /);
  });

  it('calls 3 examples going from 100 % to 0 % inconclusive, not "no significant change"', () => {
    const result = gate(test(3, 0, 3, 0), policy());
    expect(result.kind).toBe('inconclusive');
    expect(result.regressed).toBe(false);
    expect(result.verdict).toMatch(
      /^inconclusive: n = 3 cannot detect any drop \(losing all 3 gives p = 0\.25\)/,
    );
    expect(result.verdict).toContain(
      `a ${DEFAULT_MIN_DETECTABLE_DROP} pp drop (min-detectable-drop) could go unseen`,
    );
    // fail-on regression needs no test to see a 100 pp drop.
    expect(gate(test(3, 0, 3, 0), policy({ failOn: 'regression' })).kind).toBe('regression');
  });

  it('says how large a drop the split could have detected', () => {
    const result = gate(test(30, 20, 1, 1), policy());
    expect(result.kind).toBe('inconclusive');
    expect(result.verdict).toContain(
      `n = 30 can only detect drops ≥ ${(K / 30) * 100} pp (${K} of 30 examples)`,
    );
    expect(result.verdict).toContain('observed +0.0 pp, p = 1.0');
  });

  it('trusts "no change" only from a split that can detect a min-detectable-drop drop, at the exact boundary', () => {
    // K losses out of n are exactly min-detectable-drop when n = K * 100 / min-detectable-drop.
    const n = (K * 100) / DEFAULT_MIN_DETECTABLE_DROP;
    expect(gate(test(n, n / 2, 0, 0), policy()).kind).toBe('no-change');
    expect(gate(test(n - 1, n / 2, 0, 0), policy()).kind).toBe('inconclusive');
    expect(gate(test(60, 30, 0, 0), policy({ minDetectableDrop: (K / 60) * 100 })).kind).toBe('no-change');
    // min-delta is the regression rule's allowance, not what the split must detect.
    expect(gate(test(n, n / 2, 0, 0), policy({ minDelta: 1 })).kind).toBe('no-change');
  });

  it('keeps significant results whatever n is: they were detected', () => {
    expect(gate(test(K, 0, 0, K), policy())).toMatchObject({ kind: 'improvement', regressed: false });
    expect(gate(test(100, 50, 30, 0), policy())).toMatchObject({ kind: 'regression', regressed: true });
    expect(gate(test(100, 50, 30, 0), policy({ failOn: 'never' })).kind).toBe('tolerated-drop');
    expect(gate(test(100, 50, 30, 0), policy({ failOn: 'regression', minDelta: 50 })).kind).toBe(
      'tolerated-drop',
    );
  });

  it('marks a new prompt new, and a test split with nothing answered inconclusive', () => {
    const [split] = test(20, 10, 0, 0);
    expect(gate([{ ...split!, base: null, paired: null }], policy()).kind).toBe('new');
    const empty = gate([], policy());
    expect(empty.kind).toBe('inconclusive');
    expect(empty.verdict).toMatch(/no answered test example/);
    // The floor still fails a new prompt.
    expect(gate([{ ...split!, base: null, paired: null }], policy({ minAccuracy: 0.9 })).kind).toBe(
      'regression',
    );
  });

  it('agrees with the table row on every count: inconclusive exactly where the row says so', () => {
    const counts = fc
      .tuple(fc.nat({ max: 400 }), fc.nat({ max: 60 }), fc.nat({ max: 60 }), fc.integer({ min: 0, max: 40 }))
      .filter(([same, lost, gained]) => same + lost + gained > 0);
    fc.assert(
      fc.property(counts, ([same, lost, gained, minDetectableDrop]) => {
        const splits = test(same + lost + gained, same, lost, gained);
        const gatePolicy = policy({ minDetectableDrop });
        const result = gate(splits, gatePolicy);
        const paired = splits[0]!.paired!;
        const row = rowVerdict(paired, gatePolicy);
        expect(result.kind === 'inconclusive').toBe(row.startsWith('⚠️ inconclusive'));
        expect(result.kind === 'regression').toBe(paired.pValue < PAIRED_ALPHA && paired.delta < 0);
        // Never "no change" from a split whose best case could not reach significance at that drop.
        const netDrop = Math.ceil((minDetectableDrop * paired.n) / 100 - 1e-9);
        if (result.kind === 'no-change') expect(netDrop).toBeGreaterThanOrEqual(K);
      }),
      { numRuns: 400 },
    );
  });
});
