// One optimizer request: structured output (zod schema as response_format) where the endpoint supports
// it, else the meta-prompt's plain-text format read by a tolerant parser. Replies are untrusted.
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { type LlmClient, LlmError } from '../llm/client.js';
import type { Budget } from './budget.js';
import { type MetaPromptName, renderMetaPrompt } from './meta-prompts.js';
import type { Tally } from './tally.js';

/** A structured request that fails is asked again in plain text: at most two calls per request. */
const CALLS_PER_REQUEST = 2;

// Root objects, every field required (OpenAI structured outputs reject optional fields).
export const PromptsSchema = z.object({ prompts: z.array(z.string()) });
export const TaggedSchema = z.object({ prompt: z.string(), reasons: z.array(z.string()) });
export const ReasonsSchema = z.object({ reasons: z.array(z.string()) });
export const ReflectionSchema = z.object({ analysis: z.string(), reasons: z.array(z.string()) });

const JSON_NOTE: Record<string, string> = {
  prompts: 'Return the versions as a JSON object {"prompts": [ ...each version as one string... ]}.',
  tagged: 'Return a JSON object {"prompt": the tagged prompt, "reasons": [one reason per tag, in order]}.',
  reasons: 'Return a JSON object {"reasons": [ ...one string per reason... ]}.',
  reflection: 'Return a JSON object {"analysis": your reasoning, "reasons": [ ...one string per edit... ]}.',
};

/** Every `<prompt>` … `</prompt>` block, in order (tags on their own lines or inline). */
export function promptBlocks(text: string): string[] {
  return [...text.matchAll(/<prompt>[ \t]*\r?\n?([\s\S]*?)\r?\n?[ \t]*<\/prompt>/g)].map((m) => m[1]!);
}

/** Numbered or bulleted lines ("1. …", "2) …", "- …") outside the prompt blocks. */
export function listItems(text: string): string[] {
  const rest = text.replace(/<prompt>[\s\S]*?<\/prompt>/g, '');
  return [...rest.matchAll(/^[ \t]*(?:\d+[.)]|[-*•])[ \t]+(.+?)\s*$/gm)].map((m) => m[1]!);
}

export const fromText = {
  prompts: (text: string) => {
    const prompts = promptBlocks(text);
    return prompts.length > 0 ? { prompts } : null;
  },
  tagged: (text: string) => {
    const prompt = promptBlocks(text)[0];
    return prompt === undefined ? null : { prompt, reasons: listItems(text) };
  },
  reasons: (text: string) => {
    const reasons = listItems(text);
    return reasons.length > 0 ? { reasons } : null;
  },
  reflection: (text: string) => {
    const reasons = listItems(text);
    const analysis = /^\s*Analysis:\s*(.+)$/im.exec(text)?.[1]?.trim() ?? '';
    return reasons.length > 0 ? { analysis, reasons } : null;
  },
};

export interface AskContext {
  client: LlmClient;
  model: string;
  seed: number;
  budget: Budget;
  tally: Tally;
  /** Calls to keep free for work already promised (the test evaluation of a new best). */
  keep: number;
  /** Turned off for the rest of the run once the endpoint rejects response_format. */
  structured: boolean;
}

export class BudgetExhausted extends Error {
  override name = 'BudgetExhausted';
}

/**
 * Sends one meta-prompt and returns the parsed reply, or null when the reply is unusable (counted).
 * Throws BudgetExhausted when the request does not fit the budget.
 */
export async function ask<T>(
  ctx: AskContext,
  meta: MetaPromptName,
  values: Record<string, string>,
  format: { name: keyof typeof fromText; schema: z.ZodType<T> },
  temperature: number,
): Promise<T | null> {
  const content = renderMetaPrompt(meta, values);
  const base = { model: ctx.model, temperature, seed: ctx.seed };
  const outcome = await ctx.budget.within(
    CALLS_PER_REQUEST,
    ctx.keep,
    async (): Promise<{ value: T | null }> => {
      if (ctx.structured) {
        const messages = [{ role: 'user' as const, content: `${content}\n\n${JSON_NOTE[format.name]}` }];
        try {
          return {
            value: (await ctx.client.parse({ ...base, messages }, format.schema, `lpo_${format.name}`)).value,
          };
        } catch (error) {
          if (!(error instanceof LlmError)) throw error;
          if (error.kind === 'http' && error.status === 400) {
            ctx.structured = false;
            ctx.tally.repaired('response-format-unsupported');
          } else if (['invalid', 'refusal', 'length'].includes(error.kind)) {
            ctx.tally.repaired(`structured-reply-${error.kind}`);
          } else {
            ctx.tally.discard('optimizer-error');
            return { value: null };
          }
        }
      }
      try {
        const result = await ctx.client.chat({ ...base, messages: [{ role: 'user', content }] });
        if (result.finishReason === 'length') {
          ctx.tally.discard('optimizer-reply-truncated');
          return { value: null };
        }
        // A refusal's text is not a reply to parse; counting it as garbage would hide what happened.
        if (result.refusal !== undefined) {
          ctx.tally.discard('optimizer-refusal');
          return { value: null };
        }
        const parsed = fromText[format.name](result.text) as T | null;
        if (parsed === null) ctx.tally.discard('garbage');
        return { value: parsed };
      } catch (error) {
        if (error instanceof ConfigError || !(error instanceof LlmError)) throw error;
        ctx.tally.discard('optimizer-error');
        return { value: null };
      }
    },
  );
  if (outcome === null) throw new BudgetExhausted('budget exhausted');
  return outcome.value;
}
