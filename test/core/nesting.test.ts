import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, tooDeepAt } from '../../src/core/nesting.js';

describe('tooDeepAt', () => {
  it('finds the first bracket past the limit, in one pass over 100,000 levels', () => {
    const deep = `{"a": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    // The object is level 1, so the 100th array is level 101.
    expect(tooDeepAt(deep)).toBe(6 + MAX_JSON_DEPTH - 1);
    expect(tooDeepAt(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`)).toBe(-1);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ q: `${'['.repeat(500)} \\" {{{`, rows: [[1], { a: [2] }] });
    expect(tooDeepAt(text)).toBe(-1);
    expect(tooDeepAt('[[["x\\"[[[["]]]', 3)).toBe(-1);
    expect(tooDeepAt('[[[[1]]]]', 3)).toBe(3);
  });
});
