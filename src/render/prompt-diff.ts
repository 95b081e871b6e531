// The suggested prompt as a reader checks it before accepting it: the whole file as a unified diff
// against the head file, and where in the file each old → new span sits.
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { SpanEdit } from '../review/model.js';
import { defuseComments, fence, sanitize, showSeparators, truncate } from './escape.js';

/** Enough for any prompt a person reads; past it the diff is cut at a line and says how much is left. */
const MAX_DIFF_CHARS = 12_000;
/** A line diff is O(lines × changed lines): a rewrite of a huge file is shown as "too large" instead. */
const MAX_EDIT_LENGTH = 2_000;
const MAX_ROW = 2_000;

/** Display only: no control or bidi characters, no forged marker; a line's own CR ending is dropped. */
const clean = (line: string) =>
  defuseComments(truncate(showSeparators(sanitize(line.replace(/\r$/, '')).replace(/\r/g, '␍')), MAX_ROW));

/**
 * The suggested file against the head file as a ```diff block with every line as context, so the
 * full suggested prompt reads top to bottom and `patch -p1` (or the diff package's applyPatch) gives
 * the suggestion back. Empty when the two texts are equal.
 */
export function promptDiff(path: string, headText: string, fileText: string): string {
  if (headText === fileText) return '';
  const name = path.replace(/[\r\n\t]/g, ' ');
  const patch = createTwoFilesPatch(`a/${name}`, `b/${name}`, headText, fileText, '', '', {
    context: Number.MAX_SAFE_INTEGER,
    headerOptions: FILE_HEADERS_ONLY,
    maxEditLength: MAX_EDIT_LENGTH,
  });
  if (patch === undefined) return '_The change is too large to show as a diff._';
  const rows = patch.split('\n');
  if (rows.at(-1) === '') rows.pop();
  let body = '';
  let shown = 0;
  for (const r of rows) {
    const line = clean(r);
    if (body.length + line.length + 1 > MAX_DIFF_CHARS) break;
    body += `${line}\n`;
    shown++;
  }
  const more = shown < rows.length ? `\n\n_… ${rows.length - shown} more diff lines not shown._` : '';
  return `${fence(body, 'diff')}${more}`;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line of an offset. */
function lineAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** The next occurrence from `from`, else the first one: spans come in file order. */
function find(text: string, needle: string, from: number): number {
  const at = text.indexOf(needle, from);
  return at !== -1 ? at : text.indexOf(needle);
}

/**
 * Where each span sits: "line 3", "lines 3–5" in the head file, or "inserted at line 4" of the
 * suggested file for a span that adds text where there was none. Null when the span's text is not
 * found verbatim in the file (a .prompt.yml message written with YAML escapes).
 */
export function editPlaces(headText: string, fileText: string, edits: SpanEdit[]): (string | null)[] {
  const head = lineStarts(headText);
  const sugg = lineStarts(fileText);
  let h = 0;
  let s = 0;
  return edits.map((e) => {
    if (e.new !== '') {
      const at = find(fileText, e.new, s);
      if (at !== -1) s = at + e.new.length;
      if (e.old === '') return at === -1 ? null : `inserted at line ${lineAt(sugg, at)}`;
    }
    if (e.old === '') return null;
    const at = find(headText, e.old, h);
    if (at === -1) return null;
    h = at + e.old.length;
    const first = lineAt(head, at);
    const last = lineAt(head, at + e.old.length - 1);
    return first === last ? `line ${first}` : `lines ${first}–${last}`;
  });
}
