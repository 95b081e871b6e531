import { describe, expect, it } from 'vitest';
import {
  codeSpan,
  escapeBlock,
  escapeInline,
  fence,
  safeLink,
  sanitize,
  truncate,
} from '../../src/render/escape.js';

/** Markup that would survive escaping as live HTML, a mention, a marker, a table break or a heading. */
function assertInert(out: string): void {
  expect(out).not.toMatch(/<[a-z!/]/i);
  expect(out).not.toMatch(/@[a-z0-9]/i);
  expect(out).not.toContain('<!--');
  expect(out).not.toMatch(/(^|[^\\])\|/);
  expect(out).not.toMatch(/[\r\n]/);
  expect(out).not.toMatch(/(^|[^\\])`/);
  expect(out).not.toMatch(/^#/);
}

describe('escapeInline', () => {
  const cases: [string, string, string][] = [
    ['fence', '```js\nalert(1)\n```', '\\`\\`\\`js alert(1) \\`\\`\\`'],
    ['details', '<details>', '&lt;details&gt;'],
    ['closing details', '</details>', '&lt;/details&gt;'],
    ['forged marker', '<!-- lpo-review -->', '&lt;!-- lpo-review --&gt;'],
    ['forged summary marker', '<!-- lpo-review:summary -->', '&lt;!-- lpo-review:summary --&gt;'],
    ['user mention', 'ping @octocat', 'ping @\u200Boctocat'],
    ['team mention', '@org/team', '@\u200Borg/team'],
    ['pipes', '| pipe |', '\\| pipe \\|'],
    ['CRLF', 'a\r\nb\rc\nd', 'a b c d'],
    ['issue reference', 'see #12', 'see \\#\u200B12'],
    ['heading', '# title', '\\# title'],
    ['emphasis and links', '*a* _b_ [x](y) ~c~', '\\*a\\* \\_b\\_ \\[x\\](y) \\~c\\~'],
    ['entity', '&lt; &amp;', '&amp;lt; &amp;amp;'],
    ['list start', '- item', '\\- item'],
    ['numbered list start', '1. item', '1\\. item'],
    ['math', '$x$', '\\$x\\$'],
    ['backslash', 'a\\b', 'a\\\\b'],
    ['BOM', '\uFEFFhello', 'hello'],
    ['NUL', 'a\u0000b', 'ab'],
    ['lone high surrogate', 'a\uD800b', 'ab'],
    ['lone low surrogate', 'a\uDC00b', 'ab'],
    ['valid pair kept', 'a😀b', 'a😀b'],
    ['bidi override', 'a\u202Eb', 'ab'],
    ['GH reference', 'GH-12', 'GH-\u200B12'],
    ['cross-repository reference', 'see victim/repo#12', 'see victim/repo\\#\u200B12'],
    [
      'issue URL of another repository',
      'https://github.com/victim/repo/issues/1',
      'https:\u200B//github.com/victim/repo/issues/\u200B1',
    ],
    [
      'pull request URL without a scheme',
      'www.github.com/victim/repo/pull/2/files',
      'www\u200B.github.com/victim/repo/pull/\u200B2/files',
    ],
    [
      'discussion URL on GitHub Enterprise',
      'http://ghe.corp/o/r/discussions/3',
      'http:\u200B//ghe.corp/o/r/discussions/\u200B3',
    ],
    ['bidi isolates', 'a\u2066b\u2069c\u2067d\u2068', 'abcd'],
    ['bidi marks', 'a\u200Eb\u200Fc\u061Cd', 'abcd'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a b c'],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    const out = escapeInline(input);
    expect(out).toBe(expected);
    assertInert(out);
  });

  it('truncates a 1 MB string with an ellipsis', () => {
    const big = `@everyone ${'<x>|'.repeat(250_000)}`;
    const out = escapeInline(big, 100);
    expect(out.endsWith('…')).toBe(true);
    // 100 source characters; escaping may lengthen each by a few units, never more than 6x.
    expect(out.length).toBeLessThanOrEqual(600);
    assertInert(out);
  });

  it('never splits a surrogate pair when truncating', () => {
    const out = escapeInline('😀'.repeat(10), 4);
    expect(out).toBe('😀…');
    expect(sanitize(out)).toBe(out);
  });
});

describe('truncate', () => {
  it('keeps short strings and cuts long ones to the limit', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcdef', 4).length).toBe(4);
  });
});

describe('codeSpan', () => {
  it('uses a longer backtick run than the content and pads edge backticks', () => {
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`x`')).toBe('`` `x` ``');
    expect(codeSpan('prompts/a.txt')).toBe('`prompts/a.txt`');
  });
  it('escapes pipes only in tables and defuses markers', () => {
    expect(codeSpan('a|b', { inTable: true })).toBe('`a\\|b`');
    expect(codeSpan('a|b')).toBe('`a|b`');
    expect(codeSpan('<!-- lpo-review:summary -->')).not.toContain('<!--');
  });
  it('collapses lines and marks an empty span', () => {
    expect(codeSpan('a\r\nb')).toBe('`a b`');
    expect(codeSpan('')).toBe('_(empty)_');
  });
});

/** The fence that opens a block and whether a later line closes it with as many backticks. */
function fenceOf(block: string): { ticks: number; closed: boolean } {
  const lines = block.split('\n');
  const ticks = /^(`+)/.exec(lines[0]!)![1]!.length;
  const inner = lines.slice(1, -1);
  expect(inner.some((l) => new RegExp(`^ {0,3}\`{${ticks},}\\s*$`).test(l))).toBe(false);
  return { ticks, closed: new RegExp(`^\`{${ticks},}$`).test(lines.at(-1)!) };
}

describe('fence and escapeBlock', () => {
  it('makes the fence longer than any backtick run (minimum 3)', () => {
    expect(fence('plain', 'text')).toBe('```text\nplain\n```');
    const hostile = 'a\n```\nb\n`````\nc';
    const block = fence(hostile);
    expect(fenceOf(block)).toEqual({ ticks: 6, closed: true });
  });
  it('keeps content exact and uses the given line ending', () => {
    expect(fence('x\r\n', 'suggestion', '\r\n')).toBe('```suggestion\r\nx\r\n```');
    expect(fence('', 'suggestion')).toBe('```suggestion\n```');
    expect(fence('\n', 'suggestion')).toBe('```suggestion\n\n```');
  });
  it('strips backticks from the info string', () => {
    expect(fence('x', 'js`evil')).toBe('```jsevil\nx\n```');
  });
  it.each([
    ['fences', '```\n</details>\n```'],
    ['html', '<details><summary>x</summary>'],
    ['marker', '<!-- lpo-review:summary -->'],
    ['crlf', 'a\r\nb'],
  ])('escapeBlock keeps %s inside a closed fence', (_n, input) => {
    const block = escapeBlock(input);
    expect(fenceOf(block).closed).toBe(true);
    expect(block).not.toContain('<!--');
    expect(block).not.toContain('\r');
  });
  it('truncates a 1 MB block with a note, still closed', () => {
    const block = escapeBlock(`${'`'.repeat(10)}\n${'x'.repeat(1_000_000)}`, 'text', 500);
    expect(block.length).toBeLessThan(600);
    expect(block).toMatch(/more characters\)\n`{11}$/);
    expect(fenceOf(block).closed).toBe(true);
  });
  it('removes lone surrogates and NULs', () => {
    expect(escapeBlock('a\uD800\u0000b')).toBe('```text\nab\n```');
  });
  it('strips bidi controls and shows line and paragraph separators escaped', () => {
    expect(escapeBlock('a\u202Eb\u200Fc\u061Cd\u2066e\u2069')).toBe('```text\nabcde\n```');
    expect(escapeBlock('a\u2028b\u2029c')).toBe('```text\na<U+2028>b<U+2029>c\n```');
  });
});

describe('safeLink', () => {
  it('links http(s) URLs and refuses others', () => {
    expect(safeLink('job summary', 'https://github.com/o/r/actions/runs/1')).toBe(
      '[job summary](https://github.com/o/r/actions/runs/1)',
    );
    expect(safeLink('job summary', 'javascript:alert(1)')).toBe('job summary');
    expect(safeLink('x', 'https://a.b/c)d')).toBe('[x](https://a.b/c%29d)');
  });
});
