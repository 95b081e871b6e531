// The one place that talks to a model: any OpenAI-compatible endpoint through the official SDK,
// with bounded concurrency, a disk cache, usage accounting and errors safe to print.

import OpenAI from 'openai';
import { extractJson } from './extract-json.js';
import { httpFetch } from './http-fetch.js';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import pLimit, { type LimitFunction } from 'p-limit';
import type { z } from 'zod';
import { DEFAULT_CONCURRENCY } from '../config/settings.js';
import { errorMessage } from '../core/errors.js';
import type { UsageSnapshot } from '../core/types.js';
import { type CachedResponse, cacheKey, ResponseCache } from './cache.js';
import { Ceiling, type Ceilings } from './ceiling.js';
import { Reachability } from './reachability.js';
import { checkBaseURL, checkInteger } from './client-options.js';
import {
  type ChatRequest,
  type ChatResult,
  cleanDetail,
  isOpenAIHosted,
  LlmError,
  type LlmOptions,
  scrubAnswer,
} from './request.js';
import { answerFailure, readReply, sdkFailure } from './reply.js';
import { UsageCounter } from './usage.js';
import { type EmbedResult, embedThrough } from './embeddings.js';

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

  private readonly ceiling: Ceiling | null;
  /** Requests in flight at most: the one throttle; callers size their worker pools from it. */
  readonly concurrency: number;

  constructor(private readonly opts: LlmOptions & { ceilings?: Ceilings }) {
    this.ceiling = opts.ceilings ? new Ceiling(opts.ceilings, () => this.counter.snapshot()) : null;
    this.endpoint = checkBaseURL(opts.baseURL);
    this.timeoutMs = checkInteger('timeoutMs', opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, 1);
    this.maxRetries = checkInteger('maxRetries', opts.maxRetries ?? DEFAULT_MAX_RETRIES, 0);
    const concurrency = checkInteger('concurrency', opts.concurrency ?? DEFAULT_CONCURRENCY, 1);
    this.concurrency = concurrency;
    this.limit = pLimit(concurrency);
    this.reachability = new Reachability(concurrency);
    this.cache = opts.cacheDir
      ? new ResponseCache(opts.cacheDir, { apiKey: opts.apiKey, baseURL: opts.baseURL }, () =>
          this.counter.recordCacheIgnored(),
        )
      : null;
    this.sdk = new OpenAI({
      baseURL: opts.baseURL,
      apiKey: opts.apiKey || NO_KEY_PLACEHOLDER,
      // Explicit nulls: an OPENAI_ORG_ID meant for another tool must not be sent to a different endpoint.
      organization: null,
      project: null,
      timeout: this.timeoutMs,
      maxRetries: this.maxRetries,
      // Only tests inject a fetch; the default reads bodies under the timeout (see http-fetch.ts).
      fetch:
        opts.fetch ??
        httpFetch(opts.maxResponseBytes === undefined ? {} : { maxResponseBytes: opts.maxResponseBytes }),
    });
  }

  /**
   * Throws LlmError after retries, or for a reply that breaks the API. An answer the prompt made
   * unusable (cut off, filtered, refused, empty) is returned: see answerFailure in reply.ts.
   */
  chat(request: ChatRequest): Promise<ChatResult> {
    let req: ChatRequest;
    try {
      req = this.ceiling ? this.ceiling.shape(request) : request;
    } catch (error) {
      return Promise.reject(error);
    }
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
    const failure = answerFailure(result);
    if (failure === 'refused' || failure === 'filtered') {
      const why = result.refusal ?? 'blocked by the content filter';
      throw new LlmError('refusal', `${this.where(req.model)} refused: ${this.clean(why)}`);
    }
    const json = extractJson(result.text);
    const parsed = json === undefined ? undefined : schema.safeParse(json);
    if (parsed?.success) return { value: parsed.data, result };
    // A bad answer must not be replayed from the cache forever: the next run asks again.
    await this.cache?.delete(this.keyOf(full));
    if (failure === 'truncated') {
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

  /** One vector per text, asked under chat's rules: allowed models, ceilings, cache, retries, usage. */
  embed(model: string, texts: string[]): Promise<EmbedResult> {
    const { sdk, ceiling, counter, cache, limit } = this;
    const where = (m: string) => this.where(m);
    const toLlmError = (error: unknown, m: string) => this.toLlmError(error, m);
    const port = { sdk, ceiling, counter, cache, limit, where, toLlmError, baseURL: this.opts.baseURL };
    return embedThrough(port, model, texts);
  }

  usage(): UsageSnapshot {
    return this.counter.snapshot();
  }

  /** The ceiling's refusal once the run's requests or tokens ran out (then nothing new should start). */
  exhausted(): LlmError | null {
    return this.ceiling?.exhausted() ?? null;
  }

  /** What the run's ceilings still allow; null where there is none. */
  remaining(): { calls: number | null; tokens: number | null } {
    return { calls: this.ceiling?.remainingCalls() ?? null, tokens: this.ceiling?.remainingTokens() ?? null };
  }

  /** What the run's ceilings have counted so far; null for a client without ceilings. */
  ceilingUse(): ReturnType<Ceiling['used']> | null {
    return this.ceiling?.used() ?? null;
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
    // Masked before it is cached or shown: an endpoint can echo the key in any form (core/secrets.ts).
    const result = scrubAnswer(await this.limit(() => this.complete(req)), this.opts.apiKey);
    // Only usable answers: a cut-off, filtered, refused or empty one is asked again next run.
    if (this.cache && answerFailure(result, req.response_format) === undefined) {
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
    this.ceiling?.admit();
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
    // From here on the body is the server's word, typed or not (see reply.ts).
    let reply: ReturnType<typeof readReply>;
    try {
      reply = readReply(completion, this.where(req.model));
    } catch (error) {
      this.counter.recordFailure();
      throw error;
    }
    if (reply.fingerprint === SIMULATOR_FINGERPRINT) this.sawSimulator = true;
    this.counter.recordCall(reply.result.promptTokens, reply.result.completionTokens);
    return reply.result;
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
    return sdkFailure(error, {
      where: this.where(model),
      attempts: this.maxRetries + 1,
      timeoutMs: this.timeoutMs,
      clean: (text) => this.clean(text),
    });
  }

  private where(model: string): string {
    return `LLM ${model} at ${this.endpoint}`;
  }

  /** One line, bounded, with the key (and anything shaped like a key) masked. */
  private clean(text: string): string {
    return cleanDetail(text, this.opts.apiKey);
  }
}

export { extractJson } from './extract-json.js';
