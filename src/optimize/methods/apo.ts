// APO / ProTeGi (Pryzant et al. 2023), as its reference code expands one prompt: several error
// minibatches, one "gradient" request each, one edit per gradient, then Monte Carlo paraphrases of
// each edit (mc_samples_per_step). In local mode the edit is LPO's identify + propose on that
// gradient, so each gradient tags the prompt afresh, and the paraphrases vary the edit's spans only.
import type { ExampleResult } from '../../core/types.js';
import { ask } from '../ask.js';
import { failuresText } from '../failures.js';
import { renderTagged } from '../tags.js';
import type { Candidate, OptimizeOptions } from '../types.js';
import { wholeProposals } from './global.js';
import { identify, reasonsText, retagged, spanProposals } from './local.js';
import {
  APO_GRADIENTS,
  cleanReasons,
  feedbackText,
  minibatch,
  type ProposeContext,
  requestSeed,
  shares,
  templateText,
  TEMPERATURE,
} from './shared.js';

/** Gradients per parent, and the paraphrases of each gradient's edit, so the total is `candidates`. */
export function apoShape(options: OptimizeOptions): { gradients: number; paraphrases: number[] } {
  const gradients = Math.min(APO_GRADIENTS, options.candidates);
  return { gradients, paraphrases: shares(options.candidates - gradients, gradients) };
}

export function apoCost(options: OptimizeOptions): { requests: number; proposals: number } {
  const { gradients, paraphrases } = apoShape(options);
  const perGradient = options.mode === 'local' ? 3 : 2;
  const requests = gradients * perGradient + paraphrases.filter((n) => n > 0).length;
  return { requests, proposals: options.candidates };
}

interface Gradient {
  index: number;
  failures: string;
  feedback: string;
  reason: string;
}

async function globalEdit(ctx: ProposeContext, parent: Candidate, g: Gradient, mc: number, step: number) {
  const seed = (role: string) => requestSeed(ctx.options, step, role, g.index);
  const values = { template: templateText(ctx.task), prompt: parent.prompt.trim(), failures: g.failures };
  const edits = await wholeProposals(
    ctx,
    parent,
    parent.prompt,
    {
      meta: 'lpo-global',
      values: { ...values, feedback: g.feedback, count: '1' },
      format: 'prompts',
      temperature: TEMPERATURE.sample,
      seed: seed('apo-edit'),
    },
    1,
    step,
    g.reason,
  );
  const out = [...edits];
  for (const edit of mc > 0 ? edits : []) {
    const req = {
      meta: 'ape-resample' as const,
      values: { prompt: edit.prompt.trim(), count: String(mc) },
      format: 'prompts' as const,
      temperature: TEMPERATURE.sample,
      seed: seed('apo-paraphrase'),
    };
    out.push(...(await wholeProposals(ctx, parent, edit.prompt, req, mc, step, g.reason)));
  }
  return out;
}

async function localEdit(ctx: ProposeContext, parent: Candidate, g: Gradient, mc: number, step: number) {
  const seed = (role: string) => requestSeed(ctx.options, step, role, g.index);
  const identified = await identify(ctx, parent.prompt, {
    meta: 'lpo-identify',
    values: {
      template: templateText(ctx.task),
      prompt: parent.prompt,
      failures: g.failures,
      feedback: g.feedback,
      max_words: String(ctx.options.maxEditWords),
    },
    format: 'tagged',
    temperature: TEMPERATURE.sample,
    seed: seed('apo-identify'),
  });
  if (!identified) return [];
  const { t } = identified;
  const edit = await spanProposals(
    ctx,
    parent,
    t,
    t,
    {
      meta: 'lpo-propose',
      values: {
        prompt: renderTagged(t),
        reasons: reasonsText(t),
        failures: g.failures,
        feedback: g.feedback,
        count: '1',
      },
      format: 'edits',
      temperature: TEMPERATURE.sample,
      seed: seed('apo-propose'),
    },
    1,
    step,
  );
  const out = [...edit.candidates];
  for (const texts of mc > 0 ? edit.texts : []) {
    const spans = retagged(t, texts);
    const req = {
      meta: 'lpo-paraphrase' as const,
      values: { prompt: renderTagged(spans), count: String(mc) },
      format: 'edits' as const,
      temperature: TEMPERATURE.sample,
      seed: seed('apo-paraphrase'),
    };
    out.push(...(await spanProposals(ctx, parent, t, spans, req, mc, step)).candidates);
  }
  return out;
}

export async function apo(
  ctx: ProposeContext,
  parent: Candidate,
  step: number,
  failures: ExampleResult[],
  lessons: string[],
): Promise<Candidate[]> {
  const { gradients, paraphrases } = apoShape(ctx.options);
  const out: Candidate[] = [];
  for (let index = 0; index < gradients; index++) {
    const shown = failuresText(minibatch(ctx.options, failures, step, index));
    const reply = await ask(ctx.ask, {
      meta: 'apo-gradient',
      values: { prompt: parent.prompt.trim(), failures: shown },
      format: 'reasons',
      temperature: TEMPERATURE.sample,
      seed: requestSeed(ctx.options, step, 'apo-gradient', index),
    });
    const reasons = cleanReasons(reply?.value.reasons);
    // No gradient, nothing to apply: this minibatch's edit and paraphrases are not asked for.
    if (reasons.length === 0) {
      if (reply) ctx.ask.tally.discard('empty-gradient');
      continue;
    }
    const g = { index, failures: shown, feedback: feedbackText(reasons, lessons), reason: reasons[0]! };
    const edit = ctx.options.mode === 'local' ? localEdit : globalEdit;
    out.push(...(await edit(ctx, parent, g, paraphrases[index]!, step)));
  }
  return out;
}
