import { z } from 'zod';

// The versioned JSON written by `lpo eval --json`. Consumers should check `version` before reading.
export const EVAL_REPORT_VERSION = 1;

export const SplitSummarySchema = z.object({
  total: z.number().int().nonnegative(),
  correct: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  /** correct / (total − errors), 0..1; null when every example errored. */
  accuracy: z.number().min(0).max(1).nullable(),
  interval: z.tuple([z.number(), z.number()]).nullable(),
});

export const ExampleResultSchema = z.object({
  id: z.string(),
  line: z.number().int(),
  split: z.enum(['dev', 'test']),
  input: z.string(),
  target: z.string(),
  output: z.string().nullable(),
  extracted: z.string().nullable(),
  verdict: z.enum(['correct', 'wrong', 'error']),
  error: z.string().optional(),
  cached: z.boolean().optional(),
});

export const UsageSchema = z.object({
  calls: z.number().int().nonnegative(),
  cacheHits: z.number().int().nonnegative(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  failedCalls: z.number().int().nonnegative(),
});

export const EvalReportSchema = z.object({
  version: z.literal(EVAL_REPORT_VERSION),
  kind: z.literal('eval'),
  /** True when the answers came from the offline simulator, not a real model. */
  simulated: z.boolean(),
  prompt: z.string(),
  dataset: z.string().nullable(),
  model: z.string(),
  scorer: z.string(),
  splits: z.object({ dev: SplitSummarySchema.optional(), test: SplitSummarySchema.optional() }),
  examples: z.array(ExampleResultSchema),
  usage: UsageSchema,
  wallMs: z.number().nonnegative(),
});

export type EvalReport = z.infer<typeof EvalReportSchema>;
