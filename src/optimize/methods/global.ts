// Whole-prompt proposals as every method uses them: versions unwrapped, cleaned, made candidates.
import { ask, type OptimizerRequest } from '../ask.js';
import type { Candidate } from '../types.js';
import { globalVersions } from './replies.js';
import { type ProposeContext, child } from './shared.js';

/**
 * Asks for whole prompts varying `from` (the parent, or an edit to paraphrase) and keeps the versions
 * that hold; each candidate's one edit replaces the parent's whole prompt, for `reason`.
 */
export async function wholeProposals(
  ctx: ProposeContext,
  parent: Candidate,
  from: string,
  req: OptimizerRequest<'prompts'>,
  count: number,
  step: number,
  reason: string,
): Promise<Candidate[]> {
  const { tally } = ctx.ask;
  const answer = await ask(ctx.ask, req);
  const out: Candidate[] = [];
  for (const outcome of globalVersions(from, answer?.value.prompts ?? [], count, tally)) {
    if (!outcome.ok) tally.discard(outcome.why);
    else if (outcome.prompt === parent.prompt) tally.discard('unchanged');
    else
      out.push(
        child(ctx, parent, outcome.prompt, [{ old: parent.prompt, new: outcome.prompt, reason }], step),
      );
  }
  return out;
}
