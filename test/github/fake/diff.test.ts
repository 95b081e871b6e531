import { describe, expect, it } from 'vitest';
import { parseHunks, resolveAnchor } from './diff.js';

// Two hunks. First: LEFT 5-7, RIGHT 5-7 (line 6 replaced). Second: LEFT 20-21, RIGHT 20-22 (line 21 added).
const PATCH = [
  '@@ -5,3 +5,3 @@ function header',
  ' keep',
  '-old',
  '+new',
  ' tail',
  '@@ -20,2 +20,3 @@',
  ' a',
  '+b',
  ' c',
  '\\ No newline at end of file',
].join('\n');

describe('parseHunks', () => {
  it('numbers LEFT and RIGHT lines per hunk and skips the no-newline marker', () => {
    const hunks = parseHunks(PATCH);
    expect(hunks.map((h) => h.lines.map((l) => [l.left, l.right]))).toEqual([
      [
        [5, 5],
        [6, null],
        [null, 6],
        [7, 7],
      ],
      [
        [20, 20],
        [null, 21],
        [21, 22],
      ],
    ]);
  });

  it('ignores the empty string after a trailing newline', () => {
    expect(parseHunks('@@ -1 +1 @@\n-x\n+y\n')[0]!.lines).toHaveLength(2);
  });
});

describe('resolveAnchor', () => {
  it('accepts lines on either side that a hunk shows, with the hunk up to the line', () => {
    expect(resolveAnchor(PATCH, { line: 6, side: 'RIGHT' })).toEqual({
      diffHunk: '@@ -5,3 +5,3 @@ function header\n keep\n-old\n+new',
    });
    expect(resolveAnchor(PATCH, { line: 6, side: 'LEFT' })).toHaveProperty('diffHunk');
    expect(resolveAnchor(PATCH, { start_line: 20, line: 22 })).toHaveProperty('diffHunk');
  });

  it("rejects what GitHub cannot resolve, with GitHub's reasons", () => {
    const errors = (anchor: Parameters<typeof resolveAnchor>[1]) => {
      const result = resolveAnchor(PATCH, anchor);
      return 'errors' in result ? result.errors[0] : 'resolved';
    };
    expect(errors({ line: 10 })).toBe('Line could not be resolved');
    expect(errors({ line: 22, side: 'LEFT' })).toBe('Line could not be resolved');
    expect(errors({ line: 6, side: 'right' })).toBe('Side is not included in the list');
    expect(errors({ start_line: 6, line: 21 })).toContain('same hunk');
    expect(errors({ start_line: 7, line: 7 })).toContain('precede');
    expect(errors({ start_line: 1, line: 7 })).toBe('Start line could not be resolved');
    expect(resolveAnchor(undefined, { line: 1 })).toEqual({ errors: ['Line could not be resolved'] });
  });
});
