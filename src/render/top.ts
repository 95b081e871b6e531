// The top of the comment, meant to be read without scrolling or unfolding anything: one row per prompt
// file with its test figures, its verdict and its suggestion's test figure, then what the run cost.
import type { PromptReview, ReviewReport, Suggestion } from '../review/model.js';
import { escapeInline } from './escape.js';
import { DASH, budgetText, costLine, deltaCell, pct, signedPp } from './figures.js';
import { verdictWord } from './verdicts.js';

/** Regressions and failures are what a reader must see, so they are the last to be cut. */
export const priority = (p: PromptReview) =>
  p.regressed
    ? 0
    : p.error !== undefined || p.verdictKind === 'inconclusive'
      ? 1
      : p.status === 'removed'
        ? 3
        : 2;

const showable = (s: Suggestion | undefined): s is Suggestion => !!s && !s.withheld;

/** The suggestion's test accuracy and its paired Δ in pp against the head prompt: "80.0 % (+15.0)". */
export function suggestionCell(s: Suggestion | undefined): string {
  if (!s) return DASH;
  if (!showable(s)) return 'withheld';
  const test = s.splits.test?.accuracy;
  if (test === null || test === undefined) return DASH;
  const vs = s.vsHead.test;
  return vs && vs.n > 0 ? `${pct(test)} (${signedPp(vs.delta)})` : pct(test);
}

function row(p: PromptReview): string {
  const { icon, word } = verdictWord(p);
  const test = p.error === undefined ? p.splits.find((s) => s.split === 'test') : undefined;
  const figures = test ? `${pct(test.base?.accuracy)} → ${pct(test.head?.accuracy)}` : DASH;
  const cells = [
    // Plain text, not a code span: the monospace path alone would push the row past the PR column.
    escapeInline(p.path, 60),
    figures,
    deltaCell(test?.paired),
    // The verdict of a pairwise prompt is the judge's side-by-side preference, not the Δ beside it.
    `${icon} ${word}${p.pairwise && p.error === undefined ? ' (side by side)' : ''}`,
    suggestionCell(p.suggestion),
  ];
  return `| ${cells.join(' | ')} |`;
}

/**
 * The per-prompt rows, as many as fit in `room` (by `size`): the most important first when they do not
 * all fit, shown in the report's order, with a count of the rest.
 */
export function promptTable(report: ReviewReport, room: number, size: (s: string) => number): string {
  if (report.prompts.length === 0) return '';
  const headRows = [
    '| prompt | test base → head | Δ pp [95 % CI] | verdict | suggested (test) |',
    '| --- | --: | --: | --- | --: |',
  ];
  const rows = report.prompts.map(row);
  const order = rows
    .map((_, i) => i)
    .sort((a, b) => priority(report.prompts[a]!) - priority(report.prompts[b]!));
  let used = size(headRows.join('\n')) + 80;
  const keep = new Set<number>();
  for (const i of order) {
    const cost = size(rows[i]!) + 1;
    if (used + cost > room) break;
    used += cost;
    keep.add(i);
  }
  const shown = rows.filter((_, i) => keep.has(i));
  const more = rows.length - shown.length;
  const tail =
    more > 0 ? `\n\n… and ${more} more prompt${more === 1 ? '' : 's'} not listed in this table.` : '';
  return `${[...headRows, ...shown].join('\n')}${tail}`;
}

/** Requests, cache hits, tokens and wall time of the whole run, and what it used of the ceilings. */
export function runCostLine(report: ReviewReport): string {
  const budget = report.budget ? budgetText(report.budget) : '';
  return `Cost: ${costLine(report.usage, report.wallMs)}${budget ? ` · ${budget}` : ''}.`;
}
