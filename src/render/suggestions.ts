// Turns a suggested prompt text into GitHub review comments with ```suggestion blocks, one per changed
// range of the head file. A range GitHub would refuse (outside the PR diff, or over the comment cap)
// goes to the review body as a ```diff block instead, so nothing the optimizer found is lost.
import { diffArrays } from 'diff';
import { COMMENT_LIMIT } from './comment.js';
import type { SpanEdit } from '../review/model.js';
import {
  codeSpan,
  defuseComments,
  escapeInline,
  fence,
  sanitize,
  showSeparators,
  truncate,
} from './escape.js';
import { type TextLines, parseSuggestion, splitLines } from './lines.js';
import { anchorable, parseHunks } from './patch.js';

export interface ReviewComment {
  path: string;
  line: number;
  start_line?: number;
  side: 'RIGHT';
  start_side?: 'RIGHT';
  body: string;
}

export interface ExistingComment {
  path: string;
  line: number;
  start_line?: number | null;
  body: string;
}

export interface BuildSuggestionsArgs {
  path: string;
  headText: string;
  suggestedText: string;
  patch: string | undefined;
  edits: SpanEdit[];
  existing?: ExistingComment[];
  maxComments?: number;
}

export interface BuiltSuggestions {
  comments: ReviewComment[];
  /** Markdown ```diff blocks for the review body. */
  unanchored: string[];
  skippedExisting: number;
}

/** Half-open ranges of head lines [hs, he) replaced by suggested lines [ss, se). */
interface Change {
  hs: number;
  he: number;
  ss: number;
  se: number;
}

const MAX_DIFF_BLOCK = 20_000;
/** A diff row longer than this is shown cut: the body is for reading, one huge line must not hide the rest. */
const MAX_DIFF_ROW = 2_000;
const BOM = '\uFEFF';
/** What a decoder puts where the file's bytes are not UTF-8; the original bytes are unknown here. */
const REPLACEMENT = '\uFFFD';

/**
 * A line diff costs O(lines × changed lines): past this many changed lines it would take minutes on a
 * large file, so the changed middle becomes one range instead (one block a reviewer reads as a rewrite).
 */
const MAX_CHANGED_LINES = 1_000;

function changedRanges(head: string[], sugg: string[]): Change[] {
  const parts = diffArrays(head, sugg, { maxEditLength: MAX_CHANGED_LINES });
  if (!parts) return [changedMiddle(head, sugg)];
  const out: Change[] = [];
  let h = 0;
  let s = 0;
  let open: Change | null = null;
  for (const part of parts) {
    if (!part.added && !part.removed) {
      if (open) out.push(open);
      open = null;
      h += part.count;
      s += part.count;
      continue;
    }
    open ??= { hs: h, he: h, ss: s, se: s };
    if (part.removed) h = open.he = h + part.count;
    else s = open.se = s + part.count;
  }
  if (open) out.push(open);
  return out;
}

/** Everything between the common first and last lines. */
function changedMiddle(head: string[], sugg: string[]): Change {
  let pre = 0;
  while (pre < head.length && pre < sugg.length && head[pre] === sugg[pre]) pre++;
  let post = 0;
  while (
    post < head.length - pre &&
    post < sugg.length - pre &&
    head[head.length - 1 - post] === sugg[sugg.length - 1 - post]
  )
    post++;
  return { hs: pre, he: head.length - post, ss: pre, se: sugg.length - post };
}

/**
 * GitHub cannot comment "between" lines: a pure insertion takes its neighbouring unchanged line (the
 * one before, or the first line) into the suggestion. Two insertions may then claim the same line;
 * such ranges are merged, which is exact because the shared lines are equal on both sides.
 */
function anchorRanges(changes: Change[], headLength: number): Change[] {
  const out: Change[] = [];
  for (const c of changes) {
    let r = c;
    if (c.hs === c.he && c.hs > 0) r = { hs: c.hs - 1, he: c.he, ss: c.ss - 1, se: c.se };
    else if (c.hs === c.he && c.he < headLength) r = { hs: c.hs, he: c.he + 1, ss: c.ss, se: c.se + 1 };
    const prev = out.at(-1);
    if (prev && r.hs < prev.he) {
      prev.he = Math.max(prev.he, r.he);
      prev.se = Math.max(prev.se, r.se);
    } else out.push({ ...r });
  }
  return out;
}

function reasonFor(edits: SpanEdit[], oldText: string, newText: string): string {
  const hits = edits.filter(
    (e) =>
      (e.old !== '' && oldText.includes(e.old)) || (e.old === '' && e.new !== '' && newText.includes(e.new)),
  );
  const reasons = [...new Set(hits.map((e) => e.reason.trim()).filter((r) => r !== ''))];
  return reasons.length > 0 ? escapeInline(reasons.join('; '), 600) : 'Suggested rewrite of these lines.';
}

function diffBlock(path: string, head: TextLines, sugg: TextLines, c: Change, why: string): string {
  const old = head.lines.slice(c.hs, c.he);
  const neu = sugg.lines.slice(c.ss, c.se);
  let pre = 0;
  while (pre < old.length && pre < neu.length && old[pre] === neu[pre]) pre++;
  let post = 0;
  while (post < old.length - pre && post < neu.length - pre && old.at(-1 - post) === neu.at(-1 - post))
    post++;
  // Display only, so a forged marker can be broken up, as everywhere else in the bot's text.
  const clean = (l: string) =>
    defuseComments(truncate(showSeparators(sanitize(l).replace(/\r/g, '␍')), MAX_DIFF_ROW));
  const rows = [
    ...old.slice(0, pre).map((l) => ` ${clean(l)}`),
    ...old.slice(pre, old.length - post).map((l) => `-${clean(l)}`),
    ...neu.slice(pre, neu.length - post).map((l) => `+${clean(l)}`),
    ...old.slice(old.length - post).map((l) => ` ${clean(l)}`),
  ];
  let body = '';
  let shown = 0;
  for (const r of rows) {
    if (body.length + r.length + 1 > MAX_DIFF_BLOCK) break;
    body += `${r}\n`;
    shown++;
  }
  const more = shown < rows.length ? `\n\n… ${rows.length - shown} more diff lines not shown.` : '';
  const where =
    c.he > c.hs ? `lines ${c.hs + 1}–${c.he}` : c.hs === 0 ? 'at the start' : `after line ${c.hs}`;
  return `${codeSpan(path)}, ${where} (${why}):\n\n${fence(body, 'diff')}${more}`;
}

function alreadyPosted(existing: ExistingComment[], c: ReviewComment, lines: string[]): boolean {
  return existing.some((e) => {
    // GitHub reports a single-line comment's start_line as null.
    if (e.path !== c.path || e.line !== c.line || (e.start_line ?? e.line) !== (c.start_line ?? c.line))
      return false;
    const posted = parseSuggestion(e.body);
    return posted !== null && posted.length === lines.length && posted.every((l, i) => l === lines[i]);
  });
}

export function buildSuggestions(args: BuildSuggestionsArgs): BuiltSuggestions {
  const max = args.maxComments ?? 30;
  const head = splitLines(args.headText);
  // A text prompt is evaluated without its BOM; the file keeps it, so must the suggestion's first line.
  const keepBom = args.headText.startsWith(BOM) && !args.suggestedText.startsWith(BOM);
  const sugg = splitLines(keepBom ? BOM + args.suggestedText : args.suggestedText);
  const hunks = parseHunks(args.patch);
  const out: BuiltSuggestions = { comments: [], unanchored: [], skippedExisting: 0 };
  for (const c of anchorRanges(changedRanges(head.lines, sugg.lines), head.lines.length)) {
    const start = c.hs + 1;
    const end = c.he;
    const newLines = sugg.lines.slice(c.ss, c.se);
    if (c.he === c.hs || !anchorable(hunks, start, end)) {
      out.unanchored.push(diffBlock(args.path, head, sugg, c, 'not in the PR diff, so no inline suggestion'));
      continue;
    }
    // A lone CR would end a line inside the markdown fence and change what gets committed.
    if (newLines.some((l) => l.includes('\r'))) {
      out.unanchored.push(diffBlock(args.path, head, sugg, c, 'contains a bare carriage return'));
      continue;
    }
    // Committing the suggestion would write U+FFFD over bytes that were never valid UTF-8.
    if (head.lines.slice(c.hs, c.he).some((l) => l.includes(REPLACEMENT))) {
      out.unanchored.push(diffBlock(args.path, head, sugg, c, 'these lines hold bytes that are not UTF-8'));
      continue;
    }
    if (out.comments.length >= max) {
      out.unanchored.push(diffBlock(args.path, head, sugg, c, `over the ${max}-comment limit`));
      continue;
    }
    const reason = reasonFor(args.edits, head.lines.slice(c.hs, c.he).join('\n'), newLines.join('\n'));
    const content = newLines.map((l) => l + head.eol).join('');
    const comment: ReviewComment = {
      path: args.path,
      line: end,
      side: 'RIGHT',
      body: `**LPO** — ${reason}\n\n${fence(content, 'suggestion', head.eol)}`,
    };
    if (comment.body.length > COMMENT_LIMIT) {
      out.unanchored.push(diffBlock(args.path, head, sugg, c, 'too long for an inline comment'));
      continue;
    }
    if (start < end) Object.assign(comment, { start_line: start, start_side: 'RIGHT' });
    if (args.existing && alreadyPosted(args.existing, comment, newLines)) {
      out.skippedExisting++;
      continue;
    }
    out.comments.push(comment);
  }
  if (head.lines.length > 0 && sugg.lines.length > 0 && head.finalNewline !== sugg.finalNewline) {
    const change = sugg.finalNewline ? 'adds' : 'removes';
    out.unanchored.push(
      `The suggested text also ${change} the line break at the end of ${codeSpan(args.path)}.`,
    );
  }
  return out;
}
