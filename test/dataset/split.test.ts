import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { examplesFromRows } from '../../src/dataset/examples.js';
import { assignSplits, DEFAULT_SPLIT, splitUnit } from '../../src/dataset/split.js';
import type { Example, SplitSpec } from '../../src/core/types.js';
import { configError } from './helpers.js';

/** `count` distinct synthetic rows, numbered from `from`, lines 1..count. */
function synthetic(count: number, from = 0): Example[] {
  const rows = Array.from({ length: count }, (_, i) => ({
    q: `question ${from + i}`,
    a: String((from + i) % 97),
  }));
  return examplesFromRows(rows, { input: ['q'], target: 'a' }, 'synthetic');
}

/** Rows appended after `base` in the same file: new content, later lines. */
function appended(base: Example[], count: number): Example[] {
  return synthetic(count, 1_000_000).map((e) => ({ ...e, line: e.line + base.length }));
}

function splitOf(result: { dev: Example[]; test: Example[] }): Map<string, 'dev' | 'test'> {
  const map = new Map<string, 'dev' | 'test'>();
  for (const e of result.dev) map.set(e.id, 'dev');
  for (const e of result.test) map.set(e.id, 'test');
  return map;
}

/** The documented rank: first 8 bytes of sha256('rank:' + seed + ':' + id), as an unsigned integer. */
function rank(id: string, seed: number): bigint {
  return createHash('sha256').update(`rank:${seed}:${id}`).digest().readBigUInt64BE(0);
}

const rows2000 = synthetic(2_000);

describe('splitUnit', () => {
  it('is the top 53 bits of the first 8 bytes of sha256(seed:id), in [0, 1)', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer(), (id, seed) => {
        const u = splitUnit(id, seed);
        const head = createHash('sha256').update(`${seed}:${id}`).digest().readBigUInt64BE(0);
        expect(u).toBe(Number(head >> 11n) / 2 ** 53);
        return u >= 0 && u < 1;
      }),
    );
  });
});

describe('assignSplits', () => {
  it('puts roughly the dev fraction in dev (2,000 rows)', () => {
    const { dev, test } = assignSplits(rows2000, { dev: 0.3, seed: 7 });
    expect(dev.length + test.length).toBe(2_000);
    // Binomial(2000, 0.3): sd is about 20.5, so ±80 is about 4 sd.
    expect(Math.abs(dev.length - 600)).toBeLessThan(80);
  });

  it('never moves existing rows between splits when 1,000 rows are appended', () => {
    for (const spec of [
      { dev: 0.3, seed: 7 },
      DEFAULT_SPLIT,
      { dev: 50, test: 100, seed: 3 },
      { dev: 40, seed: 5 },
    ]) {
      const before = splitOf(assignSplits(rows2000, spec));
      const after = splitOf(assignSplits([...rows2000, ...appended(rows2000, 1_000)], spec));
      const moved = rows2000.filter(
        (e) => before.has(e.id) && after.has(e.id) && before.get(e.id) !== after.get(e.id),
      );
      expect(moved).toEqual([]);
      if (spec.maxExamples === undefined && spec.dev < 1) {
        // Uncapped: every old row is still there.
        expect(rows2000.filter((e) => !after.has(e.id))).toEqual([]);
      } else {
        // Capped: new rows may push old ones out, but never let an old one in.
        expect(rows2000.filter((e) => after.has(e.id) && !before.has(e.id))).toEqual([]);
        expect(rows2000.some((e) => before.has(e.id) && !after.has(e.id))).toBe(true);
      }
    }
  });

  it('gives a different split with a different seed', () => {
    const a = splitOf(assignSplits(rows2000, { dev: 0.5, seed: 1 }));
    const b = splitOf(assignSplits(rows2000, { dev: 0.5, seed: 2 }));
    const moved = [...a].filter(([id, split]) => b.get(id) !== split).length;
    expect(moved).toBeGreaterThan(800); // independent halves disagree on about 1,000 of 2,000
  });

  it('does not depend on the order of the input rows', () => {
    const spec = { dev: 25, test: 60, seed: 11 };
    const forward = assignSplits(rows2000, spec);
    const backward = assignSplits([...rows2000].reverse(), spec);
    expect(backward).toEqual(forward);
  });

  it('takes counts: dev and test, each filled by the smallest rank', () => {
    const spec = { dev: 100, test: 300, seed: 4 };
    const { dev, test } = assignSplits(rows2000, spec);
    expect([dev.length, test.length]).toEqual([100, 300]);
    // f = 100 / 400: the candidates are the rows with u < 0.25; dev keeps the 100 of smallest rank.
    const candidates = rows2000.filter((e) => splitUnit(e.id, 4) < 0.25);
    const expected = [...candidates]
      .sort((a, b) => (rank(a.id, 4) < rank(b.id, 4) ? -1 : 1))
      .slice(0, 100)
      .sort((a, b) => a.line - b.line);
    expect(dev).toEqual(expected);
    expect(test.every((e) => splitUnit(e.id, 4) >= 0.25)).toBe(true);
  });

  it('with a dev count and no test count, splits in halves and leaves test uncapped', () => {
    const { dev, test } = assignSplits(rows2000, { dev: 100, seed: 4 });
    expect(dev).toHaveLength(100);
    expect(Math.abs(test.length - 1_000)).toBeLessThan(90);
    expect(test.every((e) => splitUnit(e.id, 4) >= 0.5)).toBe(true);
  });

  it('caps each split at maxExamples', () => {
    expect(lengths(assignSplits(rows2000, { dev: 0.5, seed: 1, maxExamples: 50 }))).toEqual([50, 50]);
    expect(lengths(assignSplits(rows2000, { dev: 100, test: 300, seed: 1, maxExamples: 80 }))).toEqual([
      80, 80,
    ]);
    expect(lengths(assignSplits(rows2000, { dev: 30, test: 300, seed: 1, maxExamples: 80 }))).toEqual([
      30, 80,
    ]);
    expect(lengths(assignSplits(rows2000, DEFAULT_SPLIT))).toEqual([200, 200]);
    const uncapped = splitOf(assignSplits(rows2000, { dev: 0.5, seed: 1 }));
    const capped = assignSplits(rows2000, { dev: 0.5, seed: 1, maxExamples: 50 });
    for (const [id, split] of splitOf(capped)) expect(uncapped.get(id)).toBe(split);
  });

  it('keeps file order within each split', () => {
    const { dev, test } = assignSplits([...rows2000].reverse(), { dev: 60, test: 60, seed: 2 });
    for (const split of [dev, test]) {
      expect(split.map((e) => e.line)).toEqual([...split.map((e) => e.line)].sort((a, b) => a - b));
    }
  });

  it('keeps duplicate rows, always in the same split', () => {
    const rows = Array.from({ length: 400 }, (_, i) => ({ q: `q${i % 200}`, a: 'x' }));
    const examples = examplesFromRows(rows, { input: ['q'], target: 'a' }, 'dups');
    for (const seed of [1, 2, 3]) {
      const split = assignSplits(examples, { dev: 0.5, seed });
      expect(split.dev.length + split.test.length).toBe(400);
      for (const part of [split.dev, split.test]) {
        const lines = new Set(part.map((e) => e.line));
        for (const e of part) expect(lines.has(e.line > 200 ? e.line - 200 : e.line + 200)).toBe(true);
      }
    }
  });

  it('DEFAULT_SPLIT is half and half, at most 200 each, seed 1', () => {
    expect(DEFAULT_SPLIT).toEqual({ dev: 0.5, seed: 1, maxExamples: 200 });
  });
});

describe('assignSplits: invalid split specs are ConfigErrors', () => {
  const cases: [SplitSpec, string][] = [
    [{ dev: 0, seed: 1 }, 'split.dev must be a fraction between 0 and 1 or a count of at least 1 (got 0)'],
    [
      { dev: -0.5, seed: 1 },
      'split.dev must be a fraction between 0 and 1 or a count of at least 1 (got -0.5)',
    ],
    [
      { dev: Number.NaN, seed: 1 },
      'split.dev must be a fraction between 0 and 1 or a count of at least 1 (got NaN)',
    ],
    [{ dev: 1.5, seed: 1 }, 'split.dev of 1 or more is a count and must be whole (got 1.5)'],
    [
      { dev: 0.5, test: 20, seed: 1 },
      'split.test needs split.dev as a count, not a fraction (got dev 0.5, test 20)',
    ],
    [{ dev: 10, test: 0, seed: 1 }, 'split.test must be a whole number of at least 1 (got 0)'],
    [{ dev: 10, test: 2.5, seed: 1 }, 'split.test must be a whole number of at least 1 (got 2.5)'],
    [{ dev: 0.5, seed: 1, maxExamples: 0 }, 'split.maxExamples must be a whole number of at least 1 (got 0)'],
    [{ dev: 0.5, seed: Number.POSITIVE_INFINITY }, 'split.seed must be a number (got Infinity)'],
  ];
  it.each(cases.map(([spec, message]) => ({ spec, message })))('$message', async ({ spec, message }) => {
    expect(await configError(() => assignSplits(rows2000.slice(0, 3), spec))).toBe(message);
  });
});

function lengths(result: { dev: Example[]; test: Example[] }): [number, number] {
  return [result.dev.length, result.test.length];
}
