import { z } from 'zod';
import { ANSWER_FAILURES } from '../core/types.js';

// The versioned JSON written by `lpo eval --json`. Consumers should check `version` before reading.
export const EVAL_REPORT_VERSION = 1;

export const SplitSummarySchema = z.object({
  total: z.number().int().nonnegative(),
  correct: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  /** correct / (total − errors), 0..1; null when every example errored. */
  accuracy: z.number().min(0).max(1).nullable(),
  interval: z.tuple([z.number(), z.number()]).nullable(),
  /** Of the wrong answers, those the prompt made unusable (cut off, filtered, …), by kind. */
  failures: z.partialRecord(z.enum(ANSWER_FAILURES), z.number().int().positive()).optional(),
  /** With `samples: k` > 1: k (accuracy is the mean score), and the examples whose samples disagreed. */
  samples: z.number().int().min(2).optional(),
  flaky: z.number().int().nonnegative().optional(),
});

const SplitSideSchema = z.object({
  n: z.number().int().nonnegative(),
  candidates: z.number().int().nonnegative(),
  share: z.number().min(0).max(1),
  cap: z.number().int().positive().nullable(),
  requested: z.number().int().positive().nullable(),
  fingerprint: z.string().regex(/^[0-9a-f]{12}$/),
});

export const SplitInfoSchema = z.object({
  rows: z.number().int().nonnegative(),
  seed: z.number().int(),
  dev: SplitSideSchema,
  test: SplitSideSchema,
});

export const ExampleResultSchema = z.object({
  id: z.string(),
  line: z.number().int(),
  /** 1-based row number, for rows of a JSON array (several rows may share a line). */
  row: z.number().int().positive().optional(),
  split: z.enum(['dev', 'test']),
  input: z.string(),
  target: z.string(),
  output: z.string().nullable(),
  extracted: z.string().nullable(),
  verdict: z.enum(['correct', 'wrong', 'error']),
  error: z.string().optional(),
  /** Set on a `wrong` answer the prompt made unusable: the answer came back, but not one to score. */
  failure: z.enum(ANSWER_FAILURES).optional(),
  cached: z.boolean().optional(),
  /** A model-graded scorer's reason (and 1-5 score), kept so flipped examples can show it. */
  judge: z.object({ reason: z.string(), score: z.number().int().min(1).max(5).optional() }).optional(),
  /** With `samples: k` > 1: the mean score, and the samples asked, right, answered and distinct. */
  score: z.number().min(0).max(1).optional(),
  samples: z
    .object({
      asked: z.number().int().positive(),
      correct: z.number().int().nonnegative(),
      answered: z.number().int().nonnegative(),
      distinct: z.number().int().nonnegative(),
    })
    .optional(),
});

export const UsageSchema = z.object({
  calls: z.number().int().nonnegative(),
  cacheHits: z.number().int().nonnegative(),
  /** Cache entries not written with the run's key (forged or another key's); absent in older reports. */
  cacheIgnored: z.number().int().nonnegative().optional(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  failedCalls: z.number().int().nonnegative(),
});

/** A judge scorer's agreement with people on the rows carrying a label (`trust` decides the gate). */
export const JudgeSummarySchema = z.object({
  model: z.string(),
  scale: z.enum(['pass-fail', '1-5']),
  labelled: z.number().int(),
  errors: z.number().int(),
  n: z.number().int(),
  accuracy: z.number().nullable(),
  kappa: z.number().nullable(),
  interval: z.tuple([z.number(), z.number()]).nullable(),
  trust: z.enum(['trusted', 'untrusted', 'uncalibrated']),
  minJudgeAgreement: z.number(),
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
  /** How the rows were split: the rule's figures (see src/dataset/split-info.ts). */
  split: SplitInfoSchema.optional(),
  /** `all` (with `--split all`) is dev and test scored together: every selected example once. */
  splits: z.object({
    dev: SplitSummarySchema.optional(),
    test: SplitSummarySchema.optional(),
    all: SplitSummarySchema.optional(),
  }),
  examples: z.array(ExampleResultSchema),
  /** A judge scorer with labelled rows (label: + labelled-output:): its agreement with people. */
  judge: JudgeSummarySchema.optional(),
  usage: UsageSchema,
  wallMs: z.number().nonnegative(),
});

export type JudgeSummary = z.infer<typeof JudgeSummarySchema>;
export type EvalReport = z.infer<typeof EvalReportSchema>;
