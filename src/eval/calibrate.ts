// The judge checked against people: on the rows that carry a person's grade of a stored answer
// (`label` + `labelled-output`), the judge grades that same answer, and the two are compared by
// Cohen's κ (agreement.ts). The stored answer, not the prompt's, is graded, because a person's label
// only speaks of the answer they read; so calibration costs one judge call per labelled row, shared
// by base and head, and cached across runs.
import { ConfigError, errorMessage } from '../core/errors.js';
import type { EvalTask, Example, JudgeScorerSpec } from '../core/types.js';
import { type LlmClient, LlmError } from '../llm/client.js';
import {
  type Agreement,
  agreement,
  DEFAULT_MIN_JUDGE_AGREEMENT,
  type JudgeTrust,
  judgeTrust,
} from './agreement.js';
import { inputOf, referenceOf } from './grade.js';
import { judge } from './judge.js';
import type { JudgeSummary } from './report.js';

export interface Calibration {
  model: string;
  scale: JudgeScorerSpec['scale'];
  /** Labelled rows seen; `agreement.n` of them were graded by the judge (the rest errored). */
  labelled: number;
  errors: number;
  /** The first judge error, one line, when there were any. */
  error?: string;
  agreement: Agreement;
  trust: JudgeTrust;
  minJudgeAgreement: number;
}

const PASS = new Set(['pass', 'passed', 'true', 'yes', 'y', '1', 'good', 'ok']);
const FAIL = new Set(['fail', 'failed', 'false', 'no', 'n', '0', 'bad']);

/** A person's label on the judge's scale; a ConfigError naming the row when it is not one. */
export function humanLabel(raw: string, scale: JudgeScorerSpec['scale'], where: string): string {
  const value = raw.trim().toLowerCase();
  if (scale === '1-5') {
    if (/^[1-5]$/.test(value)) return value;
    throw new ConfigError(`${where}: label "${raw}" is not a score from 1 to 5 (the judge's scale is 1-5)`);
  }
  if (PASS.has(value)) return 'pass';
  if (FAIL.has(value)) return 'fail';
  throw new ConfigError(`${where}: label "${raw}" is not pass or fail (the judge's scale is pass-fail)`);
}

/** Every labelled row's label read on the judge's scale: a bad one fails the run before any call. */
export function checkLabels(task: EvalTask, examples: Example[]): void {
  if (task.scorer.type !== 'judge' || !task.calibration) return;
  for (const e of examples) if (e.labelled) humanLabel(e.labelled.label, task.scorer.scale, rowName(task, e));
}

const rowName = (task: EvalTask, e: Example) =>
  `${task.datasetPath ?? task.inlineSource ?? task.promptPath}:${e.line}${e.inArray ? ` (row ${e.index + 1})` : ''}`;

/**
 * Grades every labelled example's stored answer with the task's judge and compares with the labels.
 * Labels are checked before any call, so a bad label costs nothing. Judge failures are excluded
 * from κ and counted; anything but an LlmError is a bug and propagates.
 */
export async function calibrate(
  client: LlmClient,
  task: EvalTask,
  examples: Example[],
  taskModel: string,
  minJudgeAgreement = DEFAULT_MIN_JUDGE_AGREEMENT,
): Promise<Calibration | null> {
  const spec = task.scorer;
  if (spec.type !== 'judge') return null;
  // Without a calibration config no row is read as labelled: the result says "uncalibrated".
  const rows = task.calibration ? examples.filter((e) => e.labelled !== undefined) : [];
  const human = rows.map((e) => humanLabel(e.labelled!.label, spec.scale, rowName(task, e)));
  let errors = 0;
  let error: string | undefined;
  const graded = await Promise.all(
    rows.map(async (e) => {
      const reference = referenceOf(task, e, spec.reference);
      const shown = { input: inputOf(task, e), output: e.labelled!.output };
      try {
        const v = await judge(
          client,
          spec,
          reference === undefined ? shown : { ...shown, reference },
          taskModel,
        );
        return spec.scale === '1-5' ? String(v.score) : v.pass ? 'pass' : 'fail';
      } catch (caught) {
        if (!(caught instanceof LlmError)) throw caught;
        errors++;
        error ??= errorMessage(caught);
        return null;
      }
    }),
  );
  const agreed = agreement(graded, human);
  const trust: JudgeTrust =
    rows.length > 0 && agreed.n === 0
      ? {
          status: 'untrusted',
          kappa: null,
          n: 0,
          why: `the judge graded none of ${rows.length} labelled rows (${error})`,
        }
      : judgeTrust(agreed, minJudgeAgreement);
  return {
    model: spec.model ?? taskModel,
    scale: spec.scale,
    labelled: rows.length,
    errors,
    ...(error !== undefined ? { error } : {}),
    agreement: agreed,
    trust,
    minJudgeAgreement,
  };
}

/** The figures of a calibration as the JSON reports carry them. */
export function judgeSummary(c: Calibration): JudgeSummary {
  const { n, accuracy, kappa, interval } = c.agreement;
  const { model, scale, labelled, errors, minJudgeAgreement } = c;
  return {
    model,
    scale,
    labelled,
    errors,
    n,
    accuracy,
    kappa,
    interval,
    trust: c.trust.status,
    minJudgeAgreement,
  };
}
