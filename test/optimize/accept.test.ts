// The acceptance rule as the search applies it: 16 candidates race on the search examples, the winner
// is tested once on validation against the best. On a simulated task where no candidate is truly
// better, a search of 3 steps must accept something in at most 5 % of runs; the same candidates
// judged on the data that chose them show why the split is needed.
import { describe, expect, it } from 'vitest';
import { ALPHA, oneSidedSignTest, stepLevel, testOnValidation } from '../../src/optimize/accept.js';
import { rungsFor } from '../../src/optimize/plan.js';
import { race, runOf } from '../../src/optimize/race.js';
import type { Candidate } from '../../src/optimize/types.js';
import { binomialCdf } from '../../src/eval/stats.js';
import { rng } from '../helpers/seeded.js';
import { bareExample, verdictOf } from './helpers.js';

/**
 * A task whose examples have a difficulty each; a prompt of quality q answers example e right when
 * difficulty(e) + noise(prompt, e) < q. Prompts of equal quality differ only by noise, as paraphrases do.
 */
function task(seed: number, n: number) {
  const r = rng(seed);
  const difficulty = Array.from({ length: n }, () => r());
  return (quality: number, promptSeed: number) => {
    const noise = rng(promptSeed);
    return difficulty.map((d) => d + 0.35 * (noise() - 0.5) < quality);
  };
}

interface Trial {
  accepted: boolean;
  acceptedTrueGain: boolean;
  sameDataAccepted: boolean;
}

/** One search of `steps` steps with `k` candidates each; `gain` is the true gain of one candidate per step. */
async function trial(
  seed: number,
  steps: number,
  k: number,
  gain: number,
  nSearch = 100,
  nVal = 100,
): Promise<Trial> {
  const answers = task(seed, nSearch + nVal);
  const search = Array.from({ length: nSearch }, (_, i) => bareExample(i));
  const validation = Array.from({ length: nVal }, (_, i) => bareExample(nSearch + i));
  const split = (right: boolean[]) => ({
    search: right.slice(0, nSearch).map((c, i) => verdictOf(search[i]!, c)),
    validation: runOf(right.slice(nSearch).map((c, i) => verdictOf(validation[i]!, c))),
  });
  const base = 0.6;
  let best = { quality: base, ...split(answers(base, seed * 7919)) };
  const level = stepLevel(steps);
  const out: Trial = { accepted: false, acceptedTrueGain: false, sameDataAccepted: false };
  for (let step = 1; step <= steps; step++) {
    const made = Array.from({ length: k }, (_, i) => {
      const quality = i === 0 ? best.quality + gain : best.quality;
      return { quality, ...split(answers(quality, seed * 104729 + step * 131 + i)) };
    });
    const candidates: Candidate[] = made.map((_, i) => ({
      prompt: `p${step}.${i}`,
      parent: null,
      step,
      edits: [],
      size: 0,
    }));
    const byCandidate = new Map(candidates.map((c, i) => [c, made[i]!]));
    const outcome = await race(candidates, search, rungsFor(k, nSearch), async (c, examples) => {
      const all = byCandidate.get(c)!.search;
      return runOf(examples.map((e) => all[e.index]!));
    });
    const winner = outcome.ranked[0]!;
    const chosen = byCandidate.get(winner)!;
    // The rule without a split: the candidate chosen on search, tested on the same search answers.
    const sameData = testOnValidation(runOf(best.search), runOf(chosen.search), ALPHA);
    if (sameData.accepted) out.sameDataAccepted = true;
    const test = testOnValidation(best.validation, chosen.validation, level);
    if (test.accepted) {
      out.accepted = true;
      if (chosen.quality > best.quality) out.acceptedTrueGain = true;
      best = chosen;
    }
  }
  return out;
}

describe('the acceptance rule', () => {
  it('is an exact one-sided sign test on the flips', () => {
    expect(oneSidedSignTest(0, 0)).toBe(1);
    expect(oneSidedSignTest(5, 0)).toBeCloseTo(1 / 32, 12);
    // P(X >= 8 | n = 10) = (45 + 10 + 1) / 1024
    expect(oneSidedSignTest(8, 2)).toBeCloseTo(56 / 1024, 12);
    expect(oneSidedSignTest(3, 7)).toBeCloseTo(1 - binomialCdf(2, 10, 0.5), 12);
  });

  it('accepts no candidate of a task without true gain in more than 5 % of 3-step searches with 16 candidates', async () => {
    const seeds = 400;
    let accepted = 0;
    let sameData = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const t = await trial(seed, 3, 16, 0);
      if (t.accepted) accepted++;
      if (t.sameDataAccepted) sameData++;
    }
    const rate = accepted / seeds;
    // One-sided 95 % upper bound of the observed rate must stay under 5 % (not just the point estimate).
    const upper = rate + 1.645 * Math.sqrt(Math.max(rate * (1 - rate), 1 / seeds) / seeds);
    console.log(
      `false accepts: ${accepted}/${seeds} searches (${(100 * rate).toFixed(1)} %, upper 95 % ${(100 * upper).toFixed(1)} %); judged on the data that chose them: ${sameData}/${seeds}`,
    );
    expect(upper).toBeLessThanOrEqual(0.05 + 1e-9);
    // Without the split, the same candidates pass far more often: the guard is what keeps the rate down.
    expect(sameData / seeds).toBeGreaterThan(3 * 0.05);
  });

  it('reports its power for a true +10 pp gain at 100 validation examples', async () => {
    const seeds = 200;
    let found = 0;
    for (let seed = 1; seed <= seeds; seed++)
      if ((await trial(10_000 + seed, 1, 16, 0.1)).acceptedTrueGain) found++;
    const power = found / seeds;
    console.log(
      `power for +10 pp, 100 validation examples, level ${stepLevel(3).toFixed(4)} (3 steps): ${(100 * power).toFixed(0)} % of ${seeds} searches`,
    );
    expect(power).toBeGreaterThan(0.3);
  });
});
