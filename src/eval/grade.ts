// Scores one answer with the task's scorer: a pure match, or a model-graded scorer (judge,
// similarity) whose request goes through the run's one LlmClient.
import { ConfigError } from '../core/errors.js';
import type { EvalTask, Example, ExampleResult } from '../core/types.js';
import type { LlmClient } from '../llm/client.js';
import { judge } from './judge.js';
import { score } from './scorers.js';
import { similarity } from './similarity.js';

export interface Graded {
  correct: boolean;
  extracted: string;
  judge?: ExampleResult['judge'];
}

/** The task's input fields of a row, as one text: what a judge is shown as the input. */
export function inputOf(task: EvalTask, example: Example): string {
  return task.input.map((f) => example.fields[f] ?? '').join('\n');
}

/** The judge's reference answer: the named field of the row, or its target when that is the field named. */
export function referenceOf(task: EvalTask, example: Example, field: string | undefined): string | undefined {
  if (field === undefined) return undefined;
  if (Object.hasOwn(example.fields, field)) return example.fields[field];
  if (field === task.target) return example.target;
  throw new ConfigError(
    `${task.promptPath}: judge reference "${field}" is neither the target nor an input field (${task.input.join(', ')})`,
  );
}

/**
 * Throws LlmError or ConfigError when a model-graded scorer gets no grade: the caller makes the
 * example an error, never a pass or a fail.
 */
export async function gradeOutput(
  task: EvalTask,
  example: Example,
  output: string,
  input: string,
  opts: { client: LlmClient; model: string },
): Promise<Graded> {
  const spec = task.scorer;
  const extracted = output.trim();
  if (spec.type === 'judge') {
    const reference = referenceOf(task, example, spec.reference);
    const shown = reference === undefined ? { input, output } : { input, output, reference };
    const verdict = await judge(opts.client, spec, shown, opts.model);
    const said =
      verdict.score === undefined
        ? { reason: verdict.reason }
        : { reason: verdict.reason, score: verdict.score };
    return { correct: verdict.pass, extracted, judge: said };
  }
  if (spec.type === 'similarity') {
    const verdict = await similarity(opts.client, spec, output, example.target);
    const reason = `cosine similarity ${verdict.similarity.toFixed(3)} (threshold ${spec.threshold})`;
    return { correct: verdict.pass, extracted, judge: { reason } };
  }
  return score(spec, output, example.target);
}
