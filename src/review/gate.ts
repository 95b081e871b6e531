// The merge gate: the one rule that decides whether a prompt's change fails the check, and the
// policy both front ends parse into. A change to the rule is made here and nowhere else.
import { ConfigError } from '../core/errors.js';
import type { SplitComparison } from '../eval/comparison.js';

export type FailOn = 'significant-regression' | 'regression' | 'never';

export interface GatePolicy {
  failOn: FailOn;
  /** Percentage points; `regression` fails on a test drop larger than this. */
  minDelta: number;
  /** 0..1; the head prompt must reach it on test, whatever the base did. */
  minAccuracy?: number;
  /** Significance level for `significant-regression`. */
  alpha: number;
}

export const FAIL_ON: readonly FailOn[] = ['significant-regression', 'regression', 'never'];
export const DEFAULT_FAIL_ON: FailOn = 'significant-regression';
/** Percentage points a test drop may reach under `fail-on: regression`. */
export const DEFAULT_MIN_DELTA = 2;
/** The conventional significance level; the paired test is exact, so no further correction is applied. */
export const GATE_ALPHA = 0.05;

/** The gate's settings as written (a flag or an input); `name(key)` is how the user spells `key`. */
export interface RawGate {
  failOn?: string | undefined;
  minDelta?: string | undefined;
  minAccuracy?: string | undefined;
}

function percentage(raw: string, what: string, unit: string): number {
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 100) {
    throw new ConfigError(`${what}: expected a number from 0 to 100${unit}, got "${raw}"`);
  }
  return value;
}

/** Empty or missing values take the defaults, so an empty Action input and an absent flag agree. */
export function parseGate(
  raw: RawGate,
  name: (key: 'fail-on' | 'min-delta' | 'min-accuracy') => string,
): GatePolicy {
  const failOn = (raw.failOn?.trim() || DEFAULT_FAIL_ON) as FailOn;
  if (!FAIL_ON.includes(failOn)) {
    throw new ConfigError(
      `${name('fail-on')}: expected significant-regression, regression or never, got "${raw.failOn}"`,
    );
  }
  const minDelta = raw.minDelta?.trim()
    ? percentage(raw.minDelta, name('min-delta'), ' (percentage points)')
    : DEFAULT_MIN_DELTA;
  const gate: GatePolicy = { failOn, minDelta, alpha: GATE_ALPHA };
  if (raw.minAccuracy?.trim()) {
    gate.minAccuracy = percentage(raw.minAccuracy, name('min-accuracy'), ' (percent)') / 100;
  }
  return gate;
}

export interface GateResult {
  regressed: boolean;
  verdict: string;
}

const pp = (x: number) => `${x >= 0 ? '+' : '-'}${Math.abs(x * 100).toFixed(1)} pp`;

/**
 * The merge gate, on the test split only: dev is what an optimizer may tune on, so only test is an
 * honest estimate. No verdict is claimed when test has no answered example.
 */
export function gate(splits: SplitComparison[], policy: GatePolicy): GateResult {
  const test = splits.find((s) => s.split === 'test');
  const head = test?.head;
  if (!test || !head || head.accuracy === null) {
    return { regressed: false, verdict: 'could not evaluate (no answered test example)' };
  }
  const reasons: string[] = [];
  const paired = test.paired;
  if (paired && paired.n > 0) {
    if (policy.failOn === 'significant-regression' && paired.delta < 0 && paired.pValue < policy.alpha) {
      reasons.push(
        `significant regression on test (${pp(paired.delta)}, p = ${paired.pValue.toPrecision(3)})`,
      );
    }
    if (policy.failOn === 'regression' && paired.delta * 100 < -policy.minDelta) {
      reasons.push(`regression on test (${pp(paired.delta)}, more than the allowed ${policy.minDelta} pp)`);
    }
  }
  if (policy.failOn !== 'never' && policy.minAccuracy !== undefined && head.accuracy < policy.minAccuracy) {
    reasons.push(
      `regression below the floor: test accuracy ${(head.accuracy * 100).toFixed(1)} % < ${(policy.minAccuracy * 100).toFixed(1)} %`,
    );
  }
  if (reasons.length > 0) return { regressed: true, verdict: reasons.join('; ') };
  if (!paired || paired.n === 0) return { regressed: false, verdict: 'new prompt (no base to compare)' };
  if (paired.pValue < policy.alpha) {
    return {
      regressed: false,
      verdict:
        paired.delta > 0
          ? `improvement (${pp(paired.delta)})`
          : `worse (${pp(paired.delta)}), within the allowed rule`,
    };
  }
  return {
    regressed: false,
    verdict: `no significant change (${pp(paired.delta)}, p = ${paired.pValue.toPrecision(3)})`,
  };
}
