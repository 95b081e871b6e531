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
// 3. Kept examples are returned in file order (by row index), so reports read like the dataset.
// Repeated rows share their content hash (their ids differ only by a `:n` suffix), and the split is
// decided on the hash, so repeats always land in the same split (all are kept: they are real rows).
import { createHash } from 'node:crypto';
import { ConfigError } from '../core/errors.js';
import type { Example, SplitSpec } from '../core/types.js';

export { DEFAULT_SPLIT } from '../config/schema.js';

/** The content hash of an id (see Example.id): what decides the split, so repeats stay together. */
function contentOf(id: string): string {
  const colon = id.indexOf(':');
  return colon < 0 ? id : id.slice(0, colon);
}

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

export function assignSplits(
  examples: Example[],
  spec: SplitSpec,
): { dev: Example[]; test: Example[]; counts: SplitCounts } {
  const selector = new SplitSelector(spec);
  for (const example of examples) selector.add(example.id, example);
  return selector.result();
}

export interface SplitPlan {
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
 * How a split came out: rows read, and per side the rows that fell in it, those kept, and a
 * fingerprint of the kept ids (the sum of their first 48 bits mod 2^48, in hex): two runs with the
 * same fingerprint scored the same examples, which a report can show without listing them.
 */
export interface SplitCounts {
  rows: number;
  dev: SideCounts;
  test: SideCounts;
}

export interface SideCounts {
  candidates: number;
  kept: number;
  fingerprint: string;
}

const FINGERPRINT_MOD = 2 ** 48;

/**
 * Streaming form of assignSplits: add rows one by one; memory stays bounded when caps apply. What
 * is kept per row is the caller's choice (a whole Example, or only its index for a second pass).
 */
export class SplitSelector<T extends { index: number } = Example> {
  readonly plan: SplitPlan;
  private readonly seed: number;
  private readonly dev: CappedBucket<T>;
  private readonly test: CappedBucket<T>;

  constructor(spec: SplitSpec) {
    this.plan = planSplit(spec);
    this.seed = spec.seed;
    this.dev = new CappedBucket(this.plan.devCap, spec.seed);
    this.test = new CappedBucket(this.plan.testCap, spec.seed);
  }

  add(id: string, item: T): void {
    const side = splitUnit(contentOf(id), this.seed) < this.plan.devFraction ? this.dev : this.test;
    side.add(id, item);
  }

  result(): { dev: T[]; test: T[]; counts: SplitCounts } {
    const dev = this.dev.take();
    const test = this.test.take();
    return {
      dev: dev.items,
      test: test.items,
      counts: { rows: dev.seen + test.seen, dev: dev.counts, test: test.counts },
    };
  }
}

interface Ranked<T> {
  item: T;
  rank: number;
  /** The id's first 48 bits, for the fingerprint. */
  key: number;
}

/**
 * Keeps the `cap` items of smallest (rank, index). Pruning whenever the buffer reaches twice the
 * cap keeps memory at most 2 × cap and the cost at O(n log cap) overall.
 */
class CappedBucket<T extends { index: number }> {
  private entries: Ranked<T>[] = [];
  seen = 0;

  constructor(
    private readonly cap: number,
    private readonly seed: number,
  ) {}

  add(id: string, item: T): void {
    this.seen++;
    const capped = Number.isFinite(this.cap);
    const key = Number.parseInt(id.slice(0, 12), 16) || 0;
    this.entries.push({ item, rank: capped ? rankUnit(id, this.seed) : 0, key });
    if (capped && this.entries.length >= 2 * this.cap) this.prune();
  }

  take(): { items: T[]; seen: number; counts: SideCounts } {
    if (Number.isFinite(this.cap)) this.prune();
    let sum = 0;
    for (const entry of this.entries) sum = (sum + entry.key) % FINGERPRINT_MOD;
    const items = this.entries.map((entry) => entry.item).sort((a, b) => a.index - b.index);
    const fingerprint = sum.toString(16).padStart(12, '0');
    return { items, seen: this.seen, counts: { candidates: this.seen, kept: items.length, fingerprint } };
  }

  private prune(): void {
    this.entries.sort((a, b) => a.rank - b.rank || a.item.index - b.item.index);
    this.entries.length = Math.min(this.entries.length, this.cap);
  }
}
