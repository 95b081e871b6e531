// One optimizer request: structured output (zod schema as response_format, with a short JSON note)
// where the endpoint supports it, else the plain-text format note and a tolerant parser. Exactly one
// format instruction reaches the model, the one of the mode it is asked in. Replies are untrusted.
import type { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import type { ChatMessage } from '../core/types.js';
import { type LlmClient, LlmError } from '../llm/client.js';
import type { Budget } from './budget.js';
import { type MetaPromptName, renderMetaPrompt } from './meta-prompts.js';
import {
  type FormatName,
  type FormatValue,
  fromText,
  JSON_NOTES,
  SCHEMAS,
  TEXT_NOTES,
} from './methods/formats.js';
import type { Tally } from './tally.js';

/** A structured request that fails is asked again in plain text: at most two calls per request. */
export const CALLS_PER_REQUEST = 2;

export interface AskContext {
  client: LlmClient;
  model: string;
  seed: number;
  budget: Budget;
  tally: Tally;
  /** Calls to keep free for work already promised (the test evaluation of the final prompt). */
  keep: number;
  /** Turned off for the rest of the run once the endpoint rejects response_format. */
  structured: boolean;
}

export class BudgetExhausted extends Error {
  override name = 'BudgetExhausted';
}

export interface OptimizerRequest<F extends FormatName> {
  meta: MetaPromptName;
  values: Record<string, string>;
  format: F;
  temperature: number;
  /** The step nonce (see seeds.ts): the same request in another step is another request. */
  seed: number;
  /** Earlier turns of the same conversation (PE2's step 1 before its step 2). */
  history?: ChatMessage[];
}

export interface Answer<F extends FormatName> {
  value: FormatValue<F>;
  /** The conversation including this reply, as the model wrote it, for a next turn. */
  messages: ChatMessage[];
}

/** The messages of one request in one mode: the meta-prompt and that mode's format note, last. */
export function requestMessages(req: OptimizerRequest<FormatName>, json: boolean): ChatMessage[] {
  const note = (json ? JSON_NOTES : TEXT_NOTES)[req.format];
  const content = `${renderMetaPrompt(req.meta, req.values)}\n\n${note}`;
  return [...(req.history ?? []), { role: 'user', content }];
}

type Outcome<F extends FormatName> = { answer: Answer<F> | null };

async function structured<F extends FormatName>(
  ctx: AskContext,
  req: OptimizerRequest<F>,
): Promise<Outcome<F> | 'fallback'> {
  const messages = requestMessages(req, true);
  const base = { model: ctx.model, temperature: req.temperature, seed: req.seed, messages };
  try {
    const schema = SCHEMAS[req.format] as unknown as z.ZodType<FormatValue<F>>;
    const { value, result } = await ctx.client.parse(base, schema, `lpo_${req.format}`);
    return { answer: { value, messages: [...messages, assistant(result.text)] } };
  } catch (error) {
    if (!(error instanceof LlmError)) throw error;
    if (error.kind === 'http' && error.status === 400) {
      ctx.structured = false;
      ctx.tally.repaired('response-format-unsupported');
    } else if (['invalid', 'refusal', 'length'].includes(error.kind)) {
      ctx.tally.repaired(`structured-reply-${error.kind}`);
    } else {
      ctx.tally.discard('optimizer-error');
      return { answer: null };
    }
    return 'fallback';
  }
}

async function plain<F extends FormatName>(ctx: AskContext, req: OptimizerRequest<F>): Promise<Outcome<F>> {
  const messages = requestMessages(req, false);
  try {
    const result = await ctx.client.chat({
      model: ctx.model,
      temperature: req.temperature,
      seed: req.seed,
      messages,
    });
    // A refusal's text is not a reply to parse; counting it as garbage would hide what happened.
    if (result.refusal !== undefined) {
      ctx.tally.discard('optimizer-refusal');
      return { answer: null };
    }
    const truncated = result.finishReason === 'length';
    const value = fromText(req.format, result.text, {
      truncated,
      repaired: (why) => ctx.tally.repaired(why),
    });
    if (value === null) {
      ctx.tally.discard(truncated ? 'optimizer-reply-truncated' : 'garbage');
      return { answer: null };
    }
    // What came complete before the cut is kept; the cut-off rest was dropped by the parser.
    if (truncated) ctx.tally.repaired('truncated-reply-kept-complete-part');
    return { answer: { value, messages: [...messages, assistant(result.text)] } };
  } catch (error) {
    if (error instanceof ConfigError || !(error instanceof LlmError)) throw error;
    ctx.tally.discard('optimizer-error');
    return { answer: null };
  }
}

const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });

/**
 * Sends one optimizer request and returns the parsed reply with its conversation, or null when the
 * reply is unusable (counted). Throws BudgetExhausted when the request does not fit the budget.
 */
export async function ask<F extends FormatName>(
  ctx: AskContext,
  req: OptimizerRequest<F>,
): Promise<Answer<F> | null> {
  const outcome = await ctx.budget.within(
    CALLS_PER_REQUEST,
    ctx.keep,
    async (): Promise<Outcome<F>> => {
      if (ctx.structured) {
        const first = await structured(ctx, req);
        if (first !== 'fallback') return first;
      }
      return plain(ctx, req);
    },
    'optimizer',
  );
  if (outcome === null) throw new BudgetExhausted('budget exhausted');
  return outcome.answer;
}
