// The three roles of the data. Dev is cut into a search part (its failures are shown to the optimizer,
// candidates race on it) and a validation part the optimizer never sees (it accepts a new best); test
// is scored for the head and the final prompt only, so no figure on it was used to choose anything.
import { createHash } from 'node:crypto';
import type { SplitRun } from '../eval/run.js';
import type { Example } from '../core/types.js';

/** Fixed salt: the cut depends only on the examples, so reruns reuse cached answers. */
const SALT = 'lpo-search-validation';

function unit(...parts: (string | number)[]): number {
  return createHash('sha256').update(parts.join('\u001f')).digest().readUInt32BE(0) / 2 ** 32;
}

export interface Roles {
  /** In race order: every rung scores a prefix of this list. */
  search: Example[];
  validation: Example[];
  test: Example[];
}

/**
 * Half of dev (rounded up) searches, the rest validates; an example's role is decided by its id, so
 * adding rows to the dataset moves no other example. The search part is then put in a seeded order,
 * the same in every step, so a rung's prefix is already paid for by the parents that ran it before.
 */
export function assignRoles(dev: Example[], test: Example[], seed: number): Roles {
  const byHash = [...dev].sort((a, b) => unit(SALT, a.id) - unit(SALT, b.id) || a.index - b.index);
  const cut = Math.ceil(byHash.length / 2);
  const search = byHash
    .slice(0, cut)
    .sort((a, b) => unit(seed, 'race', a.id) - unit(seed, 'race', b.id) || a.index - b.index);
  // Validation keeps file order: it is scored whole, and reports read better in the order of the file.
  const validation = byHash.slice(cut).sort((a, b) => a.index - b.index);
  return { search, validation, test };
}

/** The results of `run` for `examples`, in their order, or null when one is missing. */
export function pick(run: SplitRun | undefined, examples: Example[]): SplitRun['results'] | null {
  const byId = new Map((run?.results ?? []).map((r) => [r.id, r]));
  const out = examples.map((e) => byId.get(e.id));
  return out.every((r) => r !== undefined) ? (out as SplitRun['results']) : null;
}
