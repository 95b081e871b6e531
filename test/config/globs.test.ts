import fc from 'fast-check';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { compileGlob, globMatcher, MAX_GLOB_LENGTH } from '../../src/config/globs.js';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/core/errors.js';

function matcher(glob: string): (path: string) => boolean {
  const compiled = compileGlob(glob);
  if (!compiled.ok) throw new Error(`refused ${glob}: ${compiled.problem}`);
  return compiled.matches;
}

function errorOf(text: string): string {
  try {
    parseConfig(text, '.github/lpo.yml', '/repo');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const configWithGlob = (glob: string) =>
  [
    'prompts:',
    '  - files: prompts/*.txt',
    '    dataset: data/a.jsonl',
    '    input: question',
    '    target: answer',
    '    scorer: exact',
    `  - files: ${JSON.stringify(glob)}`,
    '    dataset: data/b.jsonl',
    '    input: question',
    '    target: answer',
    '    scorer: exact',
  ].join('\n');

// Git-like paths: non-empty segments, never `.` or `..`, dot-files allowed.
const segment = fc
  .array(fc.constantFrom('a', 'b', '.'), { minLength: 1, maxLength: 4 })
  .map((chars) => chars.join(''))
  .filter((s) => s !== '.' && s !== '..');
const gitPath = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
const atom = fc.constantFrom('a', 'b', '.', '*', '?', '[ab]', '[!a]', '{a,b}', '{a,.b}', '{,a}');
const globSegment = fc.oneof(
  { weight: 1, arbitrary: fc.constant('**') },
  { weight: 5, arbitrary: fc.array(atom, { minLength: 1, maxLength: 4 }).map((a) => a.join('')) },
);
const glob = fc.array(globSegment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));

describe('compileGlob', () => {
  it('agrees with picomatch (dot: true) on git paths', () => {
    fc.assert(
      fc.property(glob, fc.array(gitPath, { minLength: 1, maxLength: 8 }), (g, paths) => {
        const ours = matcher(g);
        const reference = picomatch(g, { dot: true });
        // The one known difference (see globs.ts): an empty brace alternative after a final star.
        const exact = !/\*[^/]*\{,[^/]*$/.test(g);
        for (const p of paths) {
          if (reference(p)) expect([g, p, ours(p)]).toEqual([g, p, true]);
          else if (exact) expect([g, p, ours(p)]).toEqual([g, p, false]);
        }
      }),
      { numRuns: 400 },
    );
  });

  it.each([
    ['a/**/*', ['a/b', 'a/b/c'], ['a', 'b']],
    ['*.*', ['a.b', '.b'], ['a.', 'a']],
    ['a/**', ['a', 'a/b', 'a/b/c'], ['b', 'ab']],
    ['**/.*', ['.a', 'x/.a'], ['a', 'x/a']],
  ])('keeps picomatch edge cases: %s', (g, yes, no) => {
    const reference = picomatch(g, { dot: true });
    expect([...yes, ...no].map(matcher(g))).toEqual([...yes, ...no].map((p) => reference(p)));
    expect([...yes, ...no].map(matcher(g))).toEqual([...yes.map(() => true), ...no.map(() => false)]);
  });

  it('matches the globs configs use', () => {
    const txt = matcher('prompts/**/*.txt');
    expect(['prompts/a.txt', 'prompts/x/y/z.txt'].map(txt)).toEqual([true, true]);
    expect(['prompts/a.md', 'other/a.txt', 'prompts/a.txt/b'].map(txt)).toEqual([false, false, false]);
    const braces = matcher('{a,b}.md');
    expect(['a.md', 'b.md', 'c.md', 'ab.md'].map(braces)).toEqual([true, true, false, false]);
    expect(matcher('.github/prompts/*.prompt.yml')('.github/prompts/triage.prompt.yml')).toBe(true);
    expect(globMatcher(['x/*.txt', 'y/**'])('y/z/w.md')).toBe(true);
  });

  it('matches in linear time what JavaScript regexes match in exponential time', () => {
    // picomatch passes `(a|aa)+` through as a regex group: V8 needs ~1.6^n steps for a 40-character name.
    const path = `${'a'.repeat(40)}!`;
    expect(matcher('(a|aa)+x')(path)).toBe(false);
    expect(matcher('**/(a|aa)+x')(`dir/${'a'.repeat(40_000)}!`)).toBe(false);
  });

  it.each([
    ['+([a-z]|a)x', /uses an extglob/],
    ['prompts/@(a|b).txt', /uses an extglob/],
    ['*(a|aa)', /uses an extglob/],
    ['!prompts/*.txt', /is a negation/],
    [`prompts/${'a'.repeat(MAX_GLOB_LENGTH)}`, new RegExp(`characters long, more than ${MAX_GLOB_LENGTH}`)],
  ])('refuses %s at load with one line naming the file, the entry and the glob', (g, reason) => {
    const message = errorOf(configWithGlob(g));
    expect(message).not.toContain('\n');
    expect(message).toMatch(/^\.github\/lpo\.yml:7: prompts\[1\]\.files: glob "/);
    expect(message).toContain(JSON.stringify(g).slice(0, 40));
    expect(message).toMatch(reason);
  });

  it('names the glob when a list entry is refused', () => {
    const text = configWithGlob('x').replace('files: "x"', 'files:\n      - prompts/*.md\n      - "+(a)"');
    expect(errorOf(text)).toMatch(
      /^\.github\/lpo\.yml:9: prompts\[1\]\.files\[1\]: glob "\+\(a\)" uses an extglob/,
    );
  });
});
