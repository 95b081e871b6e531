// Verdicts for one model output against one target. Pure: the only state is a cache of compiled
// regexes, which does not change any result. The target goes through the same extraction as the
// output, so a GSM8K target `…\n#### 18` is compared as `18`.

import { ConfigError } from '../core/errors.js';
import { tooDeepAt } from '../core/nesting.js';
import { compileLinear, type LinearRegex, whyNot } from '../core/linear-regex.js';
import type { ScorerSpec } from '../core/types.js';
import { extractAnswer, normalizeText, parseNumber } from './extract.js';

export interface ScoreResult {
  correct: boolean;
  /** What was taken from the output and compared (the whole trimmed output for contains/startsWith/endsWith). */
  extracted: string;
}

/** Relative tolerance for numeric equality: absorbs float noise (`0.1 + 0.2`), not rounding (`0.33` ≠ `1/3`). */
const RELATIVE_TOLERANCE = 1e-6;
/** Starts of `{` tried by the json scorer; each try scans the rest of the output once, so this bounds the work. */
const MAX_JSON_CANDIDATES = 8;

/** Scorers that ask a model (judge, similarity: see judge.ts, similarity.ts); the rest are pure matches. */
export type ModelGradedSpec = Extract<ScorerSpec, { type: 'judge' | 'similarity' }>;

export function isModelGraded(spec: ScorerSpec): spec is ModelGradedSpec {
  return spec.type === 'judge' || spec.type === 'similarity';
}

export function score(spec: ScorerSpec, output: string, target: string): ScoreResult {
  const expected = extractAnswer(target);
  switch (spec.type) {
    case 'exact': {
      const extracted = extractAnswer(output);
      return { correct: sameText(extracted, expected), extracted };
    }
    case 'numeric': {
      const extracted = extractAnswer(output);
      return { correct: sameNumber(parseNumber(extracted), parseNumber(expected)), extracted };
    }
    case 'choice':
      return scoreChoice(extractAnswer(output), expected);
    // contains/startsWith/endsWith come from .prompt.yml evaluators, which look at the whole output:
    // the target may sit anywhere in it, not only after an answer cue.
    case 'contains':
    case 'startsWith':
    case 'endsWith': {
      const extracted = output.trim();
      const haystack = normalizeText(extracted);
      const needle = normalizeText(expected);
      const correct =
        needle !== '' &&
        (spec.type === 'contains'
          ? haystack.includes(needle)
          : spec.type === 'startsWith'
            ? haystack.startsWith(needle)
            : haystack.endsWith(needle));
      return { correct, extracted };
    }
    case 'regex':
      return scoreRegex(spec.pattern, spec.flags, extractAnswer(output), expected);
    case 'json':
      return scoreJson(spec.field, output, expected);
    case 'judge':
    case 'similarity':
      // They ask a model, so they are asynchronous: see grade.ts. Reaching here is a bug.
      throw new Error(`scorer "${spec.type}" is model-graded: score it with gradeOutput`);
    default:
      throw unknownType(spec);
  }
}

/** Throws ConfigError for a spec that cannot score anything (bad regex, bad json field path). */
export function validateScorer(spec: ScorerSpec): void {
  switch (spec.type) {
    case 'exact':
    case 'numeric':
    case 'choice':
    case 'contains':
    case 'startsWith':
    case 'endsWith':
    case 'judge':
    case 'similarity':
      return;
    case 'regex':
      compileRegex(spec.pattern, spec.flags);
      return;
    case 'json':
      fieldPath(spec.field);
      return;
    default:
      throw unknownType(spec);
  }
}

function unknownType(spec: never): ConfigError {
  const type = (spec as { type?: unknown }).type;
  return new ConfigError(
    `Unknown scorer type ${JSON.stringify(type)}: expected exact, numeric, choice, contains, startsWith, endsWith, regex, json, judge or similarity`,
  );
}

function sameText(a: string, b: string): boolean {
  const target = normalizeText(b);
  return target !== '' && normalizeText(a) === target;
}

function sameNumber(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return false;
  return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

/** `(A)`, `A`, `A)`, `A.`, `option B` at the start, else the last `(X)` anywhere (the whole-output fallback). */
function optionLetter(answer: string): string | null {
  const leading = /^(?:(?:option|choice)\s*)?(?:\(([a-z])\)|([a-z])(?:[.):]|$))/i.exec(answer);
  if (leading) return (leading[1] ?? leading[2])!.toUpperCase();
  let last: string | null = null;
  for (const m of answer.matchAll(/\(([a-z])\)/gi)) last = m[1]!;
  return last === null ? null : last.toUpperCase();
}

/** Targets that are not a bare option (BBH's `Yes`, `valid`, `Monsters, Inc`) fall back to exact matching. */
function scoreChoice(extracted: string, expected: string): ScoreResult {
  const targetIsOption = /^\(?[a-z]\)?$/i.test(expected.trim());
  if (!targetIsOption) return { correct: sameText(extracted, expected), extracted };
  return { correct: optionLetter(extracted) === optionLetter(expected.trim()), extracted };
}

const compiled = new Map<string, LinearRegex>();

/** Patterns come from the config, which a pull request controls: they run on RE2, in linear time. */
function compileRegex(pattern: string, flags = ''): LinearRegex {
  const key = `${flags}/${pattern}`;
  const hit = compiled.get(key);
  if (hit) return hit;
  const result = compileLinear(pattern, flags);
  if (!result.ok) throw new ConfigError(`Regex scorer: ${whyNot(pattern, flags, result)}`);
  compiled.set(key, result.regex);
  return result.regex;
}

/** With a capture group, the first group that took part is compared with the target; without, a match is correct. */
function scoreRegex(
  pattern: string,
  flags: string | undefined,
  extracted: string,
  expected: string,
): ScoreResult {
  const regex = compileRegex(pattern, flags);
  // The DFA answers "no match" fastest; captures need the slower NFA, so only when there is a match.
  if (!regex.test(extracted)) return { correct: false, extracted };
  if (regex.groups === 0) return { correct: true, extracted };
  const match = regex.exec(extracted);
  const group = match?.slice(1).find((g) => g !== undefined);
  if (group === undefined) return { correct: false, extracted };
  return { correct: sameText(group, expected), extracted: group };
}

function fieldPath(field: string): string[] {
  const parts = field.split('.');
  if (field.trim() === '' || parts.some((p) => p === '')) {
    throw new ConfigError(
      `Invalid json scorer field ${JSON.stringify(field)}: expected a dot path such as "answer" or "result.answer"`,
    );
  }
  return parts;
}

function scoreJson(field: string, output: string, expected: string): ScoreResult {
  const path = fieldPath(field);
  let value: unknown = parseJsonOutput(output);
  for (const key of path) {
    if (Array.isArray(value) && /^\d+$/.test(key)) value = value[Number(key)];
    else if (typeof value === 'object' && value !== null && Object.hasOwn(value, key)) {
      value = (value as Record<string, unknown>)[key];
    } else value = undefined;
  }
  if (value === undefined || value === null) return { correct: false, extracted: '' };
  const extracted =
    typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const actualNumber = typeof value === 'number' ? value : plainNumber(extracted);
  const expectedNumber = plainNumber(expected);
  if (actualNumber !== null && expectedNumber !== null) {
    return { correct: sameNumber(actualNumber, expectedNumber), extracted };
  }
  return { correct: sameText(extracted, expected), extracted };
}

/** A string that is nothing but a number (`18`, `-3.5`, `$1,000`), so `"18"` and `18.0` agree but `"18 eggs"` is text. */
function plainNumber(s: string): number | null {
  const t = s.trim().replace(/^([-+]?)[$€£¥₹]/, '$1');
  if (!/^[-+]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)$/.test(t)) return null;
  return Number(t.replaceAll(',', ''));
}

/**
 * The output as JSON: the whole text if it parses, else the first balanced `{…}` that parses, which
 * also covers a ```json fenced block and objects wrapped in prose. Undefined when there is none.
 */
function parseJsonOutput(output: string): unknown {
  const whole = tryParse(output.trim());
  if (typeof whole === 'object' && whole !== null) return whole;
  let start = output.indexOf('{');
  for (let tries = 0; start !== -1 && tries < MAX_JSON_CANDIDATES; tries++) {
    // An unclosed `{` (a set in prose, a truncated object) may still contain a complete object.
    const end = closingBraceOutsideStrings(output, start);
    const parsed = end === -1 ? undefined : tryParse(output.slice(start, end + 1));
    if (parsed !== undefined) return parsed;
    start = output.indexOf('{', start + 1);
  }
  return undefined;
}

/** A model's answer nested past any real object is no answer (what walks it would overflow). */
function tryParse(s: string): unknown {
  if (tooDeepAt(s) !== -1) return undefined;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}

/** The `}` matching the `{` at `start`, skipping braces inside JSON strings; -1 if it never closes. */
function closingBraceOutsideStrings(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}
