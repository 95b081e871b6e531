// The search's plan, computed before its first call: what each step costs (optimizer requests per
// parent, candidates, the racing rungs, the validation of its winner) and how it was cut to fit the
// owner's ceiling. The budget still refuses any batch that does not fit; the plan is what makes every
// step get its share instead of the first step spending it all.
import type { SearchPlan, StepPlan } from './types.js';

/** The smallest racing rung: below this, one lucky answer decides who is dropped. */
export const MIN_RUNG = 4;
/** Before any call, a request is assumed to cost this many tokens (prompt + completion). */
const TOKENS_PER_CALL_GUESS = 1_000;

export interface PlanInput {
  steps: number;
  beam: number;
  /** Proposals asked of each parent (options.candidates). */
  candidates: number;
  /** From proposalCost: optimizer requests and candidates per parent when `candidates` are asked of it. */
  cost: (candidates: number) => { requests: number; proposals: number };
  sizes: { search: number; validation: number; test: number };
  /** Examples still to score for the head prompt (0 when the caller's run is reused). */
  headCalls: number;
  /** Task requests per example scored (`samples: k`, see eval's samplesOf); absent means 1. */
  samples?: number;
  maxCalls: number;
  maxTokens: number | null;
}

/**
 * Cumulative examples per rung, ending at the whole search set; each rung halves the field. Rungs
 * stop at MIN_RUNG (or one example short of the set when it is smaller).
 */
export function rungsFor(contestants: number, search: number): number[] {
  if (search === 0) return [];
  const rungs = [search];
  let field = contestants;
  while (field > 1 && Math.ceil(rungs[0]! / 2) >= Math.min(MIN_RUNG, search)) {
    const next = Math.ceil(rungs[0]! / 2);
    if (next === rungs[0]) break;
    rungs.unshift(next);
    field = Math.ceil(field / 2);
  }
  return rungs;
}

/** How many contestants are still in at each rung: half of the field goes at every cut. */
export function fieldAt(contestants: number, rungs: number): number[] {
  return Array.from({ length: rungs }, (_, i) => Math.max(1, Math.ceil(contestants / 2 ** i)));
}

/**
 * Task calls of one race, counting the new candidates only: parents come from an earlier race over
 * the same example order, so their answers are mostly paid for already (the step's spending shows
 * when they were not).
 */
export function raceCalls(
  children: number,
  parents: number,
  search: number,
): { rungs: number[]; calls: number } {
  const rungs = rungsFor(children + parents, search);
  const field = fieldAt(children + parents, rungs.length);
  let calls = 0;
  let childrenIn = children;
  rungs.forEach((size, i) => {
    const fresh = size - (rungs[i - 1] ?? 0);
    calls += Math.min(childrenIn, field[i]!) * fresh;
    childrenIn = Math.min(childrenIn, field[i + 1] ?? 0);
  });
  return { rungs, calls };
}

/** A race over fewer examples than this says too little to be worth a whole step's budget. */
const MIN_RACED = 16;

/**
 * Proposals asked of each parent in a step: a parent alone (the head in step 1, or a narrow beam) is
 * asked twice as many, so the step still races a field wide enough to lose a few to enforcement.
 */
export function perParent(parents: number, input: Pick<PlanInput, 'beam' | 'candidates'>): number {
  return parents < input.beam && parents === 1 ? 2 * input.candidates : input.candidates;
}

function stepPlan(step: number, parents: number, raced: number, input: PlanInput): StepPlan {
  const asked = perParent(parents, input);
  const cost = input.cost(asked);
  const proposals = parents * cost.proposals;
  const perExample = input.samples ?? 1;
  const race = raceCalls(proposals, parents, raced);
  const raceTotal = race.calls * perExample;
  const optimizer = parents * cost.requests;
  const validation = input.sizes.validation * perExample;
  return {
    step,
    parents,
    proposals,
    rungs: race.rungs,
    perParent: asked,
    calls: { race: raceTotal, validation, optimizer, total: raceTotal + validation + optimizer },
  };
}

/** Parents a step can have: the beam, but never more prompts than the earlier steps can have made. */
function parentsAt(step: number, beam: number, candidates: number): number {
  let pool = 1;
  for (let s = 1; s < step; s++) pool += pool * candidates;
  return Math.min(beam, pool);
}

export function planSearch(input: PlanInput): SearchPlan {
  const perExample = input.samples ?? 1;
  const fixed = { head: input.headCalls * perExample, finalTest: input.sizes.test * perExample };
  const byTokens =
    input.maxTokens === null ? Number.POSITIVE_INFINITY : Math.floor(input.maxTokens / TOKENS_PER_CALL_GUESS);
  const ceiling = Math.min(input.maxCalls, byTokens);
  const fitted: string[] = [];
  if (byTokens < input.maxCalls) fitted.push(`max-tokens allows about ${byTokens} calls`);
  const caps = Array.from({ length: input.steps }, (_, i) => parentsAt(i + 1, input.beam, input.candidates));
  let raced = input.sizes.search;
  const build = () => caps.map((parents, i) => stepPlan(i + 1, parents, raced, input));
  const total = (steps: StepPlan[]) =>
    fixed.head + fixed.finalTest + steps.reduce((n, s) => n + s.calls.total, 0);
  let steps = build();
  // What goes first when the plan does not fit: parents beyond two (a narrower beam still searches),
  // then race examples down to MIN_RACED, then the last parents, and only then whole steps.
  while (total(steps) > ceiling && caps.length > 0) {
    const widest = caps.lastIndexOf(Math.max(...caps));
    if (caps[widest]! > 2) caps[widest]!--;
    else if (raced > MIN_RACED) raced = Math.max(MIN_RACED, Math.ceil(raced * 0.75));
    else if (caps[widest]! > 1) caps[widest]!--;
    else caps.pop();
    steps = build();
  }
  if (raced < input.sizes.search)
    fitted.push(`candidates race on ${raced} of the ${input.sizes.search} search examples`);
  if (steps.length < input.steps)
    fitted.push(`${input.steps - steps.length} of ${input.steps} steps dropped`);
  const narrowed = steps.filter((s) => s.parents < parentsAt(s.step, input.beam, input.candidates));
  if (narrowed.length > 0)
    fitted.push(
      `beam narrowed in step${narrowed.length > 1 ? 's' : ''} ${narrowed.map((s) => s.step).join(', ')}`,
    );
  return { steps, raced, fixed, total: total(steps), fitted };
}
