// The one place that talks to a model: any OpenAI-compatible endpoint through the official SDK,
// with bounded concurrency, a disk cache, usage accounting and errors safe to print.

import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { extractJson } from './extract-json.js';
import { httpFetch } from './http-fetch.js';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import pLimit, { type LimitFunction } from 'p-limit';
import type { z } from 'zod';
import { DEFAULT_CONCURRENCY } from '../config/settings.js';
import { ConfigError, errorMessage } from '../core/errors.js';
import type { UsageSnapshot } from '../core/types.js';
import { type CachedResponse, cacheKey, endpointId, ResponseCache } from './cache.js';
import { Reachability } from './reachability.js';
import {
  type ChatRequest,
  type ChatResult,
  causeChain,
  cleanDetail,
  isOpenAIHosted,
  LlmError,
  type LlmOptions,
  toCount,
} from './request.js';
import { UsageCounter } from './usage.js';

/**
 * Per attempt. Eval answers are a few hundred tokens at most, which even a slow local model produces
 * well within a minute; a request silent for longer is almost always a dead connection or a stuck
 * queue, and a fresh attempt does better than waiting (the SDK default is 10 minutes).
 */
export const DEFAULT_TIMEOUT_MS = 60_000;
/**
 * The SDK backs off 0.5, 1, 2, 4 s (or waits what `retry-after` says) on 408/409/429/5xx and connection
 * errors. Four retries ride out a typical rate-limit window without letting a broken endpoint stall
 * a CI job for long.
 */
export const DEFAULT_MAX_RETRIES = 4;

/** The SDK insists on a non-empty key; local servers (Ollama, vLLM, LM Studio) ignore whatever is sent. */
const NO_KEY_PLACEHOLDER = 'none';

export type { ChatRequest, ChatResult, LlmErrorKind, LlmOptions } from './request.js';
export { LlmError } from './request.js';

/** The offline simulator marks its answers with this fingerprint, so reports can label them simulated. */
export const SIMULATOR_FINGERPRINT = 'lpo-simulator';

export class LlmClient {
  private readonly sdk: OpenAI;
  private readonly limit: LimitFunction;
  private readonly cache: ResponseCache | null;
  private readonly counter = new UsageCounter();
  private readonly inflight = new Map<string, Promise<ChatResult>>();
  private sawSimulator = false;
  private readonly endpoint: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly reachability: Reachability;
  /** Made once the endpoint is known to be down (see reachability.ts): every later call fails with it. */
  private unreachable: LlmError | null = null;

  constructor(private readonly opts: LlmOptions) {
    this.endpoint = checkBaseURL(opts.baseURL);
    this.timeoutMs = checkInteger('timeoutMs', opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, 1);
    this.maxRetries = checkInteger('maxRetries', opts.maxRetries ?? DEFAULT_MAX_RETRIES, 0);
    const concurrency = checkInteger('concurrency', opts.concurrency ?? DEFAULT_CONCURRENCY, 1);
    this.limit = pLimit(concurrency);
    this.reachability = new Reachability(concurrency);
    this.cache = opts.cacheDir ? new ResponseCache(opts.cacheDir) : null;
    this.sdk = new OpenAI({
      baseURL: opts.baseURL,
      apiKey: opts.apiKey || NO_KEY_PLACEHOLDER,
      // Explicit nulls: an OPENAI_ORG_ID meant for another tool must not be sent to a different endpoint.
      organization: null,
      project: null,
      timeout: this.timeoutMs,
      maxRetries: this.maxRetries,
      // Only tests inject a fetch; the default reads bodies under the timeout (see http-fetch.ts).
      fetch: opts.fetch ?? httpFetch(),
    });
  }

  /** Throws LlmError after retries. A `length` finish is returned, not thrown: the caller decides. */
  chat(req: ChatRequest): Promise<ChatResult> {
    const key = this.keyOf(req);
    const pending = this.inflight.get(key);
    if (pending) {
      // An identical request is already on the wire: share its answer instead of paying twice.
      return pending.then((result) => {
        this.counter.recordCacheHit();
        return { ...result, cached: true };
      });
    }
    const promise = this.answer(key, req).finally(() => this.inflight.delete(key));
    this.inflight.set(key, promise);
    return promise;
  }

  /**
   * Structured output. The schema is sent as `response_format`, but servers that ignore it are
   * common (older vLLM, Ollama without format support), so the answer is always validated here.
   */
  async parse<T>(
    req: ChatRequest,
    schema: z.ZodType<T>,
    name: string,
  ): Promise<{ value: T; result: ChatResult }> {
    const full: ChatRequest = { ...req, response_format: zodResponseFormat(schema, name) };
    const result = await this.chat(full);
    if (result.refusal !== undefined) {
      throw new LlmError('refusal', `${this.where(req.model)} refused: ${this.clean(result.refusal)}`);
    }
    const json = extractJson(result.text);
    const parsed = json === undefined ? undefined : schema.safeParse(json);
    if (parsed?.success) return { value: parsed.data, result };
    // A bad answer must not be replayed from the cache forever: the next run asks again.
    await this.cache?.delete(this.keyOf(full));
    if (result.finishReason === 'length') {
      throw new LlmError(
        'length',
        `${this.where(req.model)}: answer cut off at max_tokens before the JSON ended`,
      );
    }
    const problem = parsed
      ? parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
      : `no JSON object in the answer ${JSON.stringify(result.text.slice(0, 80))}`;
    throw new LlmError(
      'invalid',
      `${this.where(req.model)}: answer does not match ${name}: ${this.clean(problem)}`,
    );
  }

  usage(): UsageSnapshot {
    return this.counter.snapshot();
  }

  /** True once any answer (fresh or cached) came from the offline simulator. */
  simulated(): boolean {
    return this.sawSimulator;
  }

  private keyOf(req: ChatRequest): string {
    return cacheKey({
      baseURL: this.opts.baseURL,
      model: req.model,
      messages: req.messages.map(({ role, content }) => ({ role, content })),
      params: { temperature: req.temperature, max_tokens: req.max_tokens, top_p: req.top_p, seed: req.seed },
      response_format: req.response_format,
    });
  }

  private async answer(key: string, req: ChatRequest): Promise<ChatResult> {
    const hit = await this.cache?.get(key);
    if (hit) {
      this.counter.recordCacheHit();
      const { simulated, ...rest } = hit;
      if (simulated) this.sawSimulator = true;
      return { ...rest, cached: true };
    }
    // Here and again in complete(): calls queued behind the deciding ones must not wait for a slot.
    if (this.reachability.down) throw this.unreachable;
    const result = await this.limit(() => this.complete(req));
    // Only complete answers: a truncated or refused one says more about this run than about the prompt.
    if (
      this.cache &&
      result.refusal === undefined &&
      !['length', 'content_filter'].includes(result.finishReason)
    ) {
      const entry: CachedResponse = {
        text: result.text,
        finishReason: result.finishReason,
        promptTokens: result.promptTokens,
        completionTokens: result.completionTokens,
        ...(this.sawSimulator ? { simulated: true } : {}),
      };
      await this.cache.set(key, entry);
    }
    return result;
  }

  private async complete(req: ChatRequest): Promise<ChatResult> {
    await this.reachability.turn();
    // Not sent, so not a failed call in the usage: only the requests that decided count.
    if (this.reachability.down) throw this.unreachable;
    this.reachability.sending();
    let completion: OpenAI.ChatCompletion;
    try {
      completion = await this.sdk.chat.completions.create(this.body(req));
    } catch (error) {
      this.counter.recordFailure();
      const failure = this.toLlmError(error, req.model);
      if (this.reachability.failed(error)) {
        this.unreachable = new LlmError('connection', this.reachability.message(errorMessage(failure)));
      }
      throw failure;
    }
    this.reachability.answered();
    // From here on the body is the server's word, typed or not: check every field we use.
    if (completion?.system_fingerprint === SIMULATOR_FINGERPRINT) this.sawSimulator = true;
    const usage = completion?.usage;
    const promptTokens = toCount(usage?.prompt_tokens);
    const completionTokens = toCount(usage?.completion_tokens);
    this.counter.recordCall(promptTokens, completionTokens);
    const choice = Array.isArray(completion?.choices) ? completion.choices[0] : undefined;
    const message = choice?.message;
    const finishReason = typeof choice?.finish_reason === 'string' ? choice.finish_reason : 'unknown';
    const base = { finishReason, cached: false, promptTokens, completionTokens };
    if (typeof message?.refusal === 'string' && message.refusal !== '') {
      return {
        ...base,
        text: typeof message.content === 'string' ? message.content : '',
        refusal: message.refusal,
      };
    }
    if (typeof message?.content === 'string') return { ...base, text: message.content };
    // Reasoning models can spend the whole budget thinking and return no content: that is a length finish.
    if (finishReason === 'length') return { ...base, text: '' };
    this.counter.recordFailure();
    throw new LlmError('empty', `${this.where(req.model)}: response has no message content`);
  }

  private body(req: ChatRequest): ChatCompletionCreateParamsNonStreaming {
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: req.model,
      messages: req.messages.map(({ role, content }) => ({ role, content })),
    };
    if (req.temperature !== undefined) body.temperature = req.temperature;
    if (req.top_p !== undefined) body.top_p = req.top_p;
    if (req.seed !== undefined) body.seed = req.seed;
    if (req.max_tokens !== undefined) {
      // OpenAI and Azure reject `max_tokens` for reasoning models; most local servers only know `max_tokens`.
      if (isOpenAIHosted(this.endpoint)) body.max_completion_tokens = req.max_tokens;
      else body.max_tokens = req.max_tokens;
    }
    if (req.response_format !== undefined) {
      body.response_format = req.response_format as ChatCompletionCreateParamsNonStreaming['response_format'];
    }
    return body;
  }

  private toLlmError(error: unknown, model: string): unknown {
    const where = this.where(model);
    const attempts = `${this.maxRetries + 1} attempt${this.maxRetries === 0 ? '' : 's'}`;
    if (error instanceof APIConnectionTimeoutError) {
      return new LlmError('timeout', `${where}: no answer within ${this.timeoutMs} ms (${attempts})`);
    }
    if (error instanceof APIConnectionError) {
      return new LlmError(
        'connection',
        `${where}: connection failed (${attempts}): ${this.clean(causeChain(error))}`,
      );
    }
    if (error instanceof APIError && error.status !== undefined) {
      const body = error.error as { message?: unknown } | undefined;
      const detail = typeof body?.message === 'string' ? body.message : error.message;
      return new LlmError('http', `${where}: HTTP ${error.status}: ${this.clean(detail)}`, error.status);
    }
    // A 200 whose body is not JSON: the server is broken, not our code.
    if (error instanceof SyntaxError)
      return new LlmError('empty', `${where}: response body is not valid JSON`);
    return error;
  }

  private where(model: string): string {
    return `LLM ${model} at ${this.endpoint}`;
  }

  /** One line, bounded, with the key (and anything shaped like a key) masked. */
  private clean(text: string): string {
    return cleanDetail(text, this.opts.apiKey);
  }
}

function checkBaseURL(baseURL: string): string {
  try {
    const url = new URL(baseURL);
    if (url.protocol === 'http:' || url.protocol === 'https:') return endpointId(baseURL);
  } catch {
    // reported below
  }
  throw new ConfigError(
    `LLM baseURL ${JSON.stringify(baseURL)} is not an http(s) URL (expected e.g. https://api.openai.com/v1)`,
  );
}

function checkInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`LLM option ${name} is ${value}; expected an integer >= ${min}`);
  }
  return value;
}

export { extractJson } from './extract-json.js';
