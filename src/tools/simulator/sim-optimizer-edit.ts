/**
 * The simulated optimizer's proposals: new text for tagged spans (`edits`) and whole prompts
 * (`prompts`). What a proposal fixes comes from what the request holds (see sim-optimizer.ts):
 * - a rule is fixed with its exact wording only when the request's analysis names it and its failures
 *   show its symptom (a span also needs its own reason to name it); named without evidence, it gets the
 *   vague wording; a span with no usable reason, or a request with neither failures nor analysis, gets
 *   a paraphrase;
 * - a whole rewrite without the request template writes example-specific hints instead of a fix; with
 *   it, version 1 applies every confirmed fix and later ones one each (and drop the sentences an
 *   analysis said could go); with none confirmed, the vague wording of a named rule, else "Be clear
 *   and precise." or the careless addition;
 * - among a request's versions, some add a hint quoting a shown failure (3 in 20), some add the
 *   careless "Keep it brief." (1 in 10), some delete a bad word instead of replacing it where the
 *   sentence stays whole without it (3 in 20);
 * - what it writes reads right in place (sim-optimizer-sentence.ts): a span's new text is written for
 *   the text around it, a sentence goes only where a span meets a sentence boundary (after the span
 *   when it ends a sentence, before it when it starts one), and a fix already said is not said again;
 * - as many versions as "Write N" says (at most 12), else 10.
 */
import type { OptimizerView, TagReason } from './sim-optimizer-read.js';
import {
  addSentence,
  applyFix,
  applyVague,
  carelessAddition,
  dropSentence,
  hint,
  paraphrase,
} from './sim-optimizer-text.js';
import { type Around, dropWords, fixWords, insertSentence } from './sim-optimizer-sentence.js';
import { occurs, type Rule, type Scenario, wordAt } from './sim-scenario.js';

/** Versions written when the request does not say how many: more than the optimizer ever asks for. */
export const UNTOLD_COUNT = 10;
const MAX_COUNT = 12;

export type Draw = (...parts: (string | number)[]) => number;

export const versionCount = (view: OptimizerView) => Math.min(MAX_COUNT, view.count ?? UNTOLD_COUNT);

/** Rules the failures show, most shown first (larger effect first among equals). */
export function ranked(view: OptimizerView): Rule[] {
  return [...view.evidence.entries()]
    .sort((a, b) => b[1] - a[1] || Math.abs(b[0].delta) - Math.abs(a[0].delta))
    .map(([rule]) => rule);
}

/** Rules both named by an analysis and shown by the failures: the ones a proposal fixes exactly. */
export const confirmed = (view: OptimizerView) => ranked(view).filter((r) => view.analysis.has(r));

/** Whether the request asks for a fix it can act on (failures or an analysis), not a variation. */
export const improving = (view: OptimizerView) =>
  !view.paraphrase && (view.failures.length > 0 || view.analysis.size > 0);

/** A version's extra sentence, if any: an example-specific hint, a careless addition. */
function extraSentence(scenario: Scenario, view: OptimizerView, u: number): string | null {
  if (u < 0.15) return hint(view, u / 0.15);
  return u < 0.25 ? carelessAddition(scenario) : null;
}

/** A version's extras: an example-specific hint, a careless addition, or nothing. */
function extra(scenario: Scenario, view: OptimizerView, text: string, u: number): string {
  const sentence = extraSentence(scenario, view, u);
  return sentence && !text.includes(sentence) ? addSentence(text, sentence) : text;
}

function reasonFor(view: OptimizerView, span: string, i: number): TagReason | undefined {
  return view.tagReasons.find((r) => r.span.trim() === span.trim()) ?? view.tagReasons[i];
}

/** What each tagged span of the request's prompt sits between, tags removed. */
function surroundings(view: OptimizerView): Around[] {
  const tagged = view.prompt ?? '';
  const untag = (text: string) => text.replace(/<\/?edit>/g, '');
  return [...tagged.matchAll(/<edit>[\s\S]*?<\/edit>/g)].map((m) => ({
    before: untag(tagged.slice(0, m.index)),
    after: untag(tagged.slice(m.index + m[0].length)),
  }));
}

/** `written`: the new texts of the version's earlier spans, which a fix must not repeat. */
function spanText(
  view: OptimizerView,
  span: string,
  i: number,
  u: number,
  around: Around,
  written: string,
): string {
  const reason = reasonFor(view, span, i);
  if (reason?.drop) return '';
  const rules = reason?.rules ?? [];
  if (!improving(view) || rules.length === 0) return paraphrase(span, u, around);
  let out = span;
  // The culprits first, so that an added sentence is not one a replacement already says.
  for (const rule of [...rules].sort((a, b) => a.delta - b.delta)) {
    const exact = view.analysis.has(rule) && view.evidence.has(rule);
    // A sentence goes where the span meets a sentence boundary; inside a sentence it cannot go.
    // Nor is it written twice: another fix may already have said it.
    if (exact && rule.delta > 0) {
      const said = occurs(rule.pattern, [around.before, out, around.after, written].join(' ').toLowerCase());
      if (!said) out = insertSentence(out, rule.fix ?? '', around) ?? out;
    } else if (exact && wordAt(out, rule.pattern)) {
      // Dropping the word is a fix too, and a smaller edit, where the sentence stays whole without it.
      const dropped = u >= 0.25 && u < 0.4 ? dropWords(out, rule) : null;
      out = dropped ?? fixWords(out, rule, around);
    } else out = insertSentence(out, rule.vague ?? '', around) ?? out;
  }
  return out;
}

/** `edits`: one new text per tagged span, for each version. */
export function spanVersions(
  scenario: Scenario,
  view: OptimizerView,
  spans: string[],
  draw: Draw,
): string[][] {
  const around = surroundings(view);
  return Array.from({ length: versionCount(view) }, (_, v) => {
    const u = draw('version', v);
    const texts: string[] = [];
    spans.forEach((span, i) => {
      texts.push(spanText(view, span, i, draw('span', v, i), around[i]!, texts.join(' ')));
    });
    let sentence = improving(view) ? extraSentence(scenario, view, u) : null;
    if (sentence && texts.concat(around.map((a) => a.after)).some((t) => t.includes(sentence!)))
      sentence = null;
    // The extra sentence goes into the last span that meets a sentence boundary.
    for (let i = texts.length - 1; sentence && i >= 0; i--) {
      const placed = insertSentence(texts[i]!, sentence, around[i]!);
      if (placed !== null) {
        texts[i] = placed;
        break;
      }
    }
    return texts;
  });
}

function improvedWhole(
  scenario: Scenario,
  view: OptimizerView,
  prompt: string,
  v: number,
  u: number,
): string {
  if (!view.template) {
    // Without the template the examples read as part of the task: hints about them, not a fix.
    return addSentence(prompt, hint(view, u) ?? 'Read each question carefully.');
  }
  let out = prompt;
  for (const sentence of view.drops) out = dropSentence(out, sentence);
  const fixes = confirmed(view);
  const named = [...view.analysis].filter((r) => !fixes.includes(r));
  if (fixes.length === 0) {
    const vague = named[v % Math.max(1, named.length)];
    if (vague) return applyVague(out, vague);
    return addSentence(out, v % 2 === 0 ? 'Be clear and precise.' : carelessAddition(scenario));
  }
  // Version 0 applies every confirmed fix; later ones one fix each, in turn.
  const chosen = v === 0 ? fixes : [fixes[(v - 1) % fixes.length]!];
  // The culprits first: a replacement may already say what an added sentence would.
  for (const rule of [...chosen].sort((a, b) => a.delta - b.delta)) out = applyFix(out, rule);
  return extra(scenario, view, out, u);
}

/** `prompts`: whole versions of the prompt. */
export function wholeVersions(scenario: Scenario, view: OptimizerView, prompt: string, draw: Draw): string[] {
  return Array.from({ length: versionCount(view) }, (_, v) => {
    const u = draw('version', v);
    return improving(view) ? improvedWhole(scenario, view, prompt, v, u) : paraphrase(prompt, u);
  });
}
