// The rubric judge: one model-graded verdict per example, asked through the run's one LlmClient, so
// its calls are cached, counted against the ceilings, limited to the allowed models, masked and
// retried like the task's. Structured output first (zod via client.parse); where the endpoint has
// none, the same question with a plain-text format and a tolerant parser. The reply is untrusted.
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { fillPlaceholders } from '../config/placeholders.js';
import type { JudgeScorerSpec } from '../core/types.js';
import { type ChatRequest, type LlmClient, LlmError } from '../llm/client.js';

// A literal `new URL(..., import.meta.url)`: the bundler copies the file next to dist/index.js.
const RUBRIC_FILE = new URL('../../prompts/judge-rubric.md', import.meta.url);

export const JUDGE_SCHEMA_NAME = 'lpo_judge';

const PassFailVerdict = z.object({ verdict: z.enum(['pass', 'fail']), reason: z.string() });
const ScoreVerdict = z.object({ score: z.number().int().min(1).max(5), reason: z.string() });

const JSON_NOTES: Record<JudgeScorerSpec['scale'], string> = {
  'pass-fail': 'Reply with a JSON object {"verdict": "pass" or "fail", "reason": "<one sentence>"}.',
  '1-5': 'Reply with a JSON object {"score": <whole number 1 to 5>, "reason": "<one sentence>"}.',
};
const TEXT_NOTES: Record<JudgeScorerSpec['scale'], string> = {
  'pass-fail': 'Reply in exactly two lines:\nVerdict: PASS or FAIL\nReason: <one sentence>',
  '1-5': 'Reply in exactly two lines:\nScore: <whole number 1 to 5>\nReason: <one sentence>',
};

/** What the judge is shown for one example. */
export interface JudgeInput {
  input: string;
  output: string;
  /** The reference answer, when the scorer names one. */
  reference?: string;
}

/** The judge's grade: `pass` already applies the threshold on the 1-5 scale. */
export interface JudgeVerdict {
  pass: boolean;
  reason: string;
  score?: number;
  cached: boolean;
}

let template: string | undefined;

/** The meta-prompt without its header comment (which documents it for people, not for the model). */
export function judgeTemplate(): string {
  template ??= readFileSync(RUBRIC_FILE, 'utf8')
    .replace(/^<!--[\s\S]*?-->\s*/, '')
    .trimEnd();
  return template;
}

/**
 * The graded text with the meta-prompts' closing tags broken (`</output>` → `<\/output>`): an answer
 * cannot end its own section early and write what reads as the judge's instructions.
 */
export function untagged(text: string): string {
  return text.replace(/<\/(output|answer_a|answer_b|input|rubric|reference)>/gi, '<\\/$1>');
}

/** The exact request for one example in one mode (parse adds the response_format); the judge model defaults to the task's. */
export function judgeRequest(
  spec: JudgeScorerSpec,
  shown: JudgeInput,
  taskModel: string,
  json: boolean,
): ChatRequest {
  const values: Record<string, string> = {
    rubric: spec.rubric,
    input: shown.input,
    output: untagged(shown.output),
    reference: shown.reference ?? '(none)',
  };
  // One pass: an output that itself contains "{{rubric}}" reaches the judge literally.
  const body = fillPlaceholders(judgeTemplate(), (key) => values[key]);
  const note = (json ? JSON_NOTES : TEXT_NOTES)[spec.scale];
  const content = `${body}\n\n${note}`;
  return { model: spec.model ?? taskModel, temperature: 0, messages: [{ role: 'user', content }] };
}

/** Whether the grade passes: pass-fail as said, 1-5 when the score reaches the threshold. */
function verdictOf(spec: JudgeScorerSpec, grade: { pass?: boolean; score?: number }): boolean {
  if (spec.scale === 'pass-fail') return grade.pass === true;
  return (grade.score ?? 0) >= spec.threshold;
}

/** A short, one-line reason: the judge's text is shown in reports, so it is bounded. */
function shortReason(reason: string): string {
  const line = reason.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/**
 * Reads "Verdict: PASS" / "Score: 4" / "Reason: ..." from free text; null when the grade is missing
 * or ambiguous (both PASS and FAIL with no "Verdict:" line), so a garbled reply is never a grade.
 */
export function parseJudgeText(
  scale: JudgeScorerSpec['scale'],
  text: string,
): { pass?: boolean; score?: number; reason: string } | null {
  const reason = /reason\s*[:：]\s*(.+)/i.exec(text)?.[1] ?? '';
  if (scale === '1-5') {
    const m =
      /score\s*[:：=]?\s*\**\s*([1-5])(?:\s*\/\s*5)?\b/i.exec(text) ?? /\b([1-5])\s*\/\s*5\b/.exec(text);
    return m ? { score: Number(m[1]), reason } : null;
  }
  const labelled = /verdict\s*[:：]\s*\**\s*(pass|fail)/i.exec(text);
  if (labelled) return { pass: labelled[1]!.toLowerCase() === 'pass', reason };
  const words = new Set([...text.matchAll(/\b(pass|fail)(?:ed|es)?\b/gi)].map((m) => m[1]!.toLowerCase()));
  if (words.size !== 1) return null;
  return { pass: words.has('pass'), reason };
}

type Structured = JudgeVerdict | 'fallback';

/** Clients whose endpoint rejected response_format: the rest of the run asks them in plain text only. */
const noStructuredOutput = new WeakSet<LlmClient>();

async function structured(
  client: LlmClient,
  spec: JudgeScorerSpec,
  shown: JudgeInput,
  taskModel: string,
): Promise<Structured> {
  const request = judgeRequest(spec, shown, taskModel, true);
  try {
    if (spec.scale === 'pass-fail') {
      const { value, result } = await client.parse(request, PassFailVerdict, JUDGE_SCHEMA_NAME);
      const pass = verdictOf(spec, { pass: value.verdict === 'pass' });
      return { pass, reason: shortReason(value.reason), cached: result.cached };
    }
    const { value, result } = await client.parse(request, ScoreVerdict, JUDGE_SCHEMA_NAME);
    const pass = verdictOf(spec, { score: value.score });
    return { pass, reason: shortReason(value.reason), score: value.score, cached: result.cached };
  } catch (error) {
    if (!(error instanceof LlmError)) throw error;
    // Only a reply the schema could not hold (or an endpoint without response_format) is worth
    // asking again in plain text; a transport failure or a refused budget is the example's error.
    const unsupported = error.kind === 'http' && error.status === 400;
    if (unsupported) noStructuredOutput.add(client);
    if (unsupported || ['invalid', 'refusal', 'length'].includes(error.kind)) return 'fallback';
    throw error;
  }
}

async function plain(
  client: LlmClient,
  spec: JudgeScorerSpec,
  shown: JudgeInput,
  taskModel: string,
): Promise<JudgeVerdict> {
  const request = judgeRequest(spec, shown, taskModel, false);
  const model = request.model;
  const result = await client.chat(request);
  if (result.refusal !== undefined) {
    throw new LlmError('refusal', `judge ${model} refused to grade: ${shortReason(result.refusal)}`);
  }
  const grade = parseJudgeText(spec.scale, result.text);
  if (grade === null) {
    const seen = JSON.stringify(result.text.slice(0, 80));
    throw new LlmError('invalid', `judge ${model} gave no ${spec.scale} grade: ${seen}`);
  }
  const verdict: JudgeVerdict = {
    pass: verdictOf(spec, grade),
    reason: shortReason(grade.reason),
    cached: result.cached,
  };
  if (grade.score !== undefined) verdict.score = grade.score;
  return verdict;
}

/**
 * Grades one output. Throws LlmError when the judge gives no grade (after retries, the plain-text
 * retry, or a ceiling refusal): the caller makes that example an error, never a pass or a fail.
 */
export async function judge(
  client: LlmClient,
  spec: JudgeScorerSpec,
  shown: JudgeInput,
  taskModel: string,
): Promise<JudgeVerdict> {
  if (noStructuredOutput.has(client)) return plain(client, spec, shown, taskModel);
  const first = await structured(client, spec, shown, taskModel);
  return first === 'fallback' ? plain(client, spec, shown, taskModel) : first;
}
