// What one example costs in requests, for the plans made before any call (the review's plan line,
// the optimizer's budget): each sample's answer, and one more request per answer where the scorer
// asks a model (a judge's grade, or the embeddings of a similarity).
import type { EvalTask } from '../core/types.js';
import { samplesOf } from './samples.js';

export function callsPerExample(task: Pick<EvalTask, 'scorer' | 'samples'>): number {
  const graded = task.scorer.type === 'judge' || task.scorer.type === 'similarity' ? 2 : 1;
  return samplesOf(task) * graded;
}
