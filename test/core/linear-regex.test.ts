import { describe, expect, it } from 'vitest';
import { compileLinear, MAX_PATTERN_LENGTH, showPattern, whyNot } from '../../src/core/linear-regex.js';

function compiled(pattern: string, flags = '') {
  const result = compileLinear(pattern, flags);
  if (!result.ok) throw new Error(whyNot(pattern, flags, result));
  return result.regex;
}

/** What JavaScript's own engine finds: the reference the translation must agree with. */
function jsExec(pattern: string, flags: string, text: string): (string | undefined)[] | null {
  const match = new RegExp(pattern, flags.replace(/[gy]/g, '')).exec(text);
  return match === null ? null : [...match];
}

describe('compileLinear', () => {
  it.each([
    // Patterns as users write them for answers, with inputs where JavaScript and RE2 spellings differ.
    ['answer:\\s*\\(?([A-E])\\)?', 'i', ['Answer: (c)', 'answer:\u00a0B', 'no answer']],
    ['(-?\\d+(?:\\.\\d+)?)\\s*(?:dollars|usd)?$', '', ['It is 12.50 dollars', '7', 'x']],
    ['^\\s*(yes|no)\\s*$', 'im', ['maybe\n  YES \n', '\u2003no\u3000', 'nope']],
    ['caf\\u00e9 (\\w+)', '', ['café au', 'cafe au']],
    ['\\u{1F600}(.)', 'u', ['😀!', '!']],
    ['\\\\u00e9', '', ['\\u00e9', 'é']],
    ['begin([^]*)end', '', ['begin\nx\nend', 'begin end']],
    ['a[]|b', '', ['a', 'b']],
    ['(?<word>\\S+)\\s+(\\S+)$', '', ['one\u00a0two', 'a b c']],
    ['(a|ab)(c|bcd)(d*)', '', ['abcd', 'acd']],
    ['x(y)?z', '', ['xz', 'xyz']],
    ['(.+?)(\\d+)', 's', ['ab\n12', 'none']],
    ['[\\s,]+(\\d+)$', '', ['n:\u2028 42', '42']],
  ])('matches /%s/%s as JavaScript does', (pattern, flags, inputs) => {
    const regex = compiled(pattern, flags);
    for (const text of inputs) {
      expect([text, regex.exec(text)?.slice()]).toEqual([text, jsExec(pattern, flags, text) ?? undefined]);
      expect([text, regex.test(text)]).toEqual([text, jsExec(pattern, flags, text) !== null]);
    }
  });

  it('counts capture groups', () => {
    expect(compiled('(a)(?:b)(?<c>c)').groups).toBe(2);
    expect(compiled('\\(a\\)').groups).toBe(0);
  });

  it.each([
    [
      '(a)\\1',
      'refused',
      /^cannot be matched in linear time \(RE2: invalid escape sequence: `\\1`\); backreferences and lookaround/,
    ],
    ['(?=a)a', 'refused', /unsupported Perl syntax: `\(\?=`/],
    ['(?<=a)b', 'refused', /cannot be matched in linear time/],
    ['[a-z]{300}', 'refused', /^compiles to \d+ instructions, more than 256/],
    ['x'.repeat(MAX_PATTERN_LENGTH + 1), 'refused', /characters long, more than 1000$/],
    ['(', 'invalid', /^Unterminated group$/],
  ])('refuses /%s/ (%s)', (pattern, kind, problem) => {
    const result = compileLinear(pattern);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.kind).toBe(kind);
    expect(result.kind === 'invalid' ? result.reason : result.problem).toMatch(problem);
    expect(whyNot(pattern, '', result)).toMatch(
      kind === 'invalid' ? /^invalid regular expression: \/\(\/: / : /^regex \//,
    );
  });

  it('refuses flags it cannot honour, and ignores those that do not change a first match', () => {
    const v = compileLinear('a', 'v');
    expect(v.ok || v.kind === 'invalid' ? null : v.problem).toBe(
      'has flag "v", which is not supported (use d, g, i, m, s, u or y)',
    );
    expect(compiled('a', 'dgy').test('a')).toBe(true);
  });

  it('shows a pattern on one line', () => {
    expect(showPattern('a\nb', 'i')).toBe('/a\\u000ab/i');
    expect(showPattern('x'.repeat(200))).toBe(`/${'x'.repeat(117)}…/`);
  });
});
