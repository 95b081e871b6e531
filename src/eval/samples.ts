// `samples: k`: each example is asked k times at the task's temperature and scored by the share of
// its answers that are right. What the k answers are combined into lives here; run.ts asks them.
import type { AnswerFailure, EvalTask, ExampleResult } from '../core/types.js';

/** Requests one example costs the task model: k with `samples: k`, else 1 (a judge scorer adds its own). */
export function samplesOf(task: Pick<EvalTask, 'samples'>): number {
  return task.samples ?? 1;
}

/**
 * The seed sample `i` sends: none for the first, so a single-sample run and its cache entries are
 * unchanged; `i` for the others, which makes each a distinct request (and a distinct cache entry) and
 * asks a seeded endpoint for a different draw at temperature > 0.
 */
export function sampleSeed(i: number): number | undefined {
  return i === 0 ? undefined : i;
}

/** One answer to one example, scored. */
export interface Sample {
  output: string | null;
  extracted: string | null;
  verdict: ExampleResult['verdict'];
  error?: string;
  failure?: AnswerFailure;
  cached?: boolean;
  judge?: ExampleResult['judge'];
}

export interface Combined extends Sample {
  score?: number;
  samples: NonNullable<ExampleResult['samples']>;
}

/**
 * Answers differ when what the scorer compared differs (the extracted answer), so two samples that
 * reach the same answer by differently worded reasoning are not counted as flaky; an answer with
 * nothing extracted is compared by its trimmed text.
 */
const answerOf = (s: Sample): string => s.extracted ?? (s.output ?? '').trim();

/**
 * The example's score is correct / answered over the samples that did not error; with none answered it
 * is an error (the first sample's). The verdict is the majority (correct when more than half were
 * right), and the texts shown are those of the first answered sample that agrees with it, so a shown
 * answer never contradicts its verdict.
 */
export function combineSamples(samples: Sample[]): Combined {
  const answered = samples.filter((s) => s.verdict !== 'error');
  const correct = answered.filter((s) => s.verdict === 'correct').length;
  const counts = {
    asked: samples.length,
    correct,
    answered: answered.length,
    distinct: new Set(answered.map(answerOf)).size,
  };
  if (answered.length === 0) return { ...samples[0]!, samples: counts };
  const verdict = 2 * correct > answered.length ? 'correct' : 'wrong';
  const shown = answered.find((s) => s.verdict === verdict)!;
  return {
    ...shown,
    cached: samples.every((s) => s.cached === true),
    score: correct / answered.length,
    samples: counts,
  };
}
