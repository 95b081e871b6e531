// The endpoint's reply, read as the untrusted input it is. Every field used is checked (a reply that
// breaks the API is a `protocol` error of that request), token counts must be real counts, and what
// an answer means for the prompt (usable, or cut off, filtered, refused, …) is a typed kind.
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type { AnswerFailure } from '../core/types.js';
import { extractJson } from './extract-json.js';
import { ResponseTooLargeError } from './http-fetch.js';
import { type ChatResult, causeChain, LlmError } from './request.js';

export interface Reply {
  result: ChatResult;
  /** The reply's `system_fingerprint`, when it is a string. */
  fingerprint: string | null;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a bad value looked like, short enough for a one-line message. */
function shown(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * A token count as the budget needs it: absent (many local servers send no usage) is 0; anything
 * else must be a whole number a sum can hold exactly, so `1e308`, `-1` or `"12"` fail the request
 * instead of turning the totals into NaN, Infinity or a silent 0.
 */
function tokenCount(usage: Json, field: string, where: string): number {
  const value = usage[field];
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new LlmError(
    'protocol',
    `${where}: usage.${field} is ${shown(value)}; expected a whole number of tokens`,
  );
}

function usageOf(body: Json, where: string): { promptTokens: number; completionTokens: number } {
  const usage = body.usage;
  if (usage === undefined || usage === null) return { promptTokens: 0, completionTokens: 0 };
  if (!isObject(usage)) {
    throw new LlmError('protocol', `${where}: usage is ${shown(usage)}; expected an object of token counts`);
  }
  return {
    promptTokens: tokenCount(usage, 'prompt_tokens', where),
    completionTokens: tokenCount(usage, 'completion_tokens', where),
  };
}

/**
 * The chat completion in `body` (what the SDK parsed, typed or not). `where` names the model and
 * endpoint in messages. A missing or null content is an empty answer, not an error: the prompt got
 * a reply, and an empty one counts against it (see answerFailure).
 */
export function readReply(body: unknown, where: string): Reply {
  if (!isObject(body)) {
    throw new LlmError('protocol', `${where}: response is not a chat completion (no JSON object)`);
  }
  const tokens = usageOf(body, where);
  const choice = Array.isArray(body.choices) ? body.choices[0] : undefined;
  if (!isObject(choice) || !isObject(choice.message)) {
    throw new LlmError('protocol', `${where}: response has no choices[0].message`);
  }
  const { content, refusal } = choice.message;
  if (content !== undefined && content !== null && typeof content !== 'string') {
    throw new LlmError('protocol', `${where}: message content is ${shown(content)}; expected text`);
  }
  const finishReason = typeof choice.finish_reason === 'string' ? choice.finish_reason : 'unknown';
  const text = typeof content === 'string' ? content : '';
  const result: ChatResult = { text, finishReason, cached: false, ...tokens };
  if (typeof refusal === 'string' && refusal !== '') result.refusal = refusal;
  const fingerprint = typeof body.system_fingerprint === 'string' ? body.system_fingerprint : null;
  return { result, fingerprint };
}

export interface FailureContext {
  /** `LLM <model> at <endpoint>`, the start of every message. */
  where: string;
  attempts: number;
  timeoutMs: number;
  /** Makes endpoint text safe to show: one line, bounded, secrets masked. */
  clean: (text: string) => string;
}

/** What the SDK threw, as an LlmError; anything that is not the endpoint's doing is returned as is (a bug). */
export function sdkFailure(error: unknown, ctx: FailureContext): unknown {
  const { where } = ctx;
  const attempts = `${ctx.attempts} attempt${ctx.attempts === 1 ? '' : 's'}`;
  if (error instanceof APIConnectionTimeoutError) {
    return new LlmError('timeout', `${where}: no answer within ${ctx.timeoutMs} ms (${attempts})`);
  }
  if (error instanceof APIConnectionError) {
    return new LlmError(
      'connection',
      `${where}: connection failed (${attempts}): ${ctx.clean(causeChain(error))}`,
    );
  }
  if (error instanceof APIError && error.status !== undefined) {
    const body = error.error as { message?: unknown } | undefined;
    const detail = typeof body?.message === 'string' ? body.message : error.message;
    return new LlmError('http', `${where}: HTTP ${error.status}: ${ctx.clean(detail)}`, error.status);
  }
  // A 200 whose body is not JSON: the server is broken, not our code.
  if (error instanceof SyntaxError)
    return new LlmError('protocol', `${where}: response body is not valid JSON`);
  // Not retried (see http-fetch.ts): the same endpoint would send the same oversized answer again.
  if (error instanceof ResponseTooLargeError) {
    return new LlmError(
      'protocol',
      `${where}: response body exceeds ${error.limit} bytes (max-response-bytes); not read further`,
    );
  }
  return error;
}

/** True when the request asked for JSON (`json_object` or `json_schema`). */
export function wantsJson(responseFormat: unknown): boolean {
  const type = isObject(responseFormat) ? responseFormat.type : undefined;
  return type === 'json_object' || type === 'json_schema';
}

/**
 * Why an answer is unusable as the prompt's answer, or undefined when it is an answer to score.
 * The filter and a refusal come first: their content, if any, is not the model's answer.
 */
export function answerFailure(
  result: Pick<ChatResult, 'text' | 'finishReason' | 'refusal'>,
  responseFormat?: unknown,
): AnswerFailure | undefined {
  if (result.finishReason === 'content_filter') return 'filtered';
  if (result.refusal !== undefined) return 'refused';
  if (result.finishReason === 'length') return 'truncated';
  if (result.text.trim() === '') return 'empty';
  if (wantsJson(responseFormat) && extractJson(result.text) === undefined) return 'invalid-json';
  return undefined;
}

const DESCRIPTIONS: Record<AnswerFailure, string> = {
  truncated: 'cut off at max_tokens, finish_reason length',
  filtered: 'blocked by the content filter, finish_reason content_filter',
  refused: 'refused by the model',
  empty: 'empty',
  'invalid-json': 'not JSON, though the request asked for JSON',
};

/** One phrase for people (reports, the optimizer's view of a failure). */
export function describeFailure(kind: AnswerFailure): string {
  return DESCRIPTIONS[kind];
}
