// What a review run comes to, as a typed value: the Action turns it into outputs, posting and
// setFailed, the CLI into an exit code. Nothing downstream reads a verdict out of message text.
import type { FailOn } from './gate.js';
import type { ReviewReport } from './model.js';

export type ReviewOutcome =
  | { kind: 'skipped'; reason: string }
  | { kind: 'passed' }
  /** The deadline left prompts unevaluated; nothing that ran regressed or failed. */
  | { kind: 'partial'; notRun: string[] }
  | { kind: 'regressed'; failOn: FailOn; prompts: { path: string; verdict: string }[] }
  | { kind: 'could-not-evaluate'; prompts: { path: string; error: string }[] };

/** Regressions first (they are the gate's reason to exist), then prompts that could not run. */
export function outcomeOf(report: ReviewReport): ReviewOutcome {
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
  const notRun = report.prompts.filter((p) => p.state === 'not-run');
  if (notRun.length > 0 || report.partial) return { kind: 'partial', notRun: notRun.map((p) => p.path) };
  return { kind: 'passed' };
}

/** The check's failure line, or undefined when the outcome does not fail it. */
export function failureMessage(outcome: ReviewOutcome): string | undefined {
  switch (outcome.kind) {
    case 'regressed':
      return `prompt regression (fail-on: ${outcome.failOn}): ${outcome.prompts.map((p) => `${p.path}: ${p.verdict}`).join('; ')}`;
    case 'could-not-evaluate':
      return `evaluation could not run for ${outcome.prompts.map((p) => p.path).join(', ')}: ${outcome.prompts[0]!.error}`;
    default:
      return undefined;
  }
}
