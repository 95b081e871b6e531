// APE (Zhou et al. 2022), iterative Monte Carlo resampling: "generate a variation of the following
// instruction while keeping its semantic meaning". APE's resampling sees neither failures nor
// demonstrations (the search's scores do the selecting), so neither mode shows them: global mode
// resamples the whole prompt, local mode tags spans (TAGGINGS times) and resamples those only.
import { renderTagged } from '../tags.js';
import type { Candidate, OptimizeOptions } from '../types.js';
import { wholeProposals } from './global.js';
import { identify, spanProposals } from './local.js';
import { type ProposeContext, requestSeed, shares, TAGGINGS, TEMPERATURE } from './shared.js';

const REASON = 'resampled variation of the prompt';

export function apeBranches(options: OptimizeOptions): number[] {
  return shares(options.candidates, Math.min(TAGGINGS, options.candidates));
}

export function apeCost(options: OptimizeOptions): { requests: number; proposals: number } {
  const requests = options.mode === 'local' ? 2 * apeBranches(options).length : 1;
  return { requests, proposals: options.candidates };
}

async function localApe(ctx: ProposeContext, parent: Candidate, step: number): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const [branch, count] of apeBranches(ctx.options).entries()) {
    const seed = (role: string) => requestSeed(ctx.options, step, role, branch);
    const identified = await identify(ctx, parent.prompt, {
      meta: 'ape-identify',
      values: { prompt: parent.prompt, max_words: String(ctx.options.maxEditWords) },
      format: 'tagged',
      temperature: TEMPERATURE.sample,
      seed: seed('ape-identify'),
    });
    if (!identified) continue;
    const { t } = identified;
    const req = {
      meta: 'lpo-paraphrase' as const,
      values: { prompt: renderTagged(t), count: String(count) },
      format: 'edits' as const,
      temperature: TEMPERATURE.sample,
      seed: seed('ape-paraphrase'),
    };
    out.push(...(await spanProposals(ctx, parent, t, t, req, count, step)).candidates);
  }
  return out;
}

export async function ape(ctx: ProposeContext, parent: Candidate, step: number): Promise<Candidate[]> {
  if (ctx.options.mode === 'local') return localApe(ctx, parent, step);
  const count = ctx.options.candidates;
  const req = {
    meta: 'ape-resample' as const,
    values: { prompt: parent.prompt.trim(), count: String(count) },
    format: 'prompts' as const,
    temperature: TEMPERATURE.sample,
    seed: requestSeed(ctx.options, step, 'ape-resample'),
  };
  return wholeProposals(ctx, parent, parent.prompt, req, count, step, REASON);
}
