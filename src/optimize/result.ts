// From the search's winner to what a reviewer sees: old → new spans with reasons, paired figures
// against the head prompt.
import type { SplitRun } from '../eval/run.js';
import { comparePaired, type PairedComparison } from '../eval/stats.js';
import type { ExampleResult, SplitName } from '../core/types.js';
import type { Candidate, SpanEdit } from './types.js';
import { wordHunks } from './words.js';

const FALLBACK_REASON = 'proposed by the optimizer';

function lineage(best: Candidate): SpanEdit[] {
  const edits: SpanEdit[] = [];
  for (let c: Candidate | null = best; c; c = c.parent) edits.unshift(...c.edits);
  return edits;
}

function overlaps(a: string, b: string): boolean {
  const x = a.trim();
  const y = b.trim();
  return x !== '' && y !== '' && (x.includes(y) || y.includes(x));
}

/** Best vs head as minimal word-level spans, each with the reasons of the edits that produced it. */
export function spansFor(head: string, best: Candidate): SpanEdit[] {
  const edits = lineage(best);
  return wordHunks(head, best.prompt).map((hunk) => {
    const reasons = edits
      .filter((e) => overlaps(e.new, hunk.new) || overlaps(e.old, hunk.old))
      .map((e) => e.reason);
    const reason = [...new Set(reasons)].join('; ') || edits.at(-1)?.reason || FALLBACK_REASON;
    return { old: hunk.old, new: hunk.new, reason };
  });
}

export function verdicts(results: ExampleResult[]): (boolean | null)[] {
  return results.map((r) => (r.verdict === 'error' ? null : r.verdict === 'correct'));
}

/** Head vs candidate on the same examples, matched by id (a head run may list them in another order). */
export function pairedById(head: SplitRun, other: SplitRun): PairedComparison {
  const byId = new Map(head.results.map((r) => [r.id, r]));
  const base: (boolean | null)[] = [];
  const mine: (boolean | null)[] = [];
  for (const r of other.results) {
    const h = byId.get(r.id);
    if (!h) continue;
    base.push(h.verdict === 'error' ? null : h.verdict === 'correct');
    mine.push(r.verdict === 'error' ? null : r.verdict === 'correct');
  }
  return comparePaired(base, mine);
}

export function vsHeadOf(
  head: Partial<Record<SplitName, SplitRun>>,
  best: Partial<Record<SplitName, SplitRun>>,
): Partial<Record<SplitName, PairedComparison>> {
  const out: Partial<Record<SplitName, PairedComparison>> = {};
  for (const split of ['dev', 'test'] as const) {
    const h = head[split];
    const b = best[split];
    if (h && b) out[split] = pairedById(h, b);
  }
  return out;
}
