// GitHub Models' `llm` evaluators (`gh models eval`) as our rubric judge. There, the evaluator's
// prompt is filled with the row's fields and {{completion}} (the output), sent to `modelId`, and the
// first listed `choice` found in the reply decides: it passes when that choice's score is above 0.
// Here the same prompt becomes the rubric of a pass-fail judge: the output, input and reference
// reach the judge in their own tagged sections, so the placeholders are reworded to point at them,
// and the passing choices are spelled out, since the judge answers pass or fail, not a choice.
// They are not quoted: a quoted phrase in a rubric reads as one the output must contain.
import * as z from 'zod';
import type { JudgeScorerSpec } from '../core/types.js';
import { fillPlaceholders, placeholdersIn } from './placeholders.js';
import { strictObject } from './yaml-issues.js';

/** The output's placeholder in a GitHub Models evaluator prompt. */
const COMPLETION = 'completion';

export const LlmEvaluatorSchema = strictObject({
  modelId: z.string().min(1),
  prompt: z.string().trim().min(1),
  choices: z
    .array(strictObject({ choice: z.string().min(1), score: z.number() }))
    .min(1)
    .refine((choices) => choices.some((c) => c.score > 0), {
      error: 'no choice has a score above 0, so no answer could pass',
    }),
  systemPrompt: z.string().optional(),
});

export type LlmEvaluator = z.output<typeof LlmEvaluatorSchema>;

export interface MappedJudge {
  scorer: JudgeScorerSpec;
  /** The row field the judge compares with (the task's target); absent when the prompt names none. */
  targetField?: string;
}

/**
 * `inputs` are the placeholders of the prompt file's messages. The reference is the first field the
 * evaluator names that the messages do not use (`{{expected}}`): the answer the output is held to.
 */
export function judgeFromLlmEvaluator(evaluator: LlmEvaluator, inputs: readonly string[]): MappedJudge {
  const named = placeholdersIn(evaluator.prompt).filter((name) => name !== COMPLETION);
  const reference = named.find((name) => !inputs.includes(name));
  const reworded = fillPlaceholders(evaluator.prompt, (name) => {
    if (name === COMPLETION) return '[the output, in <output>]';
    if (name === reference) return '[the reference, in <reference>]';
    return `[the input's ${name}, in <input>]`;
  });
  const passing = evaluator.choices.filter((c) => c.score > 0).map((c) => c.choice.trim());
  const failing = evaluator.choices.filter((c) => c.score <= 0).map((c) => c.choice.trim());
  const verdicts = [
    `The output passes when the answer to the question above would be ${passing.join(' or ')}`,
    failing.length > 0 ? `, and fails when it would be ${failing.join(' or ')}.` : '.',
  ].join('');
  const rubric = [evaluator.systemPrompt?.trim(), reworded.trim(), verdicts]
    .filter((part): part is string => part !== undefined && part !== '')
    .join('\n\n');
  const scorer: JudgeScorerSpec = {
    type: 'judge',
    rubric,
    model: evaluator.modelId,
    scale: 'pass-fail',
    threshold: 4,
    ...(reference !== undefined ? { reference } : {}),
  };
  return reference !== undefined ? { scorer, targetField: reference } : { scorer };
}
