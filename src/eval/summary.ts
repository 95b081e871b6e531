// A split's figures from its examples' verdicts: accuracy over the answered examples, its interval,
// and, among the wrong answers, those the prompt made unusable, counted by kind. With `samples: k`
// an example's score is its share of right samples, and accuracy is the mean score.
import type { AnswerFailure, ExampleResult, SplitSummary } from '../core/types.js';
import { wilsonInterval } from './stats.js';

export type Failures = Partial<Record<AnswerFailure, number>>;

/** What several samples per example add to a split's counts: k, the sum of scores, the flaky examples. */
export interface Sampled {
  samples: number;
  scoreSum: number;
  flaky: number;
}

export function addFailure(failures: Failures, kind: AnswerFailure | undefined, n = 1): void {
  if (kind !== undefined && n > 0) failures[kind] = (failures[kind] ?? 0) + n;
}

/** Adds one sampled result to `into` (created on the first), or returns it unchanged for a single-answer result. */
export function addSampled(into: Sampled | undefined, r: ExampleResult): Sampled | undefined {
  if (r.samples === undefined) return into;
  const s = into ?? { samples: 0, scoreSum: 0, flaky: 0 };
  s.samples = Math.max(s.samples, r.samples.asked);
  s.scoreSum += r.score ?? 0;
  if (r.samples.distinct > 1) s.flaky++;
  return s;
}

export function summarize(results: ExampleResult[]): SplitSummary {
  let correct = 0;
  let errors = 0;
  const failures: Failures = {};
  let sampled: Sampled | undefined;
  for (const r of results) {
    if (r.verdict === 'correct') correct++;
    else if (r.verdict === 'error') errors++;
    else addFailure(failures, r.failure);
    sampled = addSampled(sampled, r);
  }
  return summaryOf(results.length, correct, errors, failures, sampled);
}

/** The sum of a summary's scores: its correct count, or the mean score times the answered examples. */
function scoreSumOf(s: SplitSummary): number {
  return s.samples === undefined ? s.correct : (s.accuracy ?? 0) * (s.total - s.errors);
}

/** The summary of two disjoint sets of examples scored together. */
export function combineSummaries(a: SplitSummary, b: SplitSummary): SplitSummary {
  const failures: Failures = {};
  for (const side of [a.failures, b.failures]) {
    for (const [kind, n] of Object.entries(side ?? {})) addFailure(failures, kind as AnswerFailure, n);
  }
  const sampled =
    a.samples === undefined && b.samples === undefined
      ? undefined
      : {
          samples: Math.max(a.samples ?? 1, b.samples ?? 1),
          scoreSum: scoreSumOf(a) + scoreSumOf(b),
          flaky: (a.flaky ?? 0) + (b.flaky ?? 0),
        };
  return summaryOf(a.total + b.total, a.correct + b.correct, a.errors + b.errors, failures, sampled);
}

/**
 * With `sampled`, accuracy is the mean score and its interval is Wilson's with the score sum as the
 * "successes" over the answered examples (not over the n·k samples: an example's samples are
 * correlated, so counting them as independent trials would make the interval far too narrow). Scores
 * lie in [0, 1], so their variance is at most m(1 − m) for their mean m (Bhatia–Davis): the interval
 * is conservative, stays inside [0, 1], does not collapse when every score is 1, and is exactly
 * today's Wilson interval when every score is 0 or 1.
 */
export function summaryOf(
  total: number,
  correct: number,
  errors: number,
  failures: Failures,
  sampled?: Sampled,
): SplitSummary {
  const answered = total - errors;
  const successes = sampled ? sampled.scoreSum : correct;
  return {
    total,
    correct,
    errors,
    accuracy: answered > 0 ? successes / answered : null,
    interval: wilsonInterval(successes, answered),
    ...(Object.keys(failures).length > 0 ? { failures } : {}),
    ...(sampled ? { samples: sampled.samples, flaky: sampled.flaky } : {}),
  };
}
