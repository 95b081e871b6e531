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
 *   careless "Keep it brief." (1 in 10), some delete a bad word instead of replacing it (3 in 20);
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
import { type Rule, replaceRule, type Scenario, wordAt } from './sim-scenario.js';

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

/** A version's extras: an example-specific hint, a careless addition, or nothing. */
function extra(scenario: Scenario, view: OptimizerView, text: string, u: number): string {
  if (u < 0.15) {
    const h = hint(view, u / 0.15);
    return h ? addSentence(text, h) : text;
  }
  return u < 0.25 ? addSentence(text, carelessAddition(scenario)) : text;
}

function reasonFor(view: OptimizerView, span: string, i: number): TagReason | undefined {
  return view.tagReasons.find((r) => r.span.trim() === span.trim()) ?? view.tagReasons[i];
}

function spanText(view: OptimizerView, span: string, i: number, u: number): string {
  const reason = reasonFor(view, span, i);
  if (reason?.drop) return '';
  const rules = reason?.rules ?? [];
  if (!improving(view) || rules.length === 0) return paraphrase(span, u);
  let out = span;
  for (const rule of rules) {
    const exact = view.analysis.has(rule) && view.evidence.has(rule);
    if (exact && rule.delta > 0) out = addSentence(out, rule.fix ?? '');
    else if (exact && wordAt(out, rule.pattern)) {
      // Deleting the word is a fix too, and a smaller edit.
      out = replaceRule(out, rule, u >= 0.25 && u < 0.4 ? '' : (rule.fix ?? '')).trim();
    } else out = addSentence(out, rule.vague ?? '');
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
  return Array.from({ length: versionCount(view) }, (_, v) => {
    const u = draw('version', v);
    const texts = spans.map((span, i) => spanText(view, span, i, draw('span', v, i)));
    if (improving(view) && texts.length > 0)
      texts[texts.length - 1] = extra(scenario, view, texts.at(-1)!, u);
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
  for (const rule of chosen) out = applyFix(out, rule);
  return extra(scenario, view, out, u);
}

/** `prompts`: whole versions of the prompt. */
export function wholeVersions(scenario: Scenario, view: OptimizerView, prompt: string, draw: Draw): string[] {
  return Array.from({ length: versionCount(view) }, (_, v) => {
    const u = draw('version', v);
    return improving(view) ? improvedWhole(scenario, view, prompt, v, u) : paraphrase(prompt, u);
  });
}
