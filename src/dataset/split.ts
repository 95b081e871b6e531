// Dev/test split. An example's split is a function of its content hash and the seed only, so adding
// rows to a dataset never moves an existing row from dev to test or back, and base and head of a PR
// are evaluated on the same examples.
//
// The rule:
// 1. u = splitUnit(id, seed) in [0, 1). The example is a dev candidate iff u < f, else a test candidate.
//    - dev < 1 (a fraction): f = dev.
//    - dev >= 1 and test given (counts): f = dev / (dev + test).
//    - dev >= 1, no test: f = 1/2. "All remaining rows" cannot be stable (it would need the row count),
//      so the test split is the other half, capped only by maxExamples.
// 2. Each split is capped (its count, and maxExamples) by keeping the candidates with the smallest
//    rank, a second hash sha256('rank:' + seed + ':' + id). Appending rows can push an example out of
//    a capped split (a new row ranks before it) but never into the other split, and never brings back
//    one that was out.
// 3. Kept examples are returned in file order (by line), so reports read like the dataset.
// Duplicate rows share an id, so they always land in the same split (both are kept: they are real rows).
import { createHash } from 'node:crypto';
import { ConfigError } from '../errors.js';
import type { Example, SplitSpec } from '../types.js';

/** PE2-scale defaults: half the rows each way, at most 200 per split, to keep a PR run cheap. */
export const DEFAULT_SPLIT: SplitSpec = { dev: 0.5, seed: 1, maxExamples: 200 };

/** u in [0, 1) from the first 8 bytes of sha256(seed + ':' + id): their top 53 bits, which a double holds exactly. */
export function splitUnit(id: string, seed: number): number {
  return unitHash(`${seed}:${id}`);
}

function rankUnit(id: string, seed: number): number {
  return unitHash(`rank:${seed}:${id}`);
}

function unitHash(text: string): number {
  const digest = createHash('sha256').update(text).digest();
  // The top 53 of the first 64 bits, in plain doubles (BigInt is slower): 32 + 21 bits.
  return (digest.readUInt32BE(0) * 2 ** 21 + (digest.readUInt32BE(4) >>> 11)) / 2 ** 53;
}

export function assignSplits(examples: Example[], spec: SplitSpec): { dev: Example[]; test: Example[] } {
  const selector = new SplitSelector(spec);
  for (const example of examples) selector.add(example.id, example);
  return selector.result();
}

interface SplitPlan {
  devFraction: number;
  devCap: number;
  testCap: number;
}

/** Validates a SplitSpec (user config) and turns it into the fraction and caps of the rule above. */
export function planSplit(spec: SplitSpec): SplitPlan {
  const { dev, test, seed, maxExamples } = spec;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new ConfigError(`split.seed must be a number (got ${seed})`);
  }
  if (typeof dev !== 'number' || !Number.isFinite(dev) || dev <= 0) {
    throw new ConfigError(
      `split.dev must be a fraction between 0 and 1 or a count of at least 1 (got ${dev})`,
    );
  }
  if (maxExamples !== undefined && !isCount(maxExamples)) {
    throw new ConfigError(`split.maxExamples must be a whole number of at least 1 (got ${maxExamples})`);
  }
  const cap = maxExamples ?? Number.POSITIVE_INFINITY;
  if (dev < 1) {
    if (test !== undefined) {
      throw new ConfigError(
        `split.test needs split.dev as a count, not a fraction (got dev ${dev}, test ${test})`,
      );
    }
    return { devFraction: dev, devCap: cap, testCap: cap };
  }
  if (!Number.isInteger(dev)) {
    throw new ConfigError(`split.dev of 1 or more is a count and must be whole (got ${dev})`);
  }
  if (test === undefined) return { devFraction: 0.5, devCap: Math.min(dev, cap), testCap: cap };
  if (!isCount(test)) throw new ConfigError(`split.test must be a whole number of at least 1 (got ${test})`);
  return { devFraction: dev / (dev + test), devCap: Math.min(dev, cap), testCap: Math.min(test, cap) };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}

/**
 * Streaming form of assignSplits: add rows one by one; memory stays bounded when caps apply. What
 * is kept per row is the caller's choice (a whole Example, or only its line for a second pass).
 */
export class SplitSelector<T extends { line: number } = Example> {
  private readonly fraction: number;
  private readonly seed: number;
  private readonly dev: CappedBucket<T>;
  private readonly test: CappedBucket<T>;

  constructor(spec: SplitSpec) {
    const plan = planSplit(spec);
    this.fraction = plan.devFraction;
    this.seed = spec.seed;
    this.dev = new CappedBucket(plan.devCap, spec.seed);
    this.test = new CappedBucket(plan.testCap, spec.seed);
  }

  add(id: string, item: T): void {
    (splitUnit(id, this.seed) < this.fraction ? this.dev : this.test).add(id, item);
  }

  result(): { dev: T[]; test: T[] } {
    return { dev: this.dev.take(), test: this.test.take() };
  }
}

interface Ranked<T> {
  item: T;
  rank: number;
}

/**
 * Keeps the `cap` items of smallest (rank, line). Pruning whenever the buffer reaches twice the
 * cap keeps memory at most 2 × cap and the cost at O(n log cap) overall.
 */
class CappedBucket<T extends { line: number }> {
  private entries: Ranked<T>[] = [];

  constructor(
    private readonly cap: number,
    private readonly seed: number,
  ) {}

  add(id: string, item: T): void {
    const capped = Number.isFinite(this.cap);
    this.entries.push({ item, rank: capped ? rankUnit(id, this.seed) : 0 });
    if (capped && this.entries.length >= 2 * this.cap) this.prune();
  }

  take(): T[] {
    if (Number.isFinite(this.cap)) this.prune();
    return this.entries.map((entry) => entry.item).sort((a, b) => a.line - b.line);
  }

  private prune(): void {
    this.entries.sort((a, b) => a.rank - b.rank || a.item.line - b.item.line);
    this.entries.length = Math.min(this.entries.length, this.cap);
  }
}
