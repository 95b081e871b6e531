// The acceptance rule, the search's guard against overfitting. Each step proposes many candidates and
// picks its winner on the search examples; only that one winner is then tested, once, on validation
// examples the optimizer never saw, against the current best. Selection and the test use disjoint
// data, so the test keeps its level however many candidates were tried. The same validation set is
// tested once per step, so the level is split over the steps (Bonferroni): a search with no true gain
// accepts something in at most ALPHA of runs.
import { scoreOf } from '../eval/compare.js';
import type { SplitRun } from '../eval/run.js';
import { binomialCdf } from '../eval/stats.js';
import type { ExampleResult } from '../core/types.js';

export const ALPHA = 0.05;

export interface ValidationTest {
  /** Validation examples the challenger got right and the best got wrong, and the reverse. */
  gained: number;
  lost: number;
  /** One-sided exact sign test on the flips: P(at least `gained` of them go the challenger's way | no gain). */
  pValue: number;
  level: number;
  accepted: boolean;
}

// With `samples: k` a flip is a higher or lower mean score, as in the review's paired comparison.
const right = (r: ExampleResult | undefined) => (r ? scoreOf(r) : null);

/** Paired by example id; an example either prompt could not answer (endpoint error) is left out. */
export function flips(best: SplitRun, challenger: SplitRun): { gained: number; lost: number } {
  const byId = new Map(best.results.map((r) => [r.id, r]));
  let gained = 0;
  let lost = 0;
  for (const r of challenger.results) {
    const b = right(byId.get(r.id));
    const c = right(r);
    if (b === null || c === null || b === c) continue;
    if (c > b) gained++;
    else lost++;
  }
  return { gained, lost };
}

export function oneSidedSignTest(gained: number, lost: number): number {
  const n = gained + lost;
  return gained === 0 ? 1 : 1 - binomialCdf(gained - 1, n, 0.5);
}

export function stepLevel(steps: number): number {
  return ALPHA / Math.max(1, steps);
}

/** Whether the step's winner beats the current best on validation at the step's level. */
export function testOnValidation(best: SplitRun, challenger: SplitRun, level: number): ValidationTest {
  const { gained, lost } = flips(best, challenger);
  const pValue = oneSidedSignTest(gained, lost);
  return { gained, lost, pValue, level, accepted: gained > lost && pValue < level };
}

/**
 * The fewest flips, all the challenger's way, that can pass at `level`: a validation set with fewer
 * examples than this can never accept, which the search says instead of running for nothing.
 */
export function minFlipsToAccept(level: number): number {
  let k = 1;
  while (0.5 ** k >= level) k++;
  return k;
}
