// PE2 (Ye et al. 2023): one conversation. Turn 1 is step 1, the per-example reasoning over the
// failures with the template and the refinement history; the model's whole reply stays in the
// conversation, and "now proceed with step 2" asks for the edit: a rewrite (global), or LPO's
// identify then propose (local), in TAGGINGS branches of the same conversation so that the
// proposals do not all share one set of tags.
import type { ExampleResult } from '../../core/types.js';
import { type Answer, ask } from '../ask.js';
import { failuresText } from '../failures.js';
import { renderTagged } from '../tags.js';
import type { Candidate, OptimizeOptions } from '../types.js';
import { wholeProposals } from './global.js';
import { identify, reasonsText, spanProposals } from './local.js';
import {
  cleanReasons,
  minibatch,
  type ProposeContext,
  requestSeed,
  shares,
  TAGGINGS,
  templateText,
  TEMPERATURE,
} from './shared.js';

/** Earlier steps kept in the history: enough to see a trend, short enough to read. */
const HISTORY_STEPS = 3;

export function pe2Branches(options: OptimizeOptions): number[] {
  return shares(options.candidates, Math.min(TAGGINGS, options.candidates));
}

export function pe2Cost(options: OptimizeOptions): { requests: number; proposals: number } {
  const requests = options.mode === 'local' ? 1 + 2 * pe2Branches(options).length : 2;
  return { requests, proposals: options.candidates };
}

/** PE2's optimization history: the edits that led to this prompt, and the pool's lessons (GEPA). */
export function historyText(parent: Candidate, lessons: string[]): string {
  const lines: string[] = [];
  for (let c: Candidate | null = parent; c?.parent && lines.length < HISTORY_STEPS; c = c.parent) {
    const what = c.edits.map((e) =>
      e.old === c!.parent!.prompt
        ? `rewrote the whole prompt (${e.reason})`
        : `"${e.old}" → "${e.new}" (${e.reason})`,
    );
    lines.unshift(`- Step ${c.step}: ${what.join('; ') || 'no change recorded'}`);
  }
  const own = lines.length > 0 ? lines.join('\n') : '(none: this is the first refinement of the prompt)';
  if (lessons.length === 0) return own;
  return `${own}\nLessons from other prompts that do better on other examples:\n${lessons.map((l) => `- ${l}`).join('\n')}`;
}

async function localStep2(ctx: ProposeContext, parent: Candidate, turn1: Answer<'reflection'>, step: number) {
  const out: Candidate[] = [];
  for (const [branch, count] of pe2Branches(ctx.options).entries()) {
    const seed = (role: string) => requestSeed(ctx.options, step, role, branch);
    const identified = await identify(ctx, parent.prompt, {
      meta: 'pe2-identify',
      values: { prompt: parent.prompt, max_words: String(ctx.options.maxEditWords) },
      format: 'tagged',
      temperature: TEMPERATURE.sample,
      seed: seed('pe2-identify'),
      history: turn1.messages,
    });
    if (!identified) continue;
    const { t, answer } = identified;
    const req = {
      meta: 'pe2-propose' as const,
      values: { prompt: renderTagged(t), reasons: reasonsText(t), count: String(count) },
      format: 'edits' as const,
      temperature: TEMPERATURE.sample,
      seed: seed('pe2-propose'),
      history: answer.messages,
    };
    out.push(...(await spanProposals(ctx, parent, t, t, req, count, step)).candidates);
  }
  return out;
}

export async function pe2(
  ctx: ProposeContext,
  parent: Candidate,
  step: number,
  failures: ExampleResult[],
  lessons: string[],
): Promise<Candidate[]> {
  const turn1 = await ask(ctx.ask, {
    meta: 'pe2-reflect',
    values: {
      template: templateText(ctx.task),
      history: historyText(parent, lessons),
      prompt: parent.prompt.trim(),
      failures: failuresText(minibatch(ctx.options, failures, step)),
    },
    format: 'reflection',
    temperature: TEMPERATURE.reflect,
    seed: requestSeed(ctx.options, step, 'pe2-reflect'),
  });
  if (!turn1) return [];
  if (ctx.options.mode === 'local') return localStep2(ctx, parent, turn1, step);
  const count = ctx.options.candidates;
  const reason = cleanReasons(turn1.value.reasons)[0] ?? 'rewritten from the step-1 analysis';
  const req = {
    meta: 'pe2-rewrite' as const,
    values: { prompt: parent.prompt.trim(), count: String(count) },
    format: 'prompts' as const,
    temperature: TEMPERATURE.sample,
    seed: requestSeed(ctx.options, step, 'pe2-rewrite'),
    history: turn1.messages,
  };
  return wholeProposals(ctx, parent, parent.prompt, req, count, step, reason);
}
