// A split's figures from its examples' verdicts: accuracy over the answered examples, its interval,
// and, among the wrong answers, those the prompt made unusable, counted by kind.
import type { AnswerFailure, ExampleResult, SplitSummary } from '../core/types.js';
import { wilsonInterval } from './stats.js';

export type Failures = Partial<Record<AnswerFailure, number>>;

export function addFailure(failures: Failures, kind: AnswerFailure | undefined, n = 1): void {
  if (kind !== undefined && n > 0) failures[kind] = (failures[kind] ?? 0) + n;
}

export function summarize(results: ExampleResult[]): SplitSummary {
  let correct = 0;
  let errors = 0;
  const failures: Failures = {};
  for (const r of results) {
    if (r.verdict === 'correct') correct++;
    else if (r.verdict === 'error') errors++;
    else addFailure(failures, r.failure);
  }
  return summaryOf(results.length, correct, errors, failures);
}

/** The summary of two disjoint sets of examples scored together. */
export function combineSummaries(a: SplitSummary, b: SplitSummary): SplitSummary {
  const failures: Failures = {};
  for (const side of [a.failures, b.failures]) {
    for (const [kind, n] of Object.entries(side ?? {})) addFailure(failures, kind as AnswerFailure, n);
  }
  return summaryOf(a.total + b.total, a.correct + b.correct, a.errors + b.errors, failures);
}

export function summaryOf(total: number, correct: number, errors: number, failures: Failures): SplitSummary {
  const answered = total - errors;
  return {
    total,
    correct,
    errors,
    accuracy: answered > 0 ? correct / answered : null,
    interval: wilsonInterval(correct, answered),
    ...(Object.keys(failures).length > 0 ? { failures } : {}),
  };
}
