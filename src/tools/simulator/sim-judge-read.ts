/**
 * How the simulated judge reads a request and what it can check, as a model would: from what it is sent.
 *
 * - Which judge: a json_schema named `lpo_judge` (rubric, pointwise) or `lpo_pairwise`, else the last
 *   user message holding the tagged sections of prompts/judge-rubric.md (`<rubric>`, `<output>`) or
 *   prompts/judge-pairwise.md (`<rubric>`, `<answer_a>`, `<answer_b>`) and a reply line to fill in
 *   ("Verdict:"/"Score:" or "Winner:"). Neither: not a judge request.
 * - The scale: `score` among the schema's properties, or a "Score:" line asked for, means 1-5; else
 *   pass-fail.
 * - The sections: the text between a line `<name>` and a line `</name>`; a section that is absent or
 *   empty is null (information the request lost). A reference of `(none)` is no reference.
 *
 * What is checked (rubricChecks): each phrase the rubric quotes ("…", “…” or `…`) must be in the output
 * (case and spacing aside); a reference's final answer (after its last `####`, else the whole reference
 * when it is at most 3 words) must be in the output as a whole token, and a longer reference must have
 * at least half of its content words in the output. With nothing to check, the output must address
 * the input: not empty, not "I don't know", and sharing a content word with it.
 */
import { embeddingWords } from './sim-embeddings.js';
import { finalAnswer } from './sim-model.js';
import type { SimRequest } from './sim-request.js';

export type JudgeKind = 'judge' | 'pairwise';
export type Scale = 'pass-fail' | '1-5';

export interface JudgeView {
  kind: JudgeKind;
  json: boolean;
  scale: Scale;
  rubric: string | null;
  input: string | null;
  /** Pointwise: [output]; pairwise: [answer A, answer B]. Null where the section was lost. */
  outputs: (string | null)[];
  /** Null when the request says there is none; undefined when its section was lost. */
  reference: string | null | undefined;
}

export interface Check {
  /** What the check asks for, as a reason names it. */
  what: string;
  ok: boolean;
}

const lastUser = (request: SimRequest) => request.messages.findLast((m) => m.role === 'user')?.content ?? '';

/** The text of section `name` (see the header), or null when it is absent or empty. */
export function section(text: string, name: string): string | null {
  const re = new RegExp(`^[ \\t]*<${name}>[ \\t]*\\n([\\s\\S]*?)\\n?^[ \\t]*</${name}>[ \\t]*$`, 'm');
  const body = re.exec(text)?.[1]?.trim();
  return body ? body : null;
}

function schemaProperties(request: SimRequest): string[] {
  const format = request.responseFormat;
  if (format.type !== 'json_schema' || typeof format.schema !== 'object' || format.schema === null) return [];
  const properties = (format.schema as { properties?: unknown }).properties;
  return typeof properties === 'object' && properties !== null ? Object.keys(properties) : [];
}

function requestedKind(request: SimRequest, text: string): JudgeKind | null {
  const format = request.responseFormat;
  if (format.type === 'json_schema') {
    if (format.name === 'lpo_judge') return 'judge';
    if (format.name === 'lpo_pairwise') return 'pairwise';
    return null;
  }
  if (!/^[ \t]*<rubric>/m.test(text)) return null;
  if (/^[ \t]*<output>/m.test(text) && /\b(?:Verdict|Score):/i.test(text)) return 'judge';
  if (/^[ \t]*<answer_a>/m.test(text) && /\bWinner:/i.test(text)) return 'pairwise';
  return null;
}

export const isJudgeRequest = (request: SimRequest) => requestedKind(request, lastUser(request)) !== null;

/** The judge request's view, or null when the request is not one (see the header). */
export function readJudgeRequest(request: SimRequest): JudgeView | null {
  const text = lastUser(request);
  const kind = requestedKind(request, text);
  if (kind === null) return null;
  const json = request.responseFormat.type === 'json_schema';
  const scored = json ? schemaProperties(request).includes('score') : /\bScore:/i.test(text);
  const reference = section(text, 'reference');
  return {
    kind,
    json,
    scale: kind === 'judge' && scored ? '1-5' : 'pass-fail',
    rubric: section(text, 'rubric'),
    input: section(text, 'input'),
    outputs:
      kind === 'judge' ? [section(text, 'output')] : [section(text, 'answer_a'), section(text, 'answer_b')],
    reference: reference === null ? undefined : reference === '(none)' ? null : reference,
  };
}

const normalise = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();
const QUOTED = /"([^"\n]{1,80})"|“([^”\n]{1,80})”|`([^`\n]{1,80})`/g;

/** The phrases a rubric quotes as required. */
export function quotedPhrases(rubric: string): string[] {
  return [...rubric.matchAll(QUOTED)].map((m) => (m[1] ?? m[2] ?? m[3])!.trim()).filter(Boolean);
}

function containsToken(output: string, token: string): boolean {
  const escaped = normalise(token).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u').test(normalise(output));
}

function referenceCheck(output: string, reference: string): Check {
  const final = finalAnswer(reference);
  if (reference.includes('####') || final.split(/\s+/).length <= 3) {
    return { what: `the reference's answer ${final}`, ok: containsToken(output, final) };
  }
  const words = new Set(embeddingWords(reference));
  const said = new Set(embeddingWords(output));
  const shared = [...words].filter((w) => said.has(w)).length;
  return { what: 'the content of the reference', ok: shared * 2 >= words.size };
}

/** The checks an output is graded by (see the header); never empty. */
export function rubricChecks(
  rubric: string,
  input: string,
  output: string,
  reference: string | null | undefined,
): Check[] {
  const said = normalise(output);
  const checks: Check[] = quotedPhrases(rubric).map((phrase) => ({
    what: `"${phrase}"`,
    ok: said.includes(normalise(phrase)),
  }));
  if (reference) checks.push(referenceCheck(output, reference));
  if (checks.length > 0) return checks;
  const asked = new Set(embeddingWords(input));
  const addressed =
    said.length > 0 && !/\bi don'?t know\b/.test(said) && embeddingWords(output).some((w) => asked.has(w));
  return [{ what: 'an answer to the input', ok: addressed }];
}

/** The share of checks an output passes, from 0 to 1. */
export const checkShare = (checks: Check[]) => checks.filter((c) => c.ok).length / checks.length;
