// What a split rule gave on one dataset, in figures a report can carry and a table header can state:
// a count the user asked for may be out of reach (see split.ts: `dev` alone as a count takes half
// the rows, then caps), and that should be said, not found out by counting.
import type { SplitSpec } from '../core/types.js';
import { type SplitCounts, planSplit } from './split.js';

export interface SplitSide {
  /** Examples in the split. */
  n: number;
  /** Rows whose hash fell on this side, before any cap. */
  candidates: number;
  /** Expected share of the rows on this side, 0..1. */
  share: number;
  /** The cap (a count asked for, or max-examples), null when none. */
  cap: number | null;
  /** A count asked for explicitly (split dev or test as a count), null otherwise. */
  requested: number | null;
  /** Equal fingerprints: the same examples (see SplitCounts). */
  fingerprint: string;
}

export interface SplitInfo {
  rows: number;
  seed: number;
  dev: SplitSide;
  test: SplitSide;
}

export function splitInfo(spec: SplitSpec, counts: SplitCounts): SplitInfo {
  const plan = planSplit(spec);
  const side = (name: 'dev' | 'test', share: number, cap: number, requested: number | null) => ({
    n: counts[name].kept,
    candidates: counts[name].candidates,
    share,
    cap: Number.isFinite(cap) ? cap : null,
    requested,
    fingerprint: counts[name].fingerprint,
  });
  return {
    rows: counts.rows,
    seed: spec.seed,
    dev: side('dev', plan.devFraction, plan.devCap, spec.dev >= 1 ? spec.dev : null),
    test: side('test', 1 - plan.devFraction, plan.testCap, spec.test ?? null),
  };
}

const pct = (x: number) => `${Number((x * 100).toFixed(1))} %`;

/** `dev 42 (50 % of rows, seed 1), test 38 (the other 50 %), 80 rows`: the rule beside its outcome. */
export function splitRule(info: SplitInfo): string {
  const cap = (s: SplitSide) =>
    s.requested !== null ? `up to ${s.requested}` : s.cap !== null ? `at most ${s.cap}` : null;
  const dev = [cap(info.dev), `${pct(info.dev.share)} of rows`, `seed ${info.seed}`].filter(Boolean);
  const test = [cap(info.test), `the other ${pct(info.test.share)}`].filter(Boolean);
  const rows = `${info.rows.toLocaleString('en-US')} row${info.rows === 1 ? '' : 's'}`;
  return `dev ${info.dev.n} (${dev.join(', ')}), test ${info.test.n} (${test.join(', ')}), ${rows}`;
}

/** One line per count asked for that the rows cannot give. */
export function splitWarnings(info: SplitInfo): string[] {
  const out: string[] = [];
  for (const name of ['dev', 'test'] as const) {
    const s = info[name];
    // A count capped lower by max-examples is the cap's doing, not the rows'.
    if (s.requested === null || s.n >= Math.min(s.requested, s.cap ?? s.requested)) continue;
    const why =
      name === 'dev' && info.test.requested === null
        ? 'a dev count alone takes half the rows; give test a count too, or dev as a fraction'
        : `rows go ${pct(info.dev.share)} / ${pct(info.test.share)} by dev / (dev + test); add rows or ask for less`;
    out.push(
      `the split asks for ${name} ${s.requested}, but only ${s.candidates} of ${info.rows} rows fall in ${name} (${why})`,
    );
  }
  return out;
}
