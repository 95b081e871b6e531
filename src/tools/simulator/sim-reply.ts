/**
 * The simulated task model's answers when the target is free text (a reply, a summary) rather than a
 * value to match: "<reasoning> The answer is <final>." would be absurd there.
 *
 * - Free text: the target (after its last `####`, if any) has more than FREE_TEXT_WORDS words.
 * - A right answer is the reference itself, so it meets whatever a rubric checks that the reference
 *   meets, and the reference check.
 * - A wrong answer is deficient the way its cause says (sim-model.ts causeOf): for a positive rule whose
 *   pattern occurs in sentences of the reference (the apology, the next step), the reference without
 *   those sentences, the rule's symptom in place of the first; otherwise a curt line: the rule's
 *   symptom, or, with no single rule to blame (a slip), a generic line that names no rule. A curt line
 *   shares almost no words with the reference, so a reference check fails it.
 */
import { occurs, type Rule } from './sim-scenario.js';

/** More words than a value or a short phrase: a sentence or more of prose. */
export const FREE_TEXT_WORDS = 12;

// No symptom of any scenario, so a slip points the simulated optimizer at no rule.
const SLIP_REPLIES = [
  'Thanks for reaching out. We will check and reply soon.',
  'Thank you, this has been passed on to the right team.',
  'We are looking into it and will be in touch.',
];

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

export function isFreeText(final: string): boolean {
  return words(final) > FREE_TEXT_WORDS;
}

/** Sentences, each with its closing punctuation; a line break also ends one. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A plausible but deficient reply to `reference` (see the header); `unit` in [0, 1) picks a slip line. */
export function deficientReply(reference: string, cause: Rule | null, unit: number): string {
  if (cause && cause.delta > 0) {
    const parts = sentences(reference);
    const missing = parts.map((s) => occurs(cause.pattern, s.toLowerCase()));
    const first = missing.indexOf(true);
    if (first >= 0 && missing.some((m) => !m)) {
      const kept = parts.map((s, i) => (i === first ? (cause.symptom ?? '') : missing[i] ? '' : s));
      return kept.filter(Boolean).join(' ');
    }
  }
  if (cause?.symptom) return cause.symptom;
  return SLIP_REPLIES[Math.floor(unit * SLIP_REPLIES.length)]!;
}
