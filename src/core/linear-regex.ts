// Regular expressions written by users (scorer patterns in a config, which a pull request controls)
// run on RE2 (re2js), whose matching time is linear in the input: JavaScript's backtracking engine
// takes ~2^n steps for `(a+)+$` on `aaaa…a!`, and a synchronous match cannot be interrupted, not
// even by the run's deadline. Patterns are written in JavaScript syntax; the few escapes RE2 spells
// differently are translated, and what RE2 cannot run (backreferences, lookaround) is refused.

import { RE2JS } from 're2js';

/** Longer patterns are refused before they are compiled. */
export const MAX_PATTERN_LENGTH = 1000;
/**
 * RE2's cost per input character grows with the compiled program (a capture search keeps up to one
 * thread per instruction): ~80 ns per instruction per character here, so 256 bounds a 1 MB answer to
 * ~20 s. Everyday answer patterns compile to 10–60 instructions.
 */
export const MAX_PROGRAM_SIZE = 256;

export interface LinearRegex {
  /** Capture groups in the pattern. */
  groups: number;
  /** Whether the pattern matches anywhere (the fast DFA path, no captures). */
  test(text: string): boolean;
  /** The first match as [whole, ...groups] (undefined for a group that took no part), or null. */
  exec(text: string): (string | undefined)[] | null;
}

/** `invalid`: not a JavaScript regex at all. `refused`: valid, but not sure to run in bounded time. */
export type LinearCompile =
  | { ok: true; regex: LinearRegex }
  | { ok: false; kind: 'invalid'; reason: string }
  | { ok: false; kind: 'refused'; problem: string };

/** JavaScript flags with an RE2 meaning; d, g and y do not change a single stateless first match. */
const FLAG_BITS: Record<string, number> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  d: 0,
  g: 0,
  y: 0,
  u: 0,
};

/** JavaScript's `\s` (WhiteSpace and LineTerminator); RE2's `\s` is only `[\t\n\f\r ]`. */
const JS_SPACE = String.raw`\t-\r\p{Z}\x{feff}`;

/** `pattern` with `flags` (JavaScript syntax) on RE2, or why it cannot run there, for a one-line error. */
export function compileLinear(pattern: string, flags = ''): LinearCompile {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    const problem = `is ${pattern.length} characters long, more than ${MAX_PATTERN_LENGTH}`;
    return { ok: false, kind: 'refused', problem };
  }
  const unknown = [...flags].find((f) => !(f in FLAG_BITS));
  if (unknown !== undefined) {
    const problem = `has flag "${unknown}", which is not supported (use d, g, i, m, s, u or y)`;
    return { ok: false, kind: 'refused', problem };
  }
  try {
    new RegExp(pattern, flags);
  } catch (error) {
    // V8's message already shows the pattern: "Invalid regular expression: /(/: Unterminated group".
    const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    return { ok: false, kind: 'invalid', reason: oneLine(reason) };
  }
  let re2: RE2JS;
  try {
    const bits = [...flags].reduce((all, f) => all | FLAG_BITS[f]!, 0);
    re2 = RE2JS.compile(toRe2Syntax(pattern, flags.includes('u')), bits);
  } catch (error) {
    // RE2 quotes the rest of the pattern from where it stopped, which may be long or hold line breaks.
    const reason = oneLine((error as Error).message.replace(/^error parsing regexp: /, ''));
    return {
      ok: false,
      kind: 'refused',
      problem: `cannot be matched in linear time (RE2: ${reason}); backreferences and lookaround need backtracking, which one crafted answer can make run for hours`,
    };
  }
  const size = re2.programSize();
  if (size > MAX_PROGRAM_SIZE) {
    return {
      ok: false,
      kind: 'refused',
      problem: `compiles to ${size} instructions, more than ${MAX_PROGRAM_SIZE} (large {n,m} repeats expand; write .* or a shorter repeat)`,
    };
  }
  const groups = re2.groupCount();
  return {
    ok: true,
    regex: {
      groups,
      test: (text) => re2.test(text),
      exec: (text) => re2.exec(text) as (string | undefined)[] | null,
    },
  };
}

/**
 * JavaScript regex syntax → RE2 syntax where the two differ in spelling: `\uXXXX` (and `\u{…}` with
 * the u flag), `\s`/`\S`, `[^]` (any character) and `[]` (none). Escapes are copied two characters
 * at a time, so `\\u` stays a backslash followed by `u`.
 */
function toRe2Syntax(pattern: string, unicode: boolean): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      const hex = next === 'u' ? unicodeEscape(pattern.slice(i + 2, i + 12), unicode) : null;
      if (hex) {
        out += `\\x{${hex.digits}}`;
        i += hex.length;
      } else {
        if (next === 's') out += inClass ? JS_SPACE : `[${JS_SPACE}]`;
        else if (next === 'S' && !inClass) out += `[^${JS_SPACE}]`;
        else out += c + next;
        i++;
      }
    } else if (!inClass && c === '[') {
      if (pattern.startsWith('[^]', i) || pattern.startsWith('[]', i)) {
        out += pattern[i + 1] === '^' ? '(?s:.)' : String.raw`[^\x00-\x{10FFFF}]`;
        i += pattern[i + 1] === '^' ? 2 : 1;
      } else {
        inClass = true;
        out += c;
      }
    } else {
      if (inClass && c === ']') inClass = false;
      out += c;
    }
  }
  return out;
}

/** The hex digits of a `\u` escape starting after the `u`, and how many characters it spans. */
function unicodeEscape(after: string, unicode: boolean): { digits: string; length: number } | null {
  const four = /^[0-9a-fA-F]{4}/.exec(after);
  if (four) return { digits: four[0], length: 5 };
  const braced = unicode ? /^\{([0-9a-fA-F]{1,6})\}/.exec(after) : null;
  return braced ? { digits: braced[1]!, length: braced[0].length + 1 } : null;
}

/** One line saying why `pattern` cannot be used: `invalid regular expression: /(/: …` or `regex /…/ cannot …`. */
export function whyNot(
  pattern: string,
  flags: string | undefined,
  failure: Exclude<LinearCompile, { ok: true }>,
) {
  const shown = showPattern(pattern, flags);
  return failure.kind === 'invalid'
    ? `invalid regular expression: ${shown}: ${failure.reason}`
    : `regex ${shown} ${failure.problem}`;
}

/** `/pattern/flags` for a one-line message: line breaks escaped, long patterns cut. */
export function showPattern(pattern: string, flags = ''): string {
  return `/${oneLine(pattern)}/${flags}`;
}

function oneLine(text: string, max = 120): string {
  const shown = text.length > max ? `${text.slice(0, max - 3)}…` : text;
  return shown.replace(/[\n\r\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
