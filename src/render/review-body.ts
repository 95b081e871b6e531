// The body of the submitted PR review that carries the inline suggestions: one line per prompt file,
// then the suggestions that could not be anchored on the diff, whole blocks only, within the size limit.
import type { SplitName, SplitSummary } from '../core/types.js';
import { COMMENT_LIMIT, SIMULATED_LINE } from './comment.js';
import { codeSpan, safeLink } from './escape.js';
import { pct } from './figures.js';

export const REVIEW_MARKER = '<!-- lpo-review:suggestions -->';

export interface ReviewBodyFile {
  path: string;
  /** Head prompt's figures, and the suggestion's on the same splits. */
  head: Partial<Record<SplitName, SplitSummary | null>>;
  suggested: Partial<Record<SplitName, SplitSummary>>;
  /** From buildSuggestions: markdown blocks already fenced. */
  unanchored: string[];
  /** Inline suggestions identical to ones already on the PR, not posted again. */
  skippedExisting?: number;
}

export interface ReviewBodyArgs {
  files: ReviewBodyFile[];
  simulated: boolean;
  maxChars?: number;
  jobSummaryUrl?: string;
}

function figures(f: ReviewBodyFile): string {
  const parts: string[] = [];
  for (const split of ['dev', 'test'] as const) {
    const s = f.suggested[split];
    if (s) parts.push(`${split} ${pct(f.head[split]?.accuracy)} → ${pct(s.accuracy)}`);
  }
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

export function renderReviewBody(args: ReviewBodyArgs): string {
  const budget = args.maxChars ?? COMMENT_LIMIT;
  const lines = [REVIEW_MARKER];
  let listed = 0;
  for (const f of args.files) {
    // The per-file lines are short, but a PR may touch hundreds of prompts: keep room for the diffs.
    if (lines.join('\n').length > budget / 4) break;
    listed++;
    const again = f.skippedExisting
      ? `; ${f.skippedExisting} identical suggestion(s) from an earlier run not repeated`
      : '';
    const bullet = args.files.length > 1 ? '- ' : '';
    lines.push(`${bullet}LPO suggests edits to ${codeSpan(f.path)}${figures(f)}${again}.`);
  }
  if (listed < args.files.length) lines.push(`… and ${args.files.length - listed} more prompt files.`);
  if (args.simulated) lines.push('', `> ⚠️ ${SIMULATED_LINE}`);
  let text = lines.join('\n');
  const blocks = args.files.flatMap((f) => f.unanchored);
  if (blocks.length === 0) return text;
  text += '\n\nSuggested changes that cannot be shown inline:';
  const notice = (n: number) => {
    const link = args.jobSummaryUrl ? ` (${safeLink('job summary', args.jobSummaryUrl)})` : '';
    return `\n\n… ${n} more not shown here (size limit); see the job summary${link}.`;
  };
  const reserve = notice(blocks.length).length;
  let shown = 0;
  for (const block of blocks) {
    if (text.length + block.length + 2 + reserve > budget) break;
    text += `\n\n${block}`;
    shown++;
  }
  if (shown < blocks.length) {
    text += notice(blocks.length - shown);
  }
  return text;
}
