// One parent's proposals for one step, by method (methods/): APO's gradients and edits, PE2's
// two-step conversation, APE's resampling; each in local mode (LPO's tagged spans) or global mode.
import type { ExampleResult } from '../core/types.js';
import { ape, apeCost } from './methods/ape.js';
import { apo, apoCost } from './methods/apo.js';
import { pe2, pe2Cost } from './methods/pe2.js';
import type { ProposeContext } from './methods/shared.js';
import type { Candidate, OptimizeOptions } from './types.js';

export type { ProposeContext } from './methods/shared.js';
export { templateText } from './methods/shared.js';

/**
 * Optimizer requests one parent costs at most (each request is up to 2 calls: structured, then plain
 * text), and how many candidates it yields at most. Used by the planner before any call.
 */
export function proposalCost(options: OptimizeOptions): { requests: number; proposals: number } {
  switch (options.method) {
    case 'apo':
      return apoCost(options);
    case 'pe2':
      return pe2Cost(options);
    case 'ape':
      return apeCost(options);
  }
}

/**
 * Proposals from one parent in step `step`. `failures`: the parent's answers on the search
 * examples it was scored on (never validation or test); only the wrong ones are shown. `lessons`:
 * one-line lessons of other prompts in the pool (pareto), merged into the feedback; may be empty. Throws BudgetExhausted (from ask)
 * when a request does not fit.
 */
export async function proposeFrom(
  ctx: ProposeContext,
  parent: Candidate,
  step: number,
  failures: ExampleResult[],
  lessons: string[],
): Promise<Candidate[]> {
  // An example that errored (no answer at all) says nothing about the prompt.
  const wrong = failures.filter((f) => f.verdict === 'wrong');
  if (ctx.options.method === 'ape') return ape(ctx, parent, step);
  if (wrong.length === 0) return [];
  return ctx.options.method === 'apo'
    ? apo(ctx, parent, step, wrong, lessons)
    : pe2(ctx, parent, step, wrong, lessons);
}
