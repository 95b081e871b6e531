// Embedding requests (POST /v1/embeddings through the SDK), held to the same rules as chat: the
// allowed models, the run's ceilings, the disk cache, the SDK's retries and the usage counter.
import type OpenAI from 'openai';
import type { LimitFunction } from 'p-limit';
import { type ResponseCache, cacheKey } from './cache.js';
import type { Ceiling } from './ceiling.js';
import { LlmError } from './request.js';
import type { UsageCounter } from './usage.js';

export interface EmbedResult {
  /** One vector per text, in the order given. */
  vectors: number[][];
  cached: boolean;
}

/** What an LlmClient lends to an embedding request. */
export interface EmbedPort {
  sdk: OpenAI;
  baseURL: string;
  ceiling: Ceiling | null;
  counter: UsageCounter;
  cache: ResponseCache | null;
  limit: LimitFunction;
  where: (model: string) => string;
  toLlmError: (error: unknown, model: string) => unknown;
}

/** The vectors from an untrusted body: one finite-number array per text, all of the same length. */
function readVectors(data: unknown, count: number): number[][] | null {
  if (!Array.isArray(data) || data.length !== count) return null;
  const ordered = [...data].sort((a, b) => (a?.index ?? 0) - (b?.index ?? 0));
  const vectors = ordered.map((item) => (item as { embedding?: unknown } | null)?.embedding);
  const width = Array.isArray(vectors[0]) ? vectors[0].length : 0;
  const ok = vectors.every(
    (v) =>
      Array.isArray(v) &&
      v.length === width &&
      width > 0 &&
      v.every((x) => typeof x === 'number' && Number.isFinite(x)),
  );
  return ok ? (vectors as number[][]) : null;
}

export async function embedThrough(port: EmbedPort, model: string, texts: string[]): Promise<EmbedResult> {
  // The allowed-models check throws ConfigError, as for a chat request.
  port.ceiling?.shape({ model, messages: [] });
  const key = cacheKey({
    baseURL: port.baseURL,
    model,
    messages: texts.map((content) => ({ role: 'user', content })),
    params: { endpoint: 'embeddings' },
  });
  const hit = await port.cache?.get(key);
  const cachedVectors = hit ? readVectors(safeJson(hit.text), texts.length) : null;
  if (cachedVectors) {
    port.counter.recordCacheHit();
    return { vectors: cachedVectors, cached: true };
  }
  const response = await port.limit(async () => {
    port.ceiling?.admit();
    try {
      return await port.sdk.embeddings.create({ model, input: texts, encoding_format: 'float' });
    } catch (error) {
      port.counter.recordFailure();
      throw port.toLlmError(error, model);
    }
  });
  const vectors = readVectors((response as { data?: unknown }).data, texts.length);
  const tokens = (response as { usage?: { prompt_tokens?: unknown } }).usage?.prompt_tokens;
  if (vectors === null) {
    port.counter.recordFailure();
    throw new LlmError('protocol', `${port.where(model)}: embeddings reply without one vector per text`);
  }
  port.counter.recordCall(
    typeof tokens === 'number' && Number.isSafeInteger(tokens) && tokens >= 0 ? tokens : 0,
    0,
  );
  await port.cache?.set(key, {
    text: JSON.stringify(vectors.map((v) => ({ embedding: v }))),
    finishReason: 'stop',
    promptTokens: 0,
    completionTokens: 0,
  });
  return { vectors, cached: false };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
