// What a review run comes to, as a typed value: the Action turns it into outputs, posting and
// setFailed, the CLI into an exit code. Nothing downstream reads a verdict out of message text.
import type { FailOn, GatePolicy } from './gate.js';
import type { ReviewReport } from './model.js';

export interface PromptVerdict {
  path: string;
  verdict: string;
}

export type ReviewOutcome =
  | { kind: 'skipped'; reason: string }
  /** `inconclusive`: prompts whose test split was too small, when the policy lets them pass. */
  | { kind: 'passed'; inconclusive: PromptVerdict[] }
  /** The deadline left prompts unevaluated; nothing that ran regressed or failed. */
  | { kind: 'partial'; notRun: string[]; inconclusive: PromptVerdict[] }
  | { kind: 'regressed'; failOn: FailOn; prompts: PromptVerdict[] }
  | { kind: 'could-not-evaluate'; prompts: { path: string; error: string }[] }
  /** The owner's ceiling stopped an evaluation before it decided anything: the gate fails closed. */
  | { kind: 'over-budget'; prompts: { path: string; why: string }[] }
  /** Some test split could not detect a drop of minDetectableDrop, and fail-on-inconclusive is set. */
  | { kind: 'inconclusive'; minDetectableDrop: number; prompts: PromptVerdict[] };

/** Whether an inconclusive prompt fails the check: `fail-on: never` never fails, whatever else is set. */
export const inconclusiveFails = (gate: GatePolicy) => gate.failOnInconclusive && gate.failOn !== 'never';

/**
 * Regressions first (they are the gate's reason to exist), then prompts that could not run, then
 * prompts whose test data was too small to tell: a verdict of "no change" from too little data is
 * not a pass unless the owner says so.
 */
export function outcomeOf(report: ReviewReport): ReviewOutcome {
  const verdicts = (kind: string) =>
    report.prompts.filter((p) => p.verdictKind === kind).map((p) => ({ path: p.path, verdict: p.verdict }));
  const regressed = report.prompts.filter((p) => p.regressed);
  if (regressed.length > 0) {
    return {
      kind: 'regressed',
      failOn: report.gate.failOn,
      prompts: regressed.map((p) => ({ path: p.path, verdict: p.verdict })),
    };
  }
  const failed = report.prompts.filter((p) => p.state === 'failed');
  if (failed.length > 0) {
    return {
      kind: 'could-not-evaluate',
      prompts: failed.map((p) => ({ path: p.path, error: p.failure ?? '' })),
    };
  }
  // What finished already decided a regression above; short of that, a cut evaluation is no pass.
  const cut = report.prompts.filter((p) => p.overBudget !== undefined);
  if (cut.length > 0) {
    return { kind: 'over-budget', prompts: cut.map((p) => ({ path: p.path, why: p.overBudget! })) };
  }
  const inconclusive = verdicts('inconclusive');
  if (inconclusive.length > 0 && inconclusiveFails(report.gate)) {
    return { kind: 'inconclusive', minDetectableDrop: report.gate.minDetectableDrop, prompts: inconclusive };
  }
  const notRun = report.prompts.filter((p) => p.state === 'not-run');
  if (notRun.length > 0 || report.partial) {
    return { kind: 'partial', notRun: notRun.map((p) => p.path), inconclusive };
  }
  return { kind: 'passed', inconclusive };
}

const list = (prompts: PromptVerdict[]) => prompts.map((p) => `${p.path}: ${p.verdict}`).join('; ');

/** The check's failure line, or undefined when the outcome does not fail it. */
export function failureMessage(outcome: ReviewOutcome): string | undefined {
  switch (outcome.kind) {
    case 'regressed':
      return `prompt regression (fail-on: ${outcome.failOn}): ${list(outcome.prompts)}`;
    case 'could-not-evaluate':
      return `evaluation could not run for ${outcome.prompts.map((p) => p.path).join(', ')}: ${outcome.prompts[0]!.error}`;
    case 'over-budget':
      return `${outcome.prompts[0]!.why} before ${outcome.prompts.map((p) => p.path).join(', ')} could be fully evaluated; the check fails closed (raise max-calls or max-tokens, or lower max-examples)`;
    case 'inconclusive':
      return `too little test data to judge (fail-on-inconclusive: true, min-detectable-drop: ${outcome.minDetectableDrop} pp): ${list(outcome.prompts)}`;
    default:
      return undefined;
  }
}

/** For an outcome that passes although some prompt was inconclusive: the line to warn with. */
export function inconclusiveWarning(outcome: ReviewOutcome): string | undefined {
  if (outcome.kind !== 'passed' && outcome.kind !== 'partial') return undefined;
  if (outcome.inconclusive.length === 0) return undefined;
  return `inconclusive, not failing the check: ${list(outcome.inconclusive)}`;
}
