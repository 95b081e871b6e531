// The merge gate: the one rule that decides whether a prompt's change fails the check, and the
// policy both front ends parse into. A change to the rule is made here and nowhere else.
import { ConfigError } from '../core/errors.js';
import type { SplitComparison } from '../eval/comparison.js';
import { mcnemarExact, PAIRED_ALPHA, type PairedComparison } from '../eval/stats.js';
import { pText } from '../core/format.js';
import { DEFAULT_MIN_JUDGE_AGREEMENT } from '../eval/agreement.js';

export type FailOn = 'significant-regression' | 'regression' | 'never';

export interface GatePolicy {
  failOn: FailOn;
  /** Percentage points: `regression` fails on a test drop larger than this. */
  minDelta: number;
  /**
   * Percentage points: the drop the test split must be able to detect. A split too small for it
   * claims nothing ("inconclusive"), whatever rule is set.
   */
  minDetectableDrop: number;
  /** 0..1; the head prompt must reach it on test, whatever the base did. */
  minAccuracy?: number;
  /** Significance level for `significant-regression`. */
  alpha: number;
  /** An inconclusive prompt fails the check (unless fail-on is `never`). */
  failOnInconclusive: boolean;
  /** κ a judge needs against people's labels before the gate uses it (absent: 0.6). */
  minJudgeAgreement?: number;
}

export const FAIL_ON: readonly FailOn[] = ['significant-regression', 'regression', 'never'];
export const DEFAULT_FAIL_ON: FailOn = 'significant-regression';
/** Percentage points: the drop `fail-on: regression` allows. */
export const DEFAULT_MIN_DELTA = 2;
/**
 * Percentage points. An exact paired test needs 6 lost examples (and none gained) to call a drop
 * significant at 0.05, so detecting 10 pp takes 60 test examples; 2 pp would take 300, more than
 * most prompt datasets kept in a repository.
 */
export const DEFAULT_MIN_DETECTABLE_DROP = 10;
/** The conventional significance level; the paired test is exact, so no further correction is applied. */
export const GATE_ALPHA = PAIRED_ALPHA;
/** Too little data is not a pass: by default an inconclusive prompt fails the check. */
export const DEFAULT_FAIL_ON_INCONCLUSIVE = true;

/**
 * What the gate concluded for one prompt. `regression` fails the check; `inconclusive` fails it when
 * failOnInconclusive is set; `tolerated-drop` is a significant drop the rule allows (fail-on never or
 * regression within min-delta). `could-not-evaluate` and `not-evaluated` are set by the review.
 */
export type VerdictKind =
  | 'regression'
  | 'improvement'
  | 'no-change'
  | 'tolerated-drop'
  | 'inconclusive'
  | 'new'
  | 'could-not-evaluate'
  | 'not-evaluated';

export const VERDICT_KINDS: readonly VerdictKind[] = [
  'regression',
  'improvement',
  'no-change',
  'tolerated-drop',
  'inconclusive',
  'new',
  'could-not-evaluate',
  'not-evaluated',
];

type GateKey =
  | 'fail-on'
  | 'min-delta'
  | 'min-detectable-drop'
  | 'min-accuracy'
  | 'fail-on-inconclusive'
  | 'min-judge-agreement';

/** The gate's settings as written (a flag or an input); `name(key)` is how the user spells `key`. */
export interface RawGate {
  failOn?: string | undefined;
  minDelta?: string | undefined;
  minDetectableDrop?: string | undefined;
  minAccuracy?: string | undefined;
  failOnInconclusive?: string | undefined;
  minJudgeAgreement?: string | undefined;
}

function percentage(raw: string, what: string, unit: string): number {
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 100) {
    throw new ConfigError(`${what}: expected a number from 0 to 100${unit}, got "${raw}"`);
  }
  return value;
}

/** The spellings the Action's other boolean inputs accept, so `--fail-on-inconclusive false` reads alike. */
function boolean(raw: string, what: string): boolean {
  const value = raw.trim().toLowerCase();
  if (['true', 'on', 'yes', '1'].includes(value)) return true;
  if (['false', 'off', 'no', '0'].includes(value)) return false;
  throw new ConfigError(`${what}: expected true or false, got "${raw}"`);
}

/** Empty or missing values take the defaults, so an empty Action input and an absent flag agree. */
export function parseGate(raw: RawGate, name: (key: GateKey) => string): GatePolicy {
  const failOn = (raw.failOn?.trim() || DEFAULT_FAIL_ON) as FailOn;
  if (!FAIL_ON.includes(failOn)) {
    throw new ConfigError(
      `${name('fail-on')}: expected significant-regression, regression or never, got "${raw.failOn}"`,
    );
  }
  const minDelta = raw.minDelta?.trim()
    ? percentage(raw.minDelta, name('min-delta'), ' (percentage points)')
    : DEFAULT_MIN_DELTA;
  const failOnInconclusive = raw.failOnInconclusive?.trim()
    ? boolean(raw.failOnInconclusive, name('fail-on-inconclusive'))
    : DEFAULT_FAIL_ON_INCONCLUSIVE;
  const minDetectableDrop = raw.minDetectableDrop?.trim()
    ? percentage(raw.minDetectableDrop, name('min-detectable-drop'), ' (percentage points)')
    : DEFAULT_MIN_DETECTABLE_DROP;
  const gate: GatePolicy = { failOn, minDelta, minDetectableDrop, alpha: GATE_ALPHA, failOnInconclusive };
  const kappa = raw.minJudgeAgreement?.trim();
  if (kappa) {
    const value = Number(kappa);
    if (!Number.isFinite(value) || value < -1 || value > 1) {
      throw new ConfigError(
        `${name('min-judge-agreement')}: expected Cohen's kappa from -1 to 1, got "${raw.minJudgeAgreement}"`,
      );
    }
    gate.minJudgeAgreement = value;
  } else gate.minJudgeAgreement = DEFAULT_MIN_JUDGE_AGREEMENT;
  if (raw.minAccuracy?.trim()) {
    gate.minAccuracy = percentage(raw.minAccuracy, name('min-accuracy'), ' (percent)') / 100;
  }
  return gate;
}

export interface GateResult {
  kind: VerdictKind;
  /** kind === 'regression'. */
  regressed: boolean;
  verdict: string;
}

const pp = (x: number) => `${x >= 0 ? '+' : '-'}${Math.abs(x * 100).toFixed(1)} pp`;

/**
 * What the test's paired figures measure: `accuracy` (head − base accuracy) or `pairwise` (the
 * judge's side-by-side preference: Δ is the net share of examples the head answers better).
 */
export type Measure = 'accuracy' | 'pairwise';

const onTest = (measure: Measure) => (measure === 'pairwise' ? 'on test, judged side by side' : 'on test');

/** The observed difference in the measure's words. */
function shown(paired: PairedComparison, measure: Measure): string {
  if (measure === 'pairwise') return `head better on ${paired.gained}, base on ${paired.lost} of ${paired.n}`;
  // samples: k: Δ counts examples whose mean score rose or fell, not accuracy points.
  if (paired.measure === 'net-improved')
    return `head's mean score higher on ${paired.gained}, lower on ${paired.lost} of ${paired.n}`;
  return pp(paired.delta);
}

/** "net" where Δ is a share of examples (pairwise, or samples: k), not an accuracy difference. */
const net = (paired: PairedComparison, measure: Measure) =>
  measure === 'pairwise' || paired.measure === 'net-improved' ? 'net ' : '';

/**
 * Whether a paired comparison could have caught a drop of `minDelta` pp at all: it needs at least
 * minDetectableLoss answered pairs' worth of drop (see eval/stats.ts). Compared in examples, not in
 * rounded percentages: k/n ≤ minDelta/100.
 */
export function canDetect(paired: PairedComparison | null | undefined, minDelta: number): boolean {
  if (!paired || paired.n === 0 || paired.detectableDrop === null) return false;
  return Math.round(paired.detectableDrop * paired.n) * 100 <= minDelta * paired.n;
}

/**
 * What a split could detect, in words: "n = 30 can only detect drops ≥ 20 pp (6 of 30 examples)", or,
 * when no drop could be significant, "n = 3 cannot detect any drop (losing all 3 gives p = 0.25)".
 */
export function powerText(paired: PairedComparison | null | undefined): string {
  if (!paired || paired.n === 0) return 'no answered test example, so no drop can be detected';
  const { n, detectableDrop } = paired;
  if (detectableDrop === null) {
    return `n = ${n} cannot detect any drop (losing all ${n} gives ${pText(mcnemarExact(n, 0))})`;
  }
  const k = Math.round(detectableDrop * n);
  const shown = Number((detectableDrop * 100).toFixed(1));
  return `n = ${n} can only detect drops ≥ ${shown} pp (${k} of ${n} examples)`;
}

function failures(
  paired: PairedComparison | null,
  accuracy: number,
  policy: GatePolicy,
  measure: Measure,
): string[] {
  const reasons: string[] = [];
  if (paired && paired.n > 0) {
    const test = onTest(measure);
    if (policy.failOn === 'significant-regression' && paired.delta < 0 && paired.pValue < policy.alpha) {
      reasons.push(`significant regression ${test} (${shown(paired, measure)}, ${pText(paired.pValue)})`);
    }
    if (policy.failOn === 'regression' && paired.delta * 100 < -policy.minDelta) {
      reasons.push(
        `regression ${test} (${net(paired, measure)}${pp(paired.delta)}, more than the allowed ${policy.minDelta} pp)`,
      );
    }
  }
  if (policy.failOn !== 'never' && policy.minAccuracy !== undefined && accuracy < policy.minAccuracy) {
    reasons.push(
      `regression below the floor: test accuracy ${(accuracy * 100).toFixed(1)} % < ${(policy.minAccuracy * 100).toFixed(1)} %`,
    );
  }
  return reasons;
}

/**
 * The merge gate, on the test split only: dev is what an optimizer may tune on, so only test is an
 * honest estimate. A regression is decided first; otherwise a test split too small to detect a drop
 * of min-detectable-drop claims nothing ("inconclusive"), whatever it happened to show, unless it showed a
 * significant difference (which it then could detect).
 */
export function gate(
  splits: SplitComparison[],
  policy: GatePolicy,
  measure: Measure = 'accuracy',
): GateResult {
  const test = splits.find((s) => s.split === 'test');
  const head = test?.head;
  const target = `a ${policy.minDetectableDrop} pp drop (min-detectable-drop)`;
  if (!test || !head || head.accuracy === null) {
    return {
      kind: 'inconclusive',
      regressed: false,
      verdict: `inconclusive: no answered test example, so ${target} cannot be detected`,
    };
  }
  const paired = test.paired;
  const reasons = failures(paired, head.accuracy, policy, measure);
  if (reasons.length > 0) return { kind: 'regression', regressed: true, verdict: reasons.join('; ') };
  if (!paired) return { kind: 'new', regressed: false, verdict: 'new prompt (no base to compare)' };
  if (paired.n === 0) {
    const none = 'no test example answered by both base and head';
    return {
      kind: 'inconclusive',
      regressed: false,
      verdict: `inconclusive: ${none}, so ${target} cannot be detected`,
    };
  }
  const observed = `${shown(paired, measure)}, ${pText(paired.pValue)}`;
  const judged = measure === 'pairwise' ? ' judged side by side' : '';
  if (paired.pValue < policy.alpha) {
    return paired.delta > 0
      ? { kind: 'improvement', regressed: false, verdict: `improvement${judged} (${shown(paired, measure)})` }
      : {
          kind: 'tolerated-drop',
          regressed: false,
          verdict: `worse${judged} (${shown(paired, measure)}), within the allowed rule`,
        };
  }
  if (!canDetect(paired, policy.minDetectableDrop)) {
    return {
      kind: 'inconclusive',
      regressed: false,
      verdict: `inconclusive: ${powerText(paired)}, so ${target} could go unseen (observed ${observed})`,
    };
  }
  return { kind: 'no-change', regressed: false, verdict: `no significant change${judged} (${observed})` };
}
