// Everything shown in a comment that came from the PR, the dataset or a model is hostile until escaped:
// it must not break the markdown around it, open HTML, ping people, or forge the bot's hidden marker.

/**
 * Lone surrogates (invalid UTF-16), NUL and other C0 controls, the BOM, and every bidi control: the
 * embeddings, overrides and isolates of "Trojan Source" and the marks (LRM, RLM, ALM) that reorder
 * neutral characters just as invisibly.
 */
const UNSAFE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFEFF\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export function sanitize(s: string): string {
  return s.replace(UNSAFE, '');
}

/** Cuts to at most `max` UTF-16 units, ending with `…`, without splitting a surrogate pair. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 1) return '…'.slice(0, Math.max(0, max));
  let cut = max - 1;
  const last = s.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `${s.slice(0, cut)}…`;
}

/**
 * Sanitizes at most about `max` units of `s`: a 1 MB model output must not cost a full regex pass
 * when only its first few hundred characters are shown.
 */
function head(s: string, max: number): { text: string; cut: boolean } {
  const window = max * 2 + 2;
  const clipped = s.length > window;
  const text = sanitize(clipped ? s.slice(0, window) : s);
  return { text, cut: clipped || text.length > max };
}

/** Hides anything that looks like the bot's hidden markers (or any HTML comment) from a naive `includes`. */
export function defuseComments(s: string): string {
  return s.replace(/<!--/g, '<!\u200B--').replace(/-->/g, '--\u200B>');
}

const ONE_LINE = /\r\n|[\r\n\t\v\f\u2028\u2029\u0085]/g;

/**
 * One line of plain text for a table cell or a sentence: HTML and markdown specials escaped, mentions
 * and issue references broken with a zero-width space, newlines collapsed, cut to `max` characters.
 */
export function escapeInline(s: string, max = 300): string {
  const { text, cut } = head(s, max);
  let t = text.replace(ONE_LINE, ' ');
  if (cut || t.length > max) t = truncate(t, max);
  t = t.replace(/[&<>"\\`*_[\]|~#@$]/g, (ch: string, at: number, whole: string) => {
    switch (ch) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case '@':
        // GitHub resolves @user and @org/team in the rendered text, after markdown: only an invisible break stops it.
        return '@\u200B';
      case '#':
        // `#12` and `owner/repo#12` would cross-reference (and notify) an issue.
        return /[0-9]/.test(whole[at + 1] ?? '') ? '\\#\u200B' : '\\#';
      default:
        return `\\${ch}`;
    }
  });
  t = t.replace(/\bGH-(?=[0-9])/gi, (m) => `${m}\u200B`);
  t = unlink(t);
  // A line starting with these would become a list item, a heading underline or a numbered list.
  return t.replace(/^([-+=])/, '\\$1').replace(/^([0-9]+)([.)])/, '$1\\$2');
}

/**
 * GitHub turns a bare `https://…/o/r/issues/1` (or `www.…`) into a link and backlinks the issue, in
 * any repository, notifying its subscribers. A zero-width space after the scheme's colon, in `www.`
 * and before the number of an issue, pull request or discussion path keeps the text readable and
 * inert on any host (GitHub Enterprise Server too).
 */
function unlink(s: string): string {
  return s
    .replace(/\b([a-z][a-z0-9+.-]*):(?=\/\/)/gi, '$1:\u200B')
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\u200B.`)
    .replace(/\/(issues|pull|pulls|discussions)\/(?=[0-9])/gi, '/$1/\u200B');
}

/**
 * Inline code for a file path or a short span: a backtick run longer than any inside; `|` escaped when
 * the span sits in a table cell (GFM splits cells before it parses code spans).
 */
export function codeSpan(s: string, opts: { max?: number; inTable?: boolean } = {}): string {
  const max = opts.max ?? 200;
  const { text, cut } = head(s, max);
  let t = text.replace(ONE_LINE, ' ');
  if (cut || t.length > max) t = truncate(t, max);
  t = defuseComments(t);
  if (t.length === 0) return '_(empty)_';
  if (opts.inTable) t = t.replace(/\|/g, '\\|');
  const ticks = '`'.repeat(longestRun(t, '`') + 1);
  const pad = t.startsWith('`') || t.endsWith('`') || (t.startsWith(' ') && t.endsWith(' ')) ? ' ' : '';
  return `${ticks}${pad}${t}${pad}${ticks}`;
}

export function longestRun(s: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === ch) {
      run++;
      if (run > best) best = run;
    } else run = 0;
  }
  return best;
}

/**
 * A fenced code block whose backtick fence is longer than any backtick run in `content`, so nothing in
 * it can close the fence. `content` is emitted exactly; a final line break is added before the closing
 * fence when missing. `eol` separates the fence lines (suggestions in a CRLF file use CRLF).
 */
export function fence(content: string, info = '', eol: '\n' | '\r\n' = '\n'): string {
  const ticks = '`'.repeat(Math.max(3, longestRun(content, '`') + 1));
  const safeInfo = info.replace(/[`\r\n]/g, '').trim();
  const close = content === '' || content.endsWith('\n') ? '' : eol;
  return `${ticks}${safeInfo}${eol}${content}${close}${ticks}`;
}

/**
 * The end a cut block always keeps: a worked answer ends with its result (GSM8K's `#### 18`, a model's
 * "The answer is 18."), which is the part a reviewer of a flipped example needs most.
 */
export const KEPT_END_CHARS = 200;

/**
 * A display-only code block: sanitized, LF line endings. Past `max` characters it keeps the start and
 * the end (up to KEPT_END_CHARS, or half of `max`) with `…` between them and a note with the count.
 */
export function escapeBlock(s: string, lang = 'text', max = 2000): string {
  return fence(defuseComments(keepEnds(s, max)), lang.replace(/[^A-Za-z0-9_+.-]/g, ''));
}

/** Line and paragraph separators break lines in some viewers and not in others: shown, not obeyed. */
const SEPARATORS: Record<string, string> = { '\u2028': '<U+2028>', '\u2029': '<U+2029>' };

export function showSeparators(s: string): string {
  return s.replace(/[\u2028\u2029]/g, (ch) => SEPARATORS[ch]!);
}

function keepEnds(s: string, max: number): string {
  const clean = (part: string) => showSeparators(sanitize(part).replace(/\r\n?/g, '\n'));
  // As in head(): a 1 MB output costs a regex pass over the two windows shown, not over all of it.
  const window = max * 2 + 2;
  const whole = s.length <= window * 2;
  const start = clean(whole ? s : s.slice(0, window));
  if (whole && start.length <= max) return start;
  const end = whole ? start : clean(s.slice(-window));
  const endMax = Math.min(KEPT_END_CHARS, Math.floor(max / 2));
  const tail = lastPart(end, endMax);
  // `max` bounds the text shown; the `…` line and the note come on top, as the note always did.
  const shown = truncate(start, Math.max(1, max - tail.length));
  const left = Math.max(1, s.length - (shown.length - 1) - tail.length);
  return `${shown}\n${tail}\n(cut at …: ${left.toLocaleString('en-US')} more characters)`;
}

/** At most `max` units from the end, from a line start when one is near, never half a surrogate pair. */
function lastPart(s: string, max: number): string {
  if (s.length <= max) return s;
  let from = s.length - max + 1; // one unit for the `…` that marks a cut inside a line
  const code = s.charCodeAt(from);
  if (code >= 0xdc00 && code <= 0xdfff) from++;
  const line = s.indexOf('\n', from - 1);
  // Whole lines ("#### 18") read better than one cut mid-word, unless that drops half the end.
  if (line !== -1 && line <= from + max / 2 && line + 1 < s.length) return s.slice(line + 1);
  return `…${s.slice(from)}`;
}

/** A markdown link to an http(s) URL, or plain escaped text when the URL is not one. */
export function safeLink(text: string, url: string | undefined): string {
  const label = escapeInline(text, 200);
  if (!url || url.length > 2000 || !/^https?:\/\/[^\s]+$/i.test(url)) return label;
  const href = url.replace(
    /[()<>"'`\\]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  return `[${label}](${href})`;
}

/**
 * Plain text inside raw HTML (a `<summary>`), where markdown escapes would show as backslashes:
 * entities for HTML's specials, and the same breaks of mentions, references, links and markers.
 */
export function htmlText(s: string, max = 200): string {
  const { text, cut } = head(s, max);
  let t = text.replace(ONE_LINE, ' ');
  if (cut || t.length > max) t = truncate(t, max);
  t = t
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/@/g, '@\u200B')
    .replace(/#(?=[0-9])/g, '#\u200B')
    .replace(/\bGH-(?=[0-9])/gi, (m) => `${m}\u200B`);
  return unlink(t);
}
