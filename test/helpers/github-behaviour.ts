// What GitHub does with our output, for the tests that check it: applying suggestion comments the
// way "Commit suggestion" does, and the patch it shows for a newly added file.
import { parseSuggestion, splitLines, type TextLines } from '../../src/render/lines.js';

export function joinLines(t: TextLines): string {
  return t.lines.map((l, i) => l + (t.ends[i] ?? t.eol)).join('');
}

export interface SuggestionComment {
  line: number;
  start_line?: number | null;
  body: string;
}

/**
 * Applies suggestion comments the way GitHub's "commit suggestion" does: lines start_line..line are
 * replaced by the block's lines. Lines outside keep their endings; new lines take the file's; the
 * file keeps its final-newline state. Overlapping suggestions cannot be applied together: an error.
 */
export function applySuggestions(headText: string, comments: SuggestionComment[]): string {
  const t = splitLines(headText);
  const edits = comments
    .map((c) => ({ start: c.start_line ?? c.line, end: c.line, lines: parseSuggestion(c.body) }))
    .filter((e): e is { start: number; end: number; lines: string[] } => e.lines !== null)
    .sort((a, b) => b.start - a.start);
  let floor = Number.POSITIVE_INFINITY;
  for (const e of edits) {
    if (e.start < 1 || e.end < e.start || e.end > t.lines.length) {
      throw new Error(
        `suggestion on lines ${e.start}-${e.end} is outside the file (${t.lines.length} lines)`,
      );
    }
    if (e.end >= floor) throw new Error(`suggestions overlap at line ${e.end}`);
    floor = e.start;
    t.lines.splice(e.start - 1, e.end - e.start + 1, ...e.lines);
    t.ends.splice(e.start - 1, e.end - e.start + 1, ...e.lines.map(() => t.eol));
  }
  if (t.lines.length > 0) t.ends[t.lines.length - 1] = t.finalNewline ? t.ends.at(-1) || t.eol : '';
  return joinLines(t);
}

/** The patch GitHub shows for a newly added file: one hunk of added lines.  */
export function addedFilePatch(text: string): string {
  const lines = text.split(/\r?\n/);
  const final = lines.at(-1) === '';
  if (final) lines.pop();
  if (lines.length === 0) return '';
  const body = lines.map((l) => `+${l}`).join('\n');
  return `@@ -0,0 +1,${lines.length} @@\n${body}${final ? '' : '\n\\ No newline at end of file'}`;
}
