// Which of a step's proposals enter the race: new prompts only, and none where the optimizer added
// bidi controls (a suggestion is committed as is, and those make the text read other than it runs).
import type { Tally } from './tally.js';
import type { Candidate } from './types.js';

/** Characters that reorder how text is displayed (Trojan Source, CVE-2021-42574). */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

/** Interleaves the children of different parents, so a budget cut does not starve the later parents. */
function interleave(groups: Candidate[][]): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; groups.some((g) => i < g.length); i++)
    for (const g of groups) if (i < g.length) out.push(g[i]!);
  return out;
}

/** The proposals worth racing, in arrival order; `seen` gains each one admitted. */
export function admit(groups: Candidate[][], seen: Set<string>, head: string, tally: Tally): Candidate[] {
  const fresh: Candidate[] = [];
  for (const candidate of interleave(groups)) {
    if (BIDI.test(candidate.prompt) && !BIDI.test(head)) {
      tally.discard('bidi controls');
      continue;
    }
    if (seen.has(candidate.prompt)) {
      tally.discard('duplicate');
      continue;
    }
    seen.add(candidate.prompt);
    fresh.push(candidate);
  }
  return fresh;
}
