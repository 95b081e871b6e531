// A prompt's suggestion in its folded section: whether it is on the pull request, what the optimizer
// spent, the changed spans with where they sit and why, and the whole suggested file as a diff.
import type { Suggestion } from '../review/model.js';
import { codeSpan, escapeInline } from './escape.js';
import { editPlaces, promptDiff } from './prompt-diff.js';

/**
 * Whether the suggestions are on the pull request: only a pull-request run that posted its review (or
 * found the same suggestions from an earlier run) may say "posted".
 */
export interface SuggestionDelivery {
  /** Prompt paths whose suggestions are on the pull request as review suggestions. */
  posted: ReadonlySet<string>;
  /** Why the others are not, as a clause: "lpo review posts nothing". */
  why: string;
}

export const NOT_POSTED: SuggestionDelivery = { posted: new Set(), why: 'this run posted no review' };

const MAX_EDITS = 20;

function budgetLine(s: Suggestion): string[] {
  if (!s.budget) return [];
  const b = s.budget;
  const n = (x: number) => x.toLocaleString('en-US');
  const tokens =
    b.maxTokens === null ? `${n(b.tokens)} tokens` : `${n(b.tokens)} of ${n(b.maxTokens)} tokens`;
  return [`Optimizer budget: ${n(b.calls)} of ${n(b.maxCalls)} requests, ${tokens}.`];
}

function editList(s: Suggestion): string {
  const places = s.headText === undefined ? [] : editPlaces(s.headText, s.fileText, s.edits);
  const list = s.edits.slice(0, MAX_EDITS).map((e, i) => {
    const where = places[i];
    const reason = e.reason.trim() ? ` — ${escapeInline(e.reason, 300)}` : '';
    const change =
      e.old === ''
        ? `${where ?? 'inserted'}: ${codeSpan(e.new, { max: 160 })}`
        : e.new === ''
          ? `${where ? `${where}: ` : ''}removed ${codeSpan(e.old, { max: 160 })}`
          : `${where ? `${where}: ` : ''}${codeSpan(e.old, { max: 160 })} → ${codeSpan(e.new, { max: 160 })}`;
    return `- ${change}${reason}`;
  });
  if (s.edits.length > MAX_EDITS) list.push(`- … and ${s.edits.length - MAX_EDITS} more`);
  return list.join('\n');
}

/**
 * `full`: with the edit list and the diff (the comment drops them first when it must shrink). `chart`
 * is the per-step chart and its test line, placed after the diff.
 */
export function suggestionLines(
  path: string,
  s: Suggestion | undefined,
  delivery: SuggestionDelivery,
  full: boolean,
  chart: string[],
): string[] {
  if (!s) return [];
  if (s.withheld) return [`No suggestion posted: ${escapeInline(s.withheld, 400)}.`, ...budgetLine(s)];
  const where = delivery.posted.has(path)
    ? 'posted as review suggestions on this pull request'
    : `not posted: ${escapeInline(delivery.why, 300)}`;
  const out = [`**Suggested prompt** (${escapeInline(s.source, 100)}): ${where}.`, ...budgetLine(s)];
  if (!full) return out;
  if (s.edits.length > 0) out.push(editList(s));
  const diff = s.headText === undefined ? '' : promptDiff(path, s.headText, s.fileText);
  if (diff) out.push(diff);
  return [...out, ...chart];
}
