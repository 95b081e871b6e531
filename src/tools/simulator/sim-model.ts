/**
 * The simulated TASK model's behaviour as pure functions (no I/O, no clock), so the same seed gives the
 * same answers in tests, the demo, the benchmark and CI. Its rules (patterns, deltas, symptoms) are in
 * sim-scenario.ts.
 *
 * Accuracy: `quality(prompt) = clamp(base + Σ delta of the rules whose pattern occurs in the prompt, 0.02, 0.98)`,
 * where the prompt is the request text with the matched dataset input removed (so a question that happens
 * to say "guess" does not penalise itself). An example is answered correctly iff the prompt quotes
 * the first `fragmentWords` (default 6) words of its input, or `hashUnit(seed, model, input) < quality`.
 * The draw does not depend on the prompt, so a better prompt is right on a superset of the examples a
 * worse one gets right, as in real paired evaluations. Rules can hurt (negative deltas, such as the
 * brevity a careless rewrite adds). The quoting rule helps only the examples quoted: the simulated
 * optimizer quotes failures it was shown, which are search examples, so such a prompt gains on search
 * and not on validation or test (overfitting, as a real prompt full of example-specific hints does).
 *
 * Output: a reasoning sentence, then `The answer is <final>.` (a free-text target, such as a reply to a
 * support ticket, gets a reply instead: sim-reply.ts); <final> is the target's text after its
 * last `####` (GSM8K), else the whole target, trimmed. A wrong answer's sentence is the symptom of the
 * rule that explains it: with draw u, the first fix of fixesFor (worst negative present first, then the
 * best positive absent) whose delta, added to the raw quality in turn, would lift it above u; a wrong
 * answer no single fix explains reads like a right one (a slip). So the failures show which rule is at
 * fault, and only the failures do. Wrong answers are plausible: number + k (k in 1..9), another option
 * letter, the opposite of True/Yes/valid, else "unknown". A request with no known input gets
 * `I don't know.`, which every scorer counts as wrong.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_SCENARIO, fixesFor, quotesInput, rawQuality, type Scenario } from './sim-scenario.js';
import { deficientReply, isFreeText } from './sim-reply.js';
import { jsonFromSchema } from './sim-schema.js';

export { DEFAULT_SCENARIO, type Scenario };

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

export function quality(scenario: Scenario, promptText: string): number {
  return Math.min(MAX_QUALITY, Math.max(MIN_QUALITY, rawQuality(scenario, promptText)));
}

/** The rule whose fix would have made an answer with draw `u` right (see the header), or null. */
export function causeOf(scenario: Scenario, prompt: string, u: number) {
  let q = rawQuality(scenario, prompt);
  for (const rule of fixesFor(scenario, prompt)) {
    q += Math.abs(rule.delta);
    if (u < Math.min(MAX_QUALITY, Math.max(MIN_QUALITY, q))) return rule;
  }
  return null;
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
  /** The answer is prose (sim-reply.ts): `final` is the whole reply, with no reasoning around it. */
  prose?: boolean;
}

export interface SimulateArgs {
  seed: number;
  model: string;
  scenario: Scenario;
  requestText: string;
  key: { input: string; target: string } | undefined;
  /** The request's temperature and seed, if any (see drawSeed). */
  sampling?: { seed: number | null; temperature: number };
}

/**
 * The seed an answer is drawn with. Sampled (temperature t > 0 and a request seed), a share t/4
 * of requests draw anew, so repeated samples of an example can disagree; a greedy or unseeded request
 * keeps the example's one draw, as it always had.
 */
function drawSeed(seed: number, model: string, input: string, sampling: SimulateArgs['sampling']) {
  if (!sampling || sampling.temperature <= 0 || sampling.seed === null) return seed;
  const redraw = hashUnit(seed, model, input, 'resample', sampling.seed) < sampling.temperature / 4;
  return redraw ? `${seed}/${sampling.seed}` : seed;
}

function decide({ seed: simSeed, model, scenario, requestText, key, sampling }: SimulateArgs): Decision {
  if (!key) return { correct: false, final: null, reasoning: '' };
  const seed = drawSeed(simSeed, model, key.input, sampling);
  const prompt = key.input.length > 0 ? requestText.split(key.input).join(' ') : requestText;
  const u = hashUnit(seed, model, key.input);
  // Only when the input was found and cut out: otherwise the request still holds the input itself
  // (a key matched loosely, e.g. after the client normalised its bytes), which would quote it.
  const cut = key.input.length > 0 && requestText.includes(key.input);
  const quoted = cut && quotesInput(prompt, key.input, scenario.fragmentWords ?? 0);
  const correct = quoted || u < quality(scenario, prompt);
  const right = finalAnswer(key.target);
  const cause = correct ? null : causeOf(scenario, prompt, u);
  const wrongUnit = hashUnit(seed, model, key.input, 'wrong');
  if (isFreeText(right)) {
    const reply = correct ? right : deficientReply(right, cause, wrongUnit);
    return { correct, final: reply, reasoning: '', prose: true };
  }
  const final = correct ? right : wrongAnswer(right, wrongUnit, key.input);
  const pick = Math.floor(hashUnit(seed, model, key.input, 'reasoning') * REASONING.length);
  return { correct, final, reasoning: cause?.symptom ?? REASONING[pick]! };
}

export function simulateAnswer(args: SimulateArgs): { text: string; correct: boolean } {
  const { correct, final, reasoning, prose } = decide(args);
  if (final === null) return { text: "I don't know.", correct };
  return { text: prose ? final : `${reasoning} The answer is ${final}.`, correct };
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
