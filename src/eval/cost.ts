// What one example costs in requests, for the plans made before any call (the review's plan line,
// the optimizer's budget): each sample's answer, and one more request per answer where the scorer
// asks a model (a judge's grade, or the embeddings of a similarity).
import type { EvalTask } from '../core/types.js';
import { samplesOf } from './samples.js';

/** A judge's question can take two requests: structured, then once more in plain text when unreadable. */
export const JUDGE_REQUESTS_AT_MOST = 2;

/**
 * `most`: count every judge question at its worst (the review's plan line says "at most"); without
 * it, one request per grade, what the optimizer books (the client's ceiling holds either way).
 */
export function callsPerExample(task: Pick<EvalTask, 'scorer' | 'samples'>, most = false): number {
  const judge = most ? JUDGE_REQUESTS_AT_MOST : 1;
  const grade = task.scorer.type === 'judge' ? judge : task.scorer.type === 'similarity' ? 1 : 0;
  return samplesOf(task) * (1 + grade);
}
