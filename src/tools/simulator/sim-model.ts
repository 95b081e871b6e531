/**
 * The simulated model's behaviour as pure functions (no I/O, no clock), so the same seed gives the same
 * answers in tests, the demo, the benchmark and CI.
 *
 * Accuracy: `quality(prompt) = clamp(base + Σ delta of the rules whose pattern occurs in the prompt, 0.02, 0.98)`,
 * where the prompt is the request text with the matched dataset input removed (so a question that happens
 * to say "guess" does not penalise itself). A pattern is a case-insensitive substring; `a|b` means either.
 * An example is answered correctly iff `hashUnit(seed, model, input) < quality`: the draw does not depend on
 * the prompt, so a better prompt is right on a superset of the examples a worse one gets right, as in
 * real paired evaluations.
 *
 * DEFAULT_SCENARIO:
 * | pattern                         | delta | rewrite replacement / addition               |
 * |---------------------------------|-------|----------------------------------------------|
 * | (base)                          | 0.40  |                                              |
 * | `step by step`                  | +0.25 | appends "Let's think step by step."          |
 * | `final answer` / `the answer is`| +0.10 | appends 'End with "The answer is <answer>."' |
 * | `check`                         | +0.10 | appends "Double-check your arithmetic."      |
 * | `guess`                         | −0.25 | replaced by "work it out step by step"       |
 * | `quickly`                       | −0.15 | replaced by "carefully"                      |
 * | `one word`                      | −0.10 | replaced by "a short sentence and then the final answer" |
 *
 * Output: a fixed-shape reasoning sentence, then `The answer is <final>.`; <final> is the target's text after
 * its last `####` (GSM8K), else the whole target, trimmed. Wrong answers are plausible: number + k (k in 1..9),
 * another option letter, the opposite of True/Yes/valid, else "unknown". A request with no known input gets
 * `I don't know.`, which every scorer counts as wrong.
 *
 * Rewrite (see rewritePrompt): replace the worst negative pattern present by its replacement; if none is
 * present, append the addition of the best positive rule that is absent to the prompt's first non-empty line.
 */
import { createHash } from 'node:crypto';
import { jsonFromSchema } from './sim-schema.js';

export interface Scenario {
  base: number;
  rules: { pattern: string; delta: number }[];
  /** Rule pattern → text. Negative rules: what replaces the pattern. Positive rules: the sentence to add. */
  replacements: Record<string, string>;
}

export const DEFAULT_SCENARIO: Scenario = {
  base: 0.4,
  rules: [
    { pattern: 'step by step', delta: 0.25 },
    { pattern: 'final answer|the answer is', delta: 0.1 },
    { pattern: 'check', delta: 0.1 },
    { pattern: 'guess', delta: -0.25 },
    { pattern: 'quickly', delta: -0.15 },
    { pattern: 'one word', delta: -0.1 },
  ],
  replacements: {
    'step by step': "Let's think step by step.",
    'final answer|the answer is': 'End with "The answer is <answer>."',
    check: 'Double-check your arithmetic.',
    guess: 'work it out step by step',
    quickly: 'carefully',
    'one word': 'a short sentence and then the final answer',
  },
};

const MIN_QUALITY = 0.02;
const MAX_QUALITY = 0.98;

// No digits, option letters or yes/no/true/false words, so they cannot leak into a scorer's extraction.
const REASONING = [
  'Reading the question carefully and combining the facts it gives.',
  'Working through the details in order.',
  'Taking each fact in turn and putting them together.',
  'Considering what the question asks and how the facts relate.',
];

const OPPOSITES: Record<string, string> = {
  true: 'false',
  false: 'true',
  yes: 'no',
  no: 'yes',
  valid: 'invalid',
  invalid: 'valid',
};

/** A plain number as targets write it: optional sign, optional thousands commas, optional decimals. */
const NUMBER = /^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/;
const CHOICE = /^\(([A-Z])\)$/i;

/** sha256 of the parts, mapped to [0, 1) with 48 bits of resolution. */
export function hashUnit(...parts: (string | number)[]): number {
  const digest = createHash('sha256').update(parts.map(String).join('\u001f')).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

export function alternatives(pattern: string): string[] {
  return pattern
    .toLowerCase()
    .split('|')
    .filter((alt) => alt.length > 0);
}

export function occurs(pattern: string, lowerText: string): boolean {
  return alternatives(pattern).some((alt) => lowerText.includes(alt));
}

export function quality(scenario: Scenario, promptText: string): number {
  const lower = promptText.toLowerCase();
  let q = scenario.base;
  for (const rule of scenario.rules) if (occurs(rule.pattern, lower)) q += rule.delta;
  return Math.min(MAX_QUALITY, Math.max(MIN_QUALITY, q));
}

/** The answer a target asks for: the text after the last `####` (GSM8K style), else the whole target. */
export function finalAnswer(target: string): string {
  const at = target.lastIndexOf('####');
  return (at >= 0 ? target.slice(at + 4) : target).trim();
}

function matchCase(word: string, like: string): string {
  if (like === like.toUpperCase()) return word.toUpperCase();
  if (like[0] === like[0]?.toUpperCase()) return word[0]!.toUpperCase() + word.slice(1);
  return word;
}

/** A plausible wrong answer; `unit` in [0, 1) picks among the candidates. */
export function wrongAnswer(final: string, unit: number, input = ''): string {
  if (NUMBER.test(final)) {
    const decimals = final.split('.')[1]?.length ?? 0;
    const value = Number(final.replaceAll(',', '')) + 1 + Math.floor(unit * 9);
    if (!final.includes(',')) return value.toFixed(decimals);
    return value.toLocaleString('en-US', {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
  }
  const choice = CHOICE.exec(final);
  if (choice) {
    const index = choice[1]!.toUpperCase().charCodeAt(0) - 65;
    // Stay within the options the question offers (A–E unless it shows more), so the answer is plausible.
    let last = 4;
    for (const m of input.matchAll(/\(([A-Z])\)/g)) last = Math.max(last, m[1]!.charCodeAt(0) - 65);
    const count = Math.max(last, index) + 1;
    const other = (index + 1 + Math.floor(unit * (count - 1))) % count;
    return `(${String.fromCharCode(65 + other)})`;
  }
  const opposite = OPPOSITES[final.toLowerCase()];
  if (opposite) return matchCase(opposite, final);
  return final.toLowerCase() === 'unknown' ? 'none' : 'unknown';
}

interface Decision {
  correct: boolean;
  /** null when the request holds no known input. */
  final: string | null;
  reasoning: string;
}

export interface SimulateArgs {
  seed: number;
  model: string;
  scenario: Scenario;
  requestText: string;
  key: { input: string; target: string } | undefined;
}

function decide({ seed, model, scenario, requestText, key }: SimulateArgs): Decision {
  if (!key) return { correct: false, final: null, reasoning: '' };
  const prompt = key.input.length > 0 ? requestText.split(key.input).join(' ') : requestText;
  const correct = hashUnit(seed, model, key.input) < quality(scenario, prompt);
  const right = finalAnswer(key.target);
  const final = correct ? right : wrongAnswer(right, hashUnit(seed, model, key.input, 'wrong'), key.input);
  const pick = Math.floor(hashUnit(seed, model, key.input, 'reasoning') * REASONING.length);
  return { correct, final, reasoning: REASONING[pick]! };
}

export function simulateAnswer(args: SimulateArgs): { text: string; correct: boolean } {
  const { correct, final, reasoning } = decide(args);
  return { text: final === null ? "I don't know." : `${reasoning} The answer is ${final}.`, correct };
}

/**
 * A JSON answer: built from `schema` (a JSON Schema, e.g. from a `json_schema` response_format) or, when
 * the schema is undefined (`json_object`), `{"answer": "<final>"}`.
 */
export function simulateJson(args: SimulateArgs, schema: unknown): { text: string; correct: boolean } {
  const { correct, final, reasoning } = decide(args);
  const shown = final ?? "I don't know.";
  const numeric = NUMBER.test(shown) ? Number(shown.replaceAll(',', '')) : 0;
  const value =
    schema === undefined
      ? { answer: shown }
      : jsonFromSchema(schema, { final: shown, reasoning: reasoning || shown, numeric });
  return { text: JSON.stringify(value), correct };
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Improves a prompt by one deterministic step of the scenario (see the file header). */
export function rewritePrompt(scenario: Scenario, prompt: string): string {
  const lower = prompt.toLowerCase();
  // Stable sort: among equally bad rules, the first listed wins.
  const worst = scenario.rules
    .filter((rule) => rule.delta < 0 && occurs(rule.pattern, lower))
    .sort((a, b) => a.delta - b.delta)[0];
  if (worst) {
    const replacement = scenario.replacements[worst.pattern] ?? '';
    let out = prompt;
    for (const alt of alternatives(worst.pattern)) {
      // Take the whole word ("Guessing" → replacement), keeping a leading capital.
      const edge = (side: string) => (/\w/.test(side) ? '\\w*' : '');
      const re = new RegExp(`${edge(alt[0]!)}${escapeRegExp(alt)}${edge(alt.at(-1)!)}`, 'gi');
      out = out.replace(re, (match) =>
        /^[A-Z]/.test(match) && replacement
          ? replacement[0]!.toUpperCase() + replacement.slice(1)
          : replacement,
      );
    }
    return out;
  }
  const addition = scenario.rules
    .filter((rule) => rule.delta > 0 && !occurs(rule.pattern, lower) && scenario.replacements[rule.pattern])
    .sort((a, b) => b.delta - a.delta)[0];
  if (!addition) return prompt;
  const sentence = scenario.replacements[addition.pattern]!;
  const lines = prompt.split('\n');
  const first = lines.findIndex((line) => line.trim().length > 0);
  if (first < 0) return sentence;
  lines[first] = `${lines[first]!.trimEnd()} ${sentence}`;
  return lines.join('\n');
}
