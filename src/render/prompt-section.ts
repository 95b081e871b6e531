// One prompt's folded section of the summary, at three levels of detail so the whole comment can
// shrink to fit GitHub's size limit: 0 = everything, 1 = flipped examples reduced to counts, 2 = the
// verdict, the table and whether there is a suggestion.
import type { GatePolicy, PromptReview, SplitComparison, Suggestion } from '../review/model.js';
import { failuresText } from '../eval/format.js';
import { codeSpan, escapeInline, htmlText } from './escape.js';
import { DASH, costLine, deltaCell, pct, powerNote, pText, pValue, rowVerdict, signedPp } from './figures.js';
import { flippedLines } from './flipped.js';
import { judgingLines } from './judging.js';
import { type SuggestionDelivery, suggestionLines } from './suggestion-section.js';
import { verdictWord } from './verdicts.js';

export type Detail = 0 | 1 | 2;

function statusLine(p: PromptReview): string {
  switch (p.status) {
    case 'added':
      return 'added (new prompt: no base version to compare with)';
    case 'renamed':
      return `renamed from ${codeSpan(p.previousPath ?? '?')}`;
    case 'removed':
      return 'deleted; not evaluated';
    case 'reevaluated':
      return `re-evaluated because ${escapeInline(p.reason ?? 'its inputs changed', 300)}`;
    default:
      return 'modified';
  }
}

/** The gate's own sentence, behind the prompt's verdict word. */
function verdictLine(p: PromptReview): string {
  const verdict = escapeInline(p.verdict, 400);
  if (p.regressed) return `❌ **regression**: ${verdict}`;
  return `${verdictWord(p).icon} ${verdict}`;
}

const showSuggestion = (s: Suggestion | undefined): s is Suggestion => !!s && !s.withheld;

/** At most 7 columns, each short enough that the table fits the PR column (880 px) without wrapping. */
function table(p: PromptReview, gate: GatePolicy): string[] {
  const sug = showSuggestion(p.suggestion) ? p.suggestion : undefined;
  const head = ['split', 'n', 'base → head', 'Δ pp [95 % CI]', 'p', 'reading'];
  const align = ['---', '--:', '--:', '--:', '--:', '---'];
  if (sug) {
    head.push('suggested (Δ vs head)');
    align.push('--:');
  }
  const rows = [head, align, ...p.splits.map((s) => row(s, gate, sug))];
  const out = [rows.map((cells) => `| ${cells.join(' | ')} |`).join('\n')];
  const notes = p.splits.flatMap((s) =>
    s.paired && s.paired.n > 0 && rowVerdict(s.paired, gate).includes('inconclusive')
      ? [powerNote(s.split, s.paired, gate)]
      : [],
  );
  if (sug) notes.push(suggestedNote(p, sug));
  if (notes.length > 0) out.push(notes.join('\\\n'));
  return out;
}

/** What the suggested column is, with the paired test of each split against head (too long for a cell). */
function suggestedNote(p: PromptReview, sug: Suggestion): string {
  const tests = p.splits.flatMap((s) => {
    const vs = sug.vsHead[s.split];
    return vs && vs.n > 0 ? [`${s.split} ${pText(vs.pValue)}`] : [];
  });
  const paired = tests.length > 0 ? ` (paired test: ${tests.join(', ')})` : '';
  return `_suggested_: the optimizer’s prompt, scored on the same examples; Δ in pp against head${paired}.`;
}

function row(s: SplitComparison, gate: GatePolicy, sug: Suggestion | undefined): string[] {
  const side = s.head ?? s.base;
  const n = s.paired ? s.paired.n : side ? side.total - side.errors : 0;
  const paired = s.paired && s.paired.n > 0 ? s.paired : null;
  const cells = [
    s.split,
    String(n),
    `${pct(s.base?.accuracy)} → ${pct(s.head?.accuracy)}`,
    deltaCell(paired),
    paired ? pValue(paired.pValue) : DASH,
    rowVerdict(s.paired, gate),
  ];
  if (sug) {
    const vs = sug.vsHead[s.split];
    const acc = pct(sug.splits[s.split]?.accuracy);
    cells.push(vs && vs.n > 0 ? `${acc} (${signedPp(vs.delta)})` : acc);
  }
  return cells;
}

/** Every split's base and head summary, in table order. */
const sides = (p: PromptReview) =>
  p.splits.flatMap((s) => [
    { side: 'base', split: s.split, summary: s.base },
    { side: 'head', split: s.split, summary: s.head },
  ]);

/** Answers the table counts as wrong because the prompt made them unusable: the reader must see why. */
function failureLines(p: PromptReview): string[] {
  const parts = sides(p).flatMap(({ side, split, summary }) => {
    const text = failuresText(summary?.failures);
    return text ? [`${side} ${split}: ${text}`] : [];
  });
  return parts.length > 0 ? [`⚠️ Unusable answers: ${parts.join('; ')}.`] : [];
}

/**
 * With `samples: k`: how many examples' k answers disagreed (the flakiness), and what Δ is then (the
 * net share of examples whose score rose, see eval's compareScores), so it is not read as accuracy.
 */
function samplesLines(p: PromptReview): string[] {
  const parts = sides(p).flatMap(({ side, split, summary }) =>
    summary?.samples === undefined
      ? []
      : [
          `${side} ${split}: ${summary.flaky ?? 0} of ${summary.total - summary.errors} examples gave different answers across ${summary.samples} samples`,
        ],
  );
  if (p.splits.some((s) => s.paired?.measure === 'net-improved'))
    parts.push(
      'Δ is the net share of examples whose mean score over the samples rose (improved − worsened), not an accuracy difference',
    );
  return parts.length > 0 ? [`🎲 ${parts.join('; ')}.`] : [];
}

/** The folded section's one-line title: icon, path and verdict word, as HTML text (it sits in <summary>). */
function title(p: PromptReview): string {
  const { icon, word } = verdictWord(p);
  const sug = showSuggestion(p.suggestion) ? ' · suggestion' : '';
  return `${icon} ${htmlText(p.path, 120)} — ${word}${sug}`;
}

export interface SectionArgs {
  gate: GatePolicy;
  detail: Detail;
  delivery: SuggestionDelivery;
  /** The per-step chart and its test line for this prompt's suggestion. */
  chart: (s: Suggestion) => string[];
  /** The chart of this prompt's accuracy (base, head, suggestion), under its table; may be empty. */
  figures: string;
}

export function promptSection(p: PromptReview, a: SectionArgs): string {
  const parts = [statusLine(p)];
  if (p.status !== 'removed') {
    if (p.error !== undefined) {
      parts[0] += ` · ⚠️ could not be evaluated: ${escapeInline(p.error, 600)}`;
    } else {
      parts[0] += ` · ${verdictLine(p)}`;
      parts.push(...(p.splits.length > 0 ? table(p, a.gate) : ['No split was evaluated.']));
      if (a.figures) parts.push(a.figures);
      parts.push(...failureLines(p));
      parts.push(...samplesLines(p));
      parts.push(...judgingLines(p, a.detail === 0));
      const chart = a.detail < 2 && p.suggestion ? a.chart(p.suggestion) : [];
      parts.push(...suggestionLines(p.path, p.suggestion, a.delivery, a.detail < 2, chart));
      if (a.detail < 2) parts.push(...flippedLines(p, a.detail === 0));
    }
    if (a.detail < 2) parts.push(`Cost: ${costLine(p.usage, p.wallMs)}`);
  }
  // Blank lines inside the tags: GitHub renders the markdown of a <details> body only when separated.
  return `<details><summary>${title(p)}</summary>\n\n${parts.join('\n\n')}\n\n</details>`;
}
