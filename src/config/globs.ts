// The config's `files` globs, which a pull request controls, matched against paths, which it also
// controls (it names its files). picomatch turns a glob into a JavaScript regex that V8 runs by
// backtracking: `+([a-z]|a)x` or `(a|aa)+x` against a 30-character name takes minutes. So picomatch
// only translates (its glob semantics stay the reference) and RE2 (re2js) matches, in linear time.

import picomatch from 'picomatch';
import { RE2JS } from 're2js';
import { ConfigError } from '../core/errors.js';

/** Longer globs are refused; real ones are a few dozen characters. */
export const MAX_GLOB_LENGTH = 256;
/** Bounds the matching cost per path character (see MAX_PROGRAM_SIZE in core/linear-regex.ts). */
const MAX_GLOB_PROGRAM = 512;

/** dot: prompts often live under dot-folders such as .github/prompts. */
const OPTIONS = { dot: true } as const;

/**
 * picomatch's zero-width guards with `dot: true`, as it spells them, which keep `*` and `**` off `.`
 * and `..` segments: git paths have none, so on them the guards decide nothing. RE2 has no
 * lookaround, so they are dropped.
 */
const DOT_GUARDS = [
  String.raw`(?!(?:^|\/)\.{1,2}(?:\/|$))`,
  String.raw`(?!\.{1,2}(?:\/|$))`,
  String.raw`(?!\.{0,1}(?:\/|$))`,
];
// `(?=.)` before a star: "the path goes on". Before a star that ends the glob it means the star is
// not empty (`*.*` does not match `a.`; `a/**/*` does not match `a`), which RE2 can say; elsewhere
// what follows almost always consumes a character, so it is dropped. The one difference left: a
// glob ending in a globstar, a star and an optional brace (`a/**/*{,.md}`) also matches `a`.
const ONE_CHAR = '(?=.)';
const FINAL_STAR = String.raw`(?=.)[^/]*?\/?)$`;

export type GlobCompile = { ok: true; matches: (path: string) => boolean } | { ok: false; problem: string };

/** One glob as a linear-time matcher of repository-relative posix paths, or why it is refused. */
export function compileGlob(glob: string): GlobCompile {
  if (glob.length > MAX_GLOB_LENGTH) {
    return { ok: false, problem: `is ${glob.length} characters long, more than ${MAX_GLOB_LENGTH}` };
  }
  const scan = picomatch.scan(glob);
  if (scan.negated) {
    return { ok: false, problem: 'is a negation (!…), which "files" does not support: list what to include' };
  }
  if (scan.isExtglob) {
    return {
      ok: false,
      problem:
        'uses an extglob (+(…), *(…), ?(…), @(…) or !(…)), whose matching can take exponential time: use {a,b} or several globs',
    };
  }
  let source = picomatch.makeRe(glob, OPTIONS).source;
  for (const guard of DOT_GUARDS) source = source.split(guard).join('');
  if (source.endsWith(FINAL_STAR)) source = `${source.slice(0, -FINAL_STAR.length)}[^/]+?\\/?)$`;
  source = source.split(ONE_CHAR).join('');
  let re2: RE2JS;
  try {
    re2 = RE2JS.compile(source);
  } catch (error) {
    const reason = (error as Error).message.replace(/^error parsing regexp: /, '').replace(/\s+/g, ' ');
    return { ok: false, problem: `cannot be matched in linear time (RE2: ${reason.slice(0, 120)})` };
  }
  if (re2.programSize() > MAX_GLOB_PROGRAM) {
    return {
      ok: false,
      problem: `is too complex (${re2.programSize()} instructions, at most ${MAX_GLOB_PROGRAM})`,
    };
  }
  // As picomatch: the empty path matches nothing, and a path equal to the glob matches it.
  return { ok: true, matches: (path) => path !== '' && (path === glob || re2.test(path)) };
}

/** Whether a path matches any of `globs`, which the config schema has already accepted. */
export function globMatcher(globs: string[]): (path: string) => boolean {
  const matchers = globs.map((glob) => {
    const compiled = compileGlob(glob);
    if (!compiled.ok) throw new ConfigError(`glob ${JSON.stringify(glob)} ${compiled.problem}`);
    return compiled.matches;
  });
  return (path) => matchers.some((matches) => matches(path));
}
