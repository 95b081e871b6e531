import { addedFilePatch } from '../helpers/github-behaviour.js';
import { describe, expect, it } from 'vitest';
import { anchorable, parseHunks } from '../../src/render/patch.js';

// Shaped like `pulls.listFiles` output: hunks only, no file headers.
const TWO_HUNKS = [
  '@@ -1,4 +1,5 @@ Solve the problem',
  ' You are a careful solver.',
  '-Answer with a number.',
  '+Answer with a single number.',
  '+Show your steps first.',
  ' ',
  ' Question: {{question}}',
  '@@ -20,3 +21,2 @@',
  ' keep',
  '-drop',
  ' end',
  '\\ No newline at end of file',
].join('\n');

describe('parseHunks', () => {
  it('reads both hunks with their RIGHT-side lines', () => {
    const hunks = parseHunks(TWO_HUNKS);
    expect(hunks).toHaveLength(2);
    expect(hunks[0]).toMatchObject({ oldStart: 1, oldLines: 4, newStart: 1, newLines: 5 });
    expect([...hunks[0]!.rightLines]).toEqual([1, 2, 3, 4, 5]);
    expect(hunks[1]).toMatchObject({ oldStart: 20, oldLines: 3, newStart: 21, newLines: 2 });
    expect([...hunks[1]!.rightLines]).toEqual([21, 22]);
  });

  it('treats an omitted count as 1 and reads a new file as one hunk', () => {
    expect([...parseHunks('@@ -3 +3 @@\n-a\n+b')[0]!.rightLines]).toEqual([3]);
    const added = parseHunks('@@ -0,0 +1,3 @@\n+a\n+b\n+c');
    expect(added).toHaveLength(1);
    expect([...added[0]!.rightLines]).toEqual([1, 2, 3]);
  });

  it('accepts a no-newline marker in the middle of a hunk and CRLF content', () => {
    const patch = '@@ -1,1 +1,2 @@\n-old\r\n\\ No newline at end of file\n+new\r\n+more\r';
    expect([...parseHunks(patch)[0]!.rightLines]).toEqual([1, 2]);
  });

  it('accepts an empty context line stripped of its space', () => {
    expect([...parseHunks('@@ -1,3 +1,3 @@\n a\n\n-b\n+c')[0]!.rightLines]).toEqual([1, 2, 3]);
  });

  it.each([
    ['missing patch (binary or huge file)', undefined],
    ['empty patch', ''],
    ['not a hunk', 'Binary files differ'],
  ])('has no hunks for a %s', (_n, patch) => {
    expect(parseHunks(patch)).toEqual([]);
  });

  it('drops a hunk shorter than its header says, and the rest', () => {
    const hunks = parseHunks('@@ -1,2 +1,2 @@\n a\n b\n@@ -10,3 +10,3 @@\n x\n@@ -20 +20 @@\n y');
    expect(hunks).toHaveLength(1);
  });

  it('drops a hunk with a line that is not part of a diff', () => {
    expect(parseHunks('@@ -1,2 +1,2 @@\n a\n?junk')).toEqual([]);
  });
});

describe('anchorable', () => {
  const hunks = parseHunks(TWO_HUNKS);
  it.each([
    [1, 1, true],
    [2, 4, true],
    [1, 5, true],
    [21, 22, true],
    [5, 21, false], // spans two hunks
    [6, 6, false], // between hunks
    [22, 23, false], // runs past the hunk
    [0, 1, false],
    [3, 2, false],
  ])('lines %i..%i → %s', (start, end, expected) => {
    expect(anchorable(hunks, start, end)).toBe(expected);
  });
  it('is false without hunks', () => {
    expect(anchorable([], 1, 1)).toBe(false);
  });
});

describe('addedFilePatch', () => {
  it('covers every line of the file', () => {
    const hunks = parseHunks(addedFilePatch('a\nb\nc\n'));
    expect([...hunks[0]!.rightLines]).toEqual([1, 2, 3]);
    expect([...parseHunks(addedFilePatch('a\r\nb'))[0]!.rightLines]).toEqual([1, 2]);
    expect(addedFilePatch('')).toBe('');
  });
});
