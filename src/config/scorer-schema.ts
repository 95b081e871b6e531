// The `scorer:` key of a config entry: a bare name, or an object with the scorer's options. Patterns
// and options are checked here, at load, so a bad one is one line naming it before any model call.
import * as z from 'zod';
import { compileLinear, whyNot } from '../core/linear-regex.js';
import type { ScorerSpec } from '../core/types.js';
import { FIELD_NAME } from './placeholders.js';
import { strictObject } from './yaml-issues.js';

export const CONFIG_SCORERS = [
  'exact',
  'numeric',
  'choice',
  'contains',
  'regex',
  'json',
  'judge',
  'similarity',
] as const;

/** Needs options, so never written as a bare name: the example shows what to write. */
const SCORER_OPTIONS: Partial<Record<(typeof CONFIG_SCORERS)[number], string>> = {
  regex: 'pattern: "..."',
  json: 'field: "answer"',
  judge: 'rubric: "..."',
  similarity: 'model: "<embedding model>"',
};

export const FieldName = z.string().regex(FIELD_NAME, {
  error: (issue) => `expected a field name usable as {{name}}, got "${String(issue.input)}"`,
});
const ScorerName = z.enum(CONFIG_SCORERS).transform((name, ctx): ScorerSpec => {
  const example = SCORER_OPTIONS[name];
  if (example !== undefined) {
    ctx.issues.push({
      code: 'custom',
      message: `"${name}" needs options: write {type: ${name}, ${example}}`,
      input: name,
    });
    return z.NEVER;
  }
  return { type: name } as ScorerSpec;
});

/** 1-5 judges pass at 4 ("good") unless told otherwise: 3 ("acceptable") lets too much through. */
export const DEFAULT_JUDGE_THRESHOLD = 4;
export const DEFAULT_SIMILARITY_THRESHOLD = 0.85;
/** `samples: k` asks each example this many times at most: every sample is a paid request. */
export const MAX_SAMPLES = 10;

const JudgeObject = strictObject({
  type: z.literal('judge'),
  rubric: z.string().trim().min(1, { error: 'expected a non-empty rubric' }),
  reference: FieldName.optional(),
  model: z.string().min(1).optional(),
  scale: z.enum(['pass-fail', '1-5']).optional(),
  threshold: z.number().int().min(1).max(5).optional(),
})
  .refine((judge) => judge.threshold === undefined || judge.scale === '1-5', {
    path: ['threshold'],
    error: 'threshold applies to scale: 1-5 only (a pass-fail judge passes on "pass")',
  })
  .transform(
    (judge): ScorerSpec => ({
      type: 'judge',
      rubric: judge.rubric,
      ...(judge.reference !== undefined ? { reference: judge.reference } : {}),
      ...(judge.model !== undefined ? { model: judge.model } : {}),
      scale: judge.scale ?? 'pass-fail',
      threshold: judge.threshold ?? DEFAULT_JUDGE_THRESHOLD,
    }),
  );

const SimilarityObject = strictObject({
  type: z.literal('similarity'),
  model: z.string().min(1),
  threshold: z.number().min(-1).max(1).optional(),
}).transform(
  (sim): ScorerSpec => ({
    type: 'similarity',
    model: sim.model,
    threshold: sim.threshold ?? DEFAULT_SIMILARITY_THRESHOLD,
  }),
);

const ScorerObject = z.discriminatedUnion('type', [
  strictObject({ type: z.literal('exact') }),
  strictObject({ type: z.literal('numeric') }),
  strictObject({ type: z.literal('choice') }),
  strictObject({ type: z.literal('contains') }),
  strictObject({
    type: z.literal('regex'),
    pattern: z.string().min(1),
    flags: z
      .string()
      .regex(/^[dgimsuvy]*$/, { error: 'expected regex flags among dgimsuvy' })
      .optional(),
  }),
  strictObject({ type: z.literal('json'), field: z.string().min(1) }),
  JudgeObject,
  SimilarityObject,
]);

// Refused here, at load, so a pattern that could hang the scorer never reaches a model call.
export const ScorerSchema = z.union([ScorerName, ScorerObject]).superRefine((scorer, ctx) => {
  if (scorer.type !== 'regex') return;
  const compiled = compileLinear(scorer.pattern, scorer.flags);
  if (compiled.ok) return;
  ctx.addIssue({
    code: 'custom',
    path: ['pattern'],
    message: whyNot(scorer.pattern, scorer.flags, compiled),
  });
});
