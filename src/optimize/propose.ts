// One parent's proposals for one step: the method's feedback (APO gradients, PE2 reflection, APE none),
// then either LPO identify + propose (local) or whole-prompt proposals (global).
import { createHash } from 'node:crypto';
import type { EvalTask, ExampleResult } from '../core/types.js';
import { type AskContext, ask, PromptsSchema, ReasonsSchema, ReflectionSchema, TaggedSchema } from './ask.js';
import { failuresText } from './failures.js';
import { cleanGlobal, enforceLocal, parseTagged, renderTagged } from './tags.js';
import type { Candidate, OptimizeOptions } from './types.js';
import { changedWords } from './words.js';

/** ProTeGi's minibatch of errors: small enough that the optimizer reasons about each one. */
const MINIBATCH = 4;
/** Identify and gradients want the most likely reading; proposals want variety. */
const ANALYSIS_TEMPERATURE = 0;
const PROPOSAL_TEMPERATURE = 0.7;

const GUIDANCE = {
  ape: 'Write variations of the tagged words that keep their meaning but may be clearer to the model.',
  apo: 'Change the tagged words so that the problems named above are fixed.',
  pe2: 'Change the tagged words as the analysis above says the prompt needs.',
} as const;

export interface ProposeContext {
  ask: AskContext;
  task: EvalTask;
  options: OptimizeOptions;
  head: string;
}

export interface Feedback {
  text: string;
  reasons: string[];
}

function unit(...parts: (string | number)[]): number {
  return createHash('sha256').update(parts.join('\u001f')).digest().readUInt32BE(0) / 2 ** 32;
}

/** The request template, showing where the prompt sits (PE2's context specification). */
export function templateText(task: EvalTask): string {
  return task.messages.map((m) => `[${m.role}]\n${m.content}`).join('\n\n');
}

/** Failures in a seeded order, so each step shows the optimizer a different minibatch. */
function minibatch(failures: ExampleResult[], seed: number, step: number): ExampleResult[] {
  return [...failures].sort((a, b) => unit(seed, step, a.id) - unit(seed, step, b.id)).slice(0, MINIBATCH);
}

export async function feedbackFor(
  ctx: ProposeContext,
  parent: Candidate,
  failures: ExampleResult[],
  step: number,
): Promise<Feedback> {
  const { method, seed } = ctx.options;
  const shown = failuresText(minibatch(failures, seed, step));
  if (method === 'ape') return { text: '(none: APE proposes variations that keep the meaning)', reasons: [] };
  if (method === 'apo') {
    const reply = await ask(
      ctx.ask,
      'apo-gradient',
      { prompt: parent.prompt.trim(), failures: shown },
      { name: 'reasons', schema: ReasonsSchema },
      ANALYSIS_TEMPERATURE,
    );
    const reasons = (reply?.reasons ?? []).map((r) => r.trim()).filter(Boolean);
    return {
      text: reasons.length ? reasons.map((r, i) => `${i + 1}. ${r}`).join('\n') : '(no analysis)',
      reasons,
    };
  }
  const reply = await ask(
    ctx.ask,
    'pe2-reflect',
    { prompt: parent.prompt.trim(), template: templateText(ctx.task), failures: shown },
    { name: 'reflection', schema: ReflectionSchema },
    ANALYSIS_TEMPERATURE,
  );
  const reasons = (reply?.reasons ?? []).map((r) => r.trim()).filter(Boolean);
  const analysis = reply?.analysis.trim();
  const list = reasons.map((r, i) => `${i + 1}. ${r}`).join('\n');
  return { text: [analysis, list].filter(Boolean).join('\n') || '(no analysis)', reasons };
}

function child(
  ctx: ProposeContext,
  parent: Candidate,
  prompt: string,
  edits: Candidate['edits'],
  step: number,
): Candidate {
  return { prompt, parent, step, edits, size: changedWords(ctx.head, prompt) };
}

async function localProposals(
  ctx: ProposeContext,
  parent: Candidate,
  feedback: Feedback,
  failures: string,
  step: number,
) {
  const { tally } = ctx.ask;
  const identified = await ask(
    ctx.ask,
    'lpo-identify',
    {
      prompt: parent.prompt,
      template: templateText(ctx.task),
      feedback: feedback.text,
      failures,
      max_words: String(ctx.options.maxEditWords),
    },
    { name: 'tagged', schema: TaggedSchema },
    ANALYSIS_TEMPERATURE,
  );
  if (!identified) return [];
  const tagged = parseTagged(
    parent.prompt,
    identified.prompt,
    identified.reasons,
    ctx.options.maxEditWords,
    tally,
  );
  if (!tagged) return [];
  const reply = await ask(
    ctx.ask,
    'lpo-propose',
    {
      prompt: renderTagged(tagged),
      reasons: tagged.reasons.map((r, i) => `${i + 1}. "${tagged.spans[i]}": ${r}`).join('\n'),
      feedback: feedback.text,
      guidance: GUIDANCE[ctx.options.method],
      failures,
      count: String(ctx.options.candidates),
    },
    { name: 'prompts', schema: PromptsSchema },
    PROPOSAL_TEMPERATURE,
  );
  const out: Candidate[] = [];
  for (const proposal of (reply?.prompts ?? []).slice(0, ctx.options.candidates)) {
    const outcome = enforceLocal(tagged, proposal, tally);
    if (outcome.ok) out.push(child(ctx, parent, outcome.prompt, outcome.edits, step));
    else tally.discard(outcome.why);
  }
  return out;
}

async function globalProposals(
  ctx: ProposeContext,
  parent: Candidate,
  feedback: Feedback,
  failures: string,
  step: number,
) {
  const { tally } = ctx.ask;
  const count = String(ctx.options.candidates);
  const reply =
    ctx.options.method === 'ape'
      ? await ask(
          ctx.ask,
          'ape-resample',
          { prompt: parent.prompt.trim(), count },
          { name: 'prompts', schema: PromptsSchema },
          PROPOSAL_TEMPERATURE,
        )
      : await ask(
          ctx.ask,
          'lpo-global',
          {
            prompt: parent.prompt.trim(),
            template: templateText(ctx.task),
            feedback: feedback.text,
            failures,
            count,
          },
          { name: 'prompts', schema: PromptsSchema },
          PROPOSAL_TEMPERATURE,
        );
  const reason =
    feedback.reasons[0] ??
    (ctx.options.method === 'ape' ? 'resampled variation of the prompt' : 'global rewrite');
  const out: Candidate[] = [];
  for (const proposal of (reply?.prompts ?? []).slice(0, ctx.options.candidates)) {
    const outcome = cleanGlobal(parent.prompt, proposal, tally);
    if (outcome.ok)
      out.push(
        child(ctx, parent, outcome.prompt, [{ old: parent.prompt, new: outcome.prompt, reason }], step),
      );
    else tally.discard(outcome.why);
  }
  return out;
}

/** Proposals from one parent. Throws BudgetExhausted (from ask) when the optimizer cannot be asked. */
export async function proposeFrom(
  ctx: ProposeContext,
  parent: Candidate,
  step: number,
): Promise<Candidate[]> {
  const failures = (parent.dev?.results ?? []).filter((r) => r.verdict !== 'correct');
  if (failures.length === 0 && ctx.options.method !== 'ape') return [];
  const feedback = await feedbackFor(ctx, parent, failures, step);
  const shown = failuresText(minibatch(failures, ctx.options.seed, step));
  return ctx.options.mode === 'local'
    ? localProposals(ctx, parent, feedback, shown, step)
    : globalProposals(ctx, parent, feedback, shown, step);
}
