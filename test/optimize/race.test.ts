import { describe, expect, it } from 'vitest';
import type { Example } from '../../src/core/types.js';
import { prefixAccuracy, race, runOf } from '../../src/optimize/race.js';
import { drawParents, front, lessonsFor } from '../../src/optimize/pareto.js';
import { assignRoles } from '../../src/optimize/roles.js';
import type { Candidate } from '../../src/optimize/types.js';
import { bareExample, verdictOf } from './helpers.js';

const examples: Example[] = Array.from({ length: 16 }, (_, i) => bareExample(i));
const candidate = (prompt: string, size = 1): Candidate => ({
  prompt,
  parent: null,
  step: 1,
  edits: [],
  size,
});

describe('racing by successive halving', () => {
  it('drops the worse half at each rung, scores only the new examples, and ranks by how far each went', async () => {
    // Candidate i is right on i of every 4 examples: higher i, better prompt.
    const field = [0, 1, 2, 3].map((i) => candidate(`p${i}`));
    const asked: string[] = [];
    const outcome = await race(field, examples, [4, 8, 16], async (c, slice) => {
      asked.push(`${c.prompt}:${slice[0]!.index}-${slice.at(-1)!.index}`);
      const i = Number(c.prompt.slice(1));
      return runOf(slice.map((e) => verdictOf(e, e.index % 4 < i)));
    });
    expect(asked).toEqual(['p0:0-3', 'p1:0-3', 'p2:0-3', 'p3:0-3', 'p3:4-7', 'p2:4-7', 'p3:8-15']);
    expect(outcome.ranked.map((c) => c.prompt)).toEqual(['p3', 'p2', 'p1', 'p0']);
    expect(outcome.survivors.map((c) => c.prompt)).toEqual(['p3']);
    expect(outcome.cut).toBe(false);
    expect(prefixAccuracy(outcome.ranked[0]!, 16)).toBeCloseTo(12 / 16);
  });

  it('reuses answers a contestant already has, and stops cleanly when a batch is refused', async () => {
    const parent = candidate('parent', 0);
    parent.search = runOf(examples.slice(0, 8).map((e) => verdictOf(e, true)));
    const child = candidate('child');
    const asked: string[] = [];
    const outcome = await race([parent, child], examples, [8, 16], async (c, slice) => {
      asked.push(`${c.prompt}:${slice.length}`);
      return c === child ? runOf(slice.map((e) => verdictOf(e, false))) : null;
    });
    expect(asked).toEqual(['child:8', 'parent:8']);
    expect(outcome.cut).toBe(true);
    expect(outcome.ranked[0]).toBe(parent);
    expect(outcome.scored.has(child)).toBe(true);
  });
});

describe('the Pareto pool', () => {
  const scored = (prompt: string, right: number[]) => {
    const c = candidate(prompt);
    c.search = runOf(examples.slice(0, 6).map((e) => verdictOf(e, right.includes(e.index))));
    return c;
  };
  it('keeps every prompt best on some example, drops dominated ones, and draws by wins', () => {
    const a = scored('a', [0, 1, 2]);
    const b = scored('b', [3]);
    const c = scored('c', [0, 1]);
    const d = scored('d', []);
    a.edits = [{ old: 'Guess', new: 'Work it out', reason: 'guessing skips the work' }];
    const f = front([a, b, c, d]);
    expect(f.map((x) => [x.member.prompt, x.wins])).toEqual([
      ['a', 3],
      ['b', 1],
    ]);
    const parents = drawParents([a, b, c, d], 2, 1, 1);
    expect(new Set(parents)).toEqual(new Set([a, b]));
    expect(lessonsFor(b, [a, b, c, d])).toEqual(['"Guess" → "Work it out": guessing skips the work']);
    let drawnA = 0;
    for (let step = 1; step <= 400; step++) if (drawParents([a, b], 1, 7, step)[0] === a) drawnA++;
    // a wins 3 of the 4 won examples: drawn about 3 times in 4.
    expect(drawnA / 400).toBeGreaterThan(0.65);
    expect(drawnA / 400).toBeLessThan(0.85);
  });
});

describe('the roles of the data', () => {
  it('cuts dev in two by id, the same whatever the file order or the seed', () => {
    const one = assignRoles(examples, [], 1);
    const other = assignRoles([...examples].reverse(), [], 9);
    expect(one.search.length).toBe(8);
    expect(one.validation.length).toBe(8);
    const ids = (xs: Example[]) => xs.map((e) => e.id).sort();
    expect(ids(one.search)).toEqual(ids(other.search));
    expect(ids(one.validation)).toEqual(ids(other.validation));
    expect(ids([...one.search, ...one.validation])).toEqual(ids(examples));
    // The race order depends on the seed; validation keeps file order.
    expect(one.search.map((e) => e.id)).not.toEqual(other.search.map((e) => e.id));
    expect(one.validation.map((e) => e.index)).toEqual(
      [...one.validation.map((e) => e.index)].sort((x, y) => x - y),
    );
  });
});
