// GEPA's candidate pool (Agrawal et al. 2025): rather than only the prompts that are best on average,
// keep every prompt that is best on at least one search example, so a prompt that solved a kind of
// case the others miss is not lost; parents are drawn in proportion to how many examples they win, and
// each is shown what the other winners changed, so their lessons can be merged.
import { createHash } from 'node:crypto';
import type { Candidate } from './types.js';

function unit(...parts: (string | number)[]): number {
  return createHash('sha256').update(parts.join('\u001f')).digest().readUInt32BE(0) / 2 ** 32;
}

/** Lessons shown from the other front members, at most: enough to merge, not to drown the request. */
const MAX_LESSONS = 6;

/** Per pool member, the search examples it wins (right where the pool's best is right). */
export function wins(pool: Candidate[]): Map<Candidate, Set<string>> {
  const out = new Map<Candidate, Set<string>>(pool.map((c) => [c, new Set<string>()]));
  const byExample = new Map<string, Candidate[]>();
  for (const c of pool) {
    for (const r of c.search?.results ?? []) {
      if (r.verdict !== 'correct') continue;
      const list = byExample.get(r.id) ?? [];
      list.push(c);
      byExample.set(r.id, list);
    }
  }
  for (const [id, winners] of byExample) for (const c of winners) out.get(c)!.add(id);
  return out;
}

const within = (a: Set<string>, b: Set<string>) => a.size <= b.size && [...a].every((x) => b.has(x));

/** The members that win something no other member wins a superset of (ties keep the earlier one). */
export function front(pool: Candidate[]): { member: Candidate; wins: number }[] {
  const won = wins(pool);
  return pool
    .filter((c, i) => {
      const mine = won.get(c)!;
      if (mine.size === 0) return false;
      return !pool.some((o, j) => {
        if (o === c) return false;
        const theirs = won.get(o)!;
        return within(mine, theirs) && (theirs.size > mine.size || j < i);
      });
    })
    .map((member) => ({ member, wins: won.get(member)!.size }));
}

/** `n` distinct parents, each drawn with probability proportional to its wins (seeded per step). */
export function drawParents(pool: Candidate[], n: number, seed: number, step: number): Candidate[] {
  const left = front(pool);
  const out: Candidate[] = [];
  for (let k = 0; k < n && left.length > 0; k++) {
    const total = left.reduce((sum, x) => sum + x.wins, 0);
    const at = unit(seed, 'pareto', step, k) * total;
    let i = 0;
    for (let sum = left[0]!.wins; sum <= at && i < left.length - 1; sum += left[i]!.wins) i++;
    out.push(left[i]!.member);
    left.splice(i, 1);
  }
  return out;
}

/** What the other front members changed and why, one line each, for the parent's optimizer requests. */
export function lessonsFor(parent: Candidate, pool: Candidate[]): string[] {
  const lines: string[] = [];
  for (const { member } of front(pool)) {
    if (member === parent) continue;
    for (let c: Candidate | null = member; c; c = c.parent) {
      for (const e of c.edits) {
        const line = `"${e.old.trim()}" → "${e.new.trim()}": ${e.reason}`;
        if (!lines.includes(line)) lines.push(line);
      }
    }
  }
  return lines.slice(0, MAX_LESSONS);
}
