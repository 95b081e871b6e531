// What "well-formed" means for a comment the bot posts, checked the way GitHub's renderer reads it:
// fenced blocks (CommonMark rules), then code spans, then what is left is live markdown and HTML.
// Anything hostile content manages to put in the live part is a failure.

export interface MarkdownProblems {
  problems: string[];
  /** Lines outside fenced blocks, with code spans removed: what GitHub renders as markdown/HTML. */
  live: string;
}

const OPEN = /^ {0,3}(`{3,}|~{3,})([^`]*)$/;
const CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
/** GitHub's mention rule: `@` not after a word character, then a login or org/team. */
export const MENTION = /(^|[^\w`])@[A-Za-z0-9][A-Za-z0-9-]*(\/[A-Za-z0-9][\w-]*)?/;
/**
 * What GitHub links as a reference to an issue, PR or discussion (and backlinks there): `#12`,
 * `owner/repo#12`, `GH-12`, and bare URLs of them, with a scheme or `www.`.
 */
export const REFERENCE =
  /(?<!&)#[0-9]|\bGH-[0-9]|\b(?:https?:\/\/|www\.)[^\s)]*\/(?:issues|pulls?|discussions)\/[0-9]/i;
/** Bidi controls and separators, visible nowhere but in what they reorder or break. */
export const INVISIBLE_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029]/u;
/** Bot-written HTML; any other tag in live text came from content. */
const ALLOWED_TAGS = new Set(['details', 'summary']);

/** Code spans of one line removed (a run of n backticks closes only at a run of exactly n). */
function withoutCodeSpans(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    if (line[i] !== '`') {
      out += line[i++];
      continue;
    }
    let n = 0;
    while (line[i + n] === '`') n++;
    const ticks = '`'.repeat(n);
    let close = line.indexOf(ticks, i + n);
    while (close !== -1 && line[close + n] === '`') {
      let m = close;
      while (line[m] === '`') m++;
      close = line.indexOf(ticks, m);
    }
    if (close === -1) {
      out += ticks; // an unmatched run is literal text
      i += n;
    } else i = close + n;
  }
  return out;
}

/** Cells of a table row: `|` splits unless escaped with a backslash. */
const cells = (row: string) => row.replace(/\\\|/g, '').split('|').length;

export function checkMarkdown(body: string, opts: { marker?: string } = {}): MarkdownProblems {
  const problems: string[] = [];
  const lines = body.split('\n').map((l) => l.replace(/\r$/, ''));
  const live: string[] = [];
  let fence: { char: string; length: number; line: number; info: string } | null = null;
  for (const [index, line] of lines.entries()) {
    // A suggestion is the file's text exactly, whatever it holds; everything else is shown only.
    if (fence?.info !== 'suggestion' && INVISIBLE_CONTROLS.test(line)) {
      problems.push(`bidi or separator character on line ${index + 1}`);
    }
    if (fence) {
      const close = CLOSE.exec(line);
      if (close && close[1]![0] === fence.char && close[1]!.length >= fence.length) fence = null;
      continue;
    }
    const open = OPEN.exec(line);
    if (open) {
      fence = { char: open[1]![0]!, length: open[1]!.length, line: index + 1, info: open[2]!.trim() };
      continue;
    }
    live.push(withoutCodeSpans(line));
  }
  if (fence) problems.push(`fence opened on line ${fence.line} is never closed`);
  const text = live.join('\n');

  const depth = { details: 0 };
  for (const m of text.matchAll(/<(\/?)([A-Za-z][\w-]*)/g)) {
    const name = m[2]!.toLowerCase();
    if (!ALLOWED_TAGS.has(name)) problems.push(`live HTML tag <${m[1]}${m[2]}> from content`);
    if (name === 'details') depth.details += m[1] ? -1 : 1;
    if (depth.details < 0) problems.push('</details> closes a block the bot did not open');
  }
  if (depth.details !== 0) problems.push(`${depth.details} <details> left open`);

  const comments = [...text.matchAll(/<!--/g)].length;
  const markerFirst = opts.marker !== undefined && lines[0] === opts.marker;
  if (opts.marker !== undefined && !markerFirst) problems.push('the marker is not the first line');
  if (comments !== (markerFirst ? 1 : 0))
    problems.push(`${comments} live HTML comments (expected the marker only)`);
  if (opts.marker !== undefined && body.split(opts.marker).length !== 2) {
    problems.push(`the marker appears ${body.split(opts.marker).length - 1} times`);
  }

  const mention = MENTION.exec(text);
  if (mention) problems.push(`live mention "${mention[0].trim()}"`);
  const reference = REFERENCE.exec(text);
  if (reference) problems.push(`live reference "${reference[0]}"`);

  // A table's rows must keep the header's cell count: an unescaped `|` from content adds a cell.
  let header: number | null = null;
  for (const line of live) {
    if (!line.startsWith('|')) {
      header = null;
      continue;
    }
    header ??= cells(line);
    if (cells(line) !== header)
      problems.push(`table row has ${cells(line)} cells, header ${header}: ${line.slice(0, 80)}`);
  }
  return { problems, live: text };
}
