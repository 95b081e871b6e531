// Pulls the final answer out of free-form model output (and out of dataset targets, which use the
// same cues, e.g. GSM8K's `#### 18`). Model output is untrusted and may be megabytes long, so every
// pattern here is either anchored, bounded, or a plain literal scan: nothing can backtrack
// quadratically, and trimming is done with character loops instead of `/…$/` patterns.

/** `the answer is`, `the final answer is`, and zero-shot-CoT's `the answer (arabic numerals) is`. */
const ANSWER_IS = /answer\s*(?:\([^()\n]{0,40}\)\s*)?is\b/gi;
/** A line such as `Answer: x`, `**Final Answer:** x` or a heading `### Final Answer`. */
const ANSWER_LINE = /^[ \t>*_#]*(?:final[ \t]+)?answer[ \t*_]*(?::|$)/gim;
const BOXED = '\\boxed{';
const HASHES = '####';

interface Cue {
  /** Where the cue's answer text begins; the cue whose answer begins last wins. */
  contentStart: number;
  /** Prose cues end at the first sentence end, so `The answer is 18. Let me check: 3 + 4 = 7` gives 18. */
  kind: 'line' | 'sentence' | 'boxed';
}

/**
 * The final answer in `text`: the content after the LAST cue (`####`, `the answer is`, `\boxed{}`,
 * an `Answer:` line), since models often restate intermediate answers; otherwise the whole text.
 * Surrounding markdown bold, backticks and a trailing period are removed.
 */
export function extractAnswer(text: string): string {
  const cues = findCues(text).sort((a, b) => b.contentStart - a.contentStart);
  // An earlier `\boxed{` still open where a later unclosed one starts can never close either, so
  // its scan stops there: this keeps a run of unclosed boxes linear instead of quadratic.
  let openBoxFrom = text.length;
  const lineEnd = lineEndFinder(text);
  for (const cue of cues) {
    if (cue.kind === 'boxed') {
      const close = closingBrace(text, cue.contentStart, openBoxFrom);
      if (close === -1) openBoxFrom = cue.contentStart;
      const answer = close === -1 ? '' : tidy(unwrapLatexText(text.slice(cue.contentStart, close)));
      if (answer !== '') return answer;
      continue;
    }
    const answer = cueContent(text, cue, lineEnd(cue.contentStart));
    if (answer !== '') return answer;
  }
  return tidy(text);
}

function findCues(text: string): Cue[] {
  const cues: Cue[] = [];
  for (const m of text.matchAll(ANSWER_IS))
    cues.push({ contentStart: m.index + m[0].length, kind: 'sentence' });
  for (const m of text.matchAll(ANSWER_LINE))
    cues.push({ contentStart: m.index + m[0].length, kind: 'line' });
  let from = 0;
  for (let i = text.indexOf(HASHES); i !== -1; i = text.indexOf(HASHES, from)) {
    from = i;
    while (text[from] === '#') from++;
    // Exactly four: `#####…` is a deeper markdown heading, not GSM8K's answer marker.
    if (from - i === HASHES.length) cues.push({ contentStart: from, kind: 'line' });
  }
  for (let i = text.indexOf(BOXED); i !== -1; i = text.indexOf(BOXED, i + BOXED.length)) {
    cues.push({ contentStart: i + BOXED.length, kind: 'boxed' });
  }
  return cues;
}

function cueContent(text: string, cue: Cue, end: number): string {
  let start = cue.contentStart;
  let line = text.slice(start, end);
  // `Answer:` alone on its line (or a `### Final Answer` heading): the answer is on the next non-empty line.
  while (tidy(line) === '' && start + line.length < text.length) {
    start += line.length + 1;
    line = restOfLine(text, start);
  }
  return tidy(cue.kind === 'sentence' ? firstSentence(line) : line);
}

/** Index of the `}` closing a group whose content starts at `from` (nested braces allowed), or -1 before `limit`. */
function closingBrace(text: string, from: number, limit: number): number {
  let depth = 1;
  for (let i = from; i < limit; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** `\text{(B)}` → `(B)`; `\frac` is left for parseNumber, which understands it. */
function unwrapLatexText(s: string): string {
  return s.replace(/\\(?:text|textbf|mathrm|mathbf)\{([^{}]*)\}/g, '$1');
}

/**
 * End of the line holding a position, for positions queried in decreasing order. A plain indexOf
 * per cue would rescan a long line once per cue on it (quadratic on `the answer is . ` × 60,000);
 * this scans each character once, reusing the last answer when no newline lies in between.
 */
function lineEndFinder(text: string): (start: number) => number {
  // Invariant: `knownEnd` is the first newline (or the end of text) at or after `knownFrom`.
  let knownFrom = text.length;
  let knownEnd = text.length;
  return (start) => {
    if (start > knownFrom) {
      const newline = text.indexOf('\n', start);
      return newline === -1 ? text.length : newline;
    }
    let i = start;
    while (i < knownFrom && text[i] !== '\n') i++;
    if (i < knownFrom) knownEnd = i;
    knownFrom = start;
    return knownEnd;
  };
}

function restOfLine(text: string, start: number): string {
  const end = text.indexOf('\n', start);
  return text.slice(start, end === -1 ? text.length : end);
}

/** Cuts at the first `.`, `!` or `?` followed by whitespace or the end, so `1.5` and `$1,234.50` survive. */
function firstSentence(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if ((c === '.' || c === '!' || c === '?') && (i + 1 === s.length || isSpace(s[i + 1]!))) {
      return s.slice(0, i);
    }
  }
  return s;
}

/** Removes surrounding whitespace, leading `:`, surrounding `*`/backticks (markdown), a trailing period. */
function tidy(s: string): string {
  let start = 0;
  let end = s.length;
  for (;;) {
    const before = end - start;
    while (start < end && (isSpace(s[start]!) || s[start] === ':' || s[start] === '*' || s[start] === '`'))
      start++;
    while (
      start < end &&
      (isSpace(s[end - 1]!) || s[end - 1] === '*' || s[end - 1] === '`' || s[end - 1] === '.')
    ) {
      end--;
    }
    if (end - start === before) return s.slice(start, end);
  }
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0';
}

// Characters stripped from the ends by normalizeText: Unicode punctuation and symbols.
const PUNCT_OR_SYMBOL = /[\p{P}\p{S}]/u;
const SIGN_OR_POINT = new Set(['-', '+', '\u2212', '.']);

/**
 * Lower case, NFKC, whitespace runs collapsed, and punctuation/symbols stripped from both ends
 * (`(A)` → `a`, `**Yes.**` → `yes`). A leading sign or point before a digit is kept (`-10` ≠ `10`),
 * and text made only of punctuation (BBH dyck_languages targets such as `) ] >`) is kept whole.
 */
export function normalizeText(s: string): string {
  const text = s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  let start = 0;
  let end = text.length;
  const strippable = (c: string) => c === ' ' || PUNCT_OR_SYMBOL.test(c);
  while (start < end && strippable(text[start]!)) {
    if (SIGN_OR_POINT.has(text[start]!) && isDigit(text[start + 1])) break;
    start++;
  }
  while (end > start && strippable(text[end - 1]!)) end--;
  return start === end ? text : text.slice(start, end);
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

const UNSIGNED = String.raw`(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+`;
/** A number with optional sign, thousands separators, decimals, and an optional `/ denominator`. */
const NUMBER = new RegExp(String.raw`([-+\u2212]?)(${UNSIGNED})(?:[ \t]*\/[ \t]*(${UNSIGNED}))?`, 'g');

/**
 * The LAST number in `s`, or null. Understands thousands separators (`1,000`), currency (`$1,234.50`),
 * units and percent (`50%` → 50), decimals, simple fractions (`3/4`, `\frac{3}{4}`) and negatives
 * (`-5`; a `-` right after a letter or digit is subtraction or a hyphen, not a sign).
 */
export function parseNumber(s: string): number | null {
  const text = s
    .replace(/\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}/g, '$1/$2')
    .replace(/\{,\}/g, ',')
    .replace(/[$€£¥₹]/g, '');
  let last: RegExpExecArray | null = null;
  for (const m of text.matchAll(NUMBER)) last = m;
  if (last === null) return null;
  const [, sign, numerator, denominator] = last;
  let value = toNumber(numerator!);
  if (denominator !== undefined) {
    const d = toNumber(denominator);
    if (d === 0) return null;
    value /= d;
  }
  const before = last.index > 0 ? text[last.index - 1]! : '';
  if ((sign === '-' || sign === '\u2212') && !/[\p{L}\p{N})]/u.test(before)) value = -value;
  return Number.isFinite(value) ? value : null;
}

function toNumber(s: string): number {
  return Number(s.replaceAll(',', ''));
}
