/**
 * The texts the simulated optimizer writes into prompts: a rule's fix or vague wording, an
 * example-specific hint quoting a failure, a careless addition, a paraphrase. Pure string functions;
 * which to write when is decided in sim-optimizer.ts and sim-optimizer-edit.ts.
 */
import type { Failure, OptimizerView } from './sim-optimizer-read.js';
import {
  type Around,
  endsSentence,
  fixWords,
  NOUN_BEFORE,
  STOP,
  startsSentence,
  WHOLE,
} from './sim-optimizer-sentence.js';
import { escapeRegExp, occurs, type Rule, type Scenario, wordAt } from './sim-scenario.js';

/** Words of a failure's input an example-specific hint quotes. */
const HINT_WORDS = 8;
const HINT_ADVICE = ['take every quantity into account', 'read each number twice', 'count each item once'];

/**
 * Paraphrases a real model makes. Most keep the meaning, and the scenario's patterns list synonyms, so
 * they keep the effect too; a few lose a helpful instruction ("in order") or, by luck, a harmful one
 * ("work out").
 */
const SYNONYMS: [RegExp, string[]][] = [
  // A verb only (see `paraphrase`): "make a guess" has no verb to swap.
  [/\bguess\b/gi, ['estimate', 'guess', 'work out']],
  [/\bguessing\b/gi, ['estimating', 'guessing', 'working out']],
  [/\bquickly\b/gi, ['promptly', 'swiftly', 'quickly']],
  [/\bone word\b/gi, ['a single word', 'one word']],
  [/\bstep by step\b/gi, ['one step at a time', 'step by step', 'in order']],
  [/\bdouble-check\b/gi, ['verify', 'double-check', 'recheck']],
  [/\bthink\b/gi, ['reason', 'consider', 'think']],
  [/\bLet's\b/g, ['Let us', "Let's"]],
  [/\bfinal answer\b/gi, ['final answer', 'result', 'answer']],
  [/\bsolve\b/gi, ['work out', 'answer', 'solve']],
  [/\bcarefully\b/gi, ['with care', 'attentively', 'carefully']],
];

const capitalLike = (word: string, like: string) =>
  /^[A-Z]/.test(like) && word ? word[0]!.toUpperCase() + word.slice(1) : word;

/**
 * A variation of `text` that keeps its meaning as a model reads it; `unit` picks the words. `around`:
 * the text it sits between (a span's), so that a restatement keeps the sentence whole.
 */
export function paraphrase(text: string, unit: number, around: Around = WHOLE): string {
  let out = text;
  let changed = false;
  SYNONYMS.forEach(([re, options], k) => {
    const pick = options[Math.floor(((unit * 7919 + k * 0.618) % 1) * options.length)]!;
    out = out.replace(re, (m, offset: number, whole: string) => {
      if (/^guess$/i.test(m) && NOUN_BEFORE.test(around.before + whole.slice(0, offset))) return m;
      changed ||= pick.toLowerCase() !== m.toLowerCase();
      return capitalLike(pick, m);
    });
  });
  if (changed || out.trim() === '') return out;
  // Nothing to swap: restate it (a model asked for a variation never returns the text unchanged),
  // where the sentence allows; inside one there is no restatement that keeps it whole.
  const ends = endsSentence(out, around.after);
  const stop = /^[.!?]/.test(around.after) ? '' : '.';
  if (ends && (unit < 0.5 || !startsSentence(around.before)))
    return `${out.replace(/[.!?]?\s*$/, '')}, please${stop}`;
  return startsSentence(around.before) && /^[A-Z]/.test(out) ? `Please: ${out}` : out;
}

/** The first `HINT_WORDS` words of a failure's input, or null when it is too short to quote. */
export function fragmentOf(failure: Failure | undefined): string | null {
  const words = (failure?.input ?? '').split(/\s+/).filter(Boolean);
  return words.length > HINT_WORDS ? words.slice(0, HINT_WORDS).join(' ') : null;
}

/** An example-specific hint, as a model that cannot tell the task from its examples writes one. */
export function hint(view: OptimizerView, unit: number): string | null {
  const shown = view.hints.length > 0 ? view.hints : view.failures.map(fragmentOf).filter((f) => f !== null);
  if (shown.length === 0) return null;
  const fragment = shown[Math.floor(unit * shown.length)]!;
  const advice = HINT_ADVICE[Math.floor(((unit * 31) % 1) * HINT_ADVICE.length)]!;
  return `For example, in "${fragment}", ${advice}.`;
}

/** `text` with `sentence` added, after a full stop if needed. */
export function addSentence(text: string, sentence: string): string {
  const body = text.trimEnd();
  if (body === '') return sentence;
  return `${body}${STOP.test(body) || /:$/.test(body) ? '' : '.'} ${sentence}`;
}

/**
 * Adds `sentence` after the prompt's first non-empty line, where instructions sit; when that line
 * ends inside a sentence (a hard-wrapped one), after the first sentence that ends.
 */
export function addToFirstLine(prompt: string, sentence: string): string {
  const lines = prompt.split('\n');
  const first = lines.findIndex((line) => line.trim().length > 0);
  if (first < 0) return sentence;
  const rest = lines.slice(first + 1).join('\n');
  if (endsSentence(lines[first]!, rest === '' ? '' : `\n${rest}`)) {
    lines[first] = addSentence(lines[first]!, sentence);
    return lines.join('\n');
  }
  const stop = /[.!?](?=[ \t\n])/.exec(prompt);
  return stop
    ? `${prompt.slice(0, stop.index + 1)} ${sentence}${prompt.slice(stop.index + 1)}`
    : addSentence(prompt, sentence);
}

/** The prompt with a rule's exact fix applied (negative: its words replaced; positive: the sentence added). */
export function applyFix(prompt: string, rule: Rule): string {
  if (rule.delta < 0) return wordAt(prompt, rule.pattern) ? fixWords(prompt, rule, WHOLE) : prompt;
  return occurs(rule.pattern, prompt.toLowerCase()) ? prompt : addToFirstLine(prompt, rule.fix ?? '');
}

/** The prompt with a rule's vague wording added: the problem named, nothing in it fixed. */
export function applyVague(prompt: string, rule: Rule): string {
  return rule.vague && !prompt.includes(rule.vague) ? addToFirstLine(prompt, rule.vague) : prompt;
}

/** The sentence of `prompt` holding a rule's pattern, for a "could go" recommendation. */
export function sentenceWith(prompt: string, rule: Rule): string | null {
  for (const sentence of prompt.match(/[^.!?\n]+[.!?]?/g) ?? []) {
    if (occurs(rule.pattern, sentence.toLowerCase())) return sentence.trim();
  }
  return null;
}

/** `prompt` without `sentence` (and the space before it). */
export function dropSentence(prompt: string, sentence: string): string {
  return prompt.replace(new RegExp(`[ \\t]*${escapeRegExp(sentence)}`), '').trim() || prompt;
}

export function carelessAddition(scenario: Scenario): string {
  return scenario.careless ?? 'Be clear.';
}
