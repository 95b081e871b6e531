// The similarity scorer: cosine between the embeddings of the output and of the target, asked
// through the run's one LlmClient (so cached, counted, limited to the allowed models, retried).
// Paraphrase-tolerant where exact matching is not, but blind to a negation or a changed number
// that keeps most words: the threshold is the user's trade-off between the two.
import type { ScorerSpec } from '../core/types.js';
import type { LlmClient } from '../llm/client.js';

export type SimilaritySpec = Extract<ScorerSpec, { type: 'similarity' }>;

export interface SimilarityVerdict {
  pass: boolean;
  similarity: number;
  cached: boolean;
}

/** Cosine of two vectors of the same length; 0 when either is all zeros (nothing to compare). */
export function cosine(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error(`cosine: vectors of ${a.length} and ${b.length} dimensions`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  if (na === 0 || nb === 0) return 0;
  return dot / Math.sqrt(na * nb);
}

/** Throws LlmError (or ConfigError for a model the run does not allow): the example is then an error. */
export async function similarity(
  client: LlmClient,
  spec: SimilaritySpec,
  output: string,
  target: string,
): Promise<SimilarityVerdict> {
  const { vectors, cached } = await client.embed(spec.model, [output.trim(), target.trim()]);
  const value = cosine(vectors[0]!, vectors[1]!);
  return { pass: value >= spec.threshold, similarity: value, cached };
}
