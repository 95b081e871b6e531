// On-disk response cache: re-running a review on an unchanged prompt costs nothing and gives the
// same numbers. One JSON file per request, so concurrent runs and partial writes cannot corrupt
// other entries.

import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, errorMessage } from '../core/errors.js';
import type { ChatMessage } from '../core/types.js';

/** Bump when the key recipe or the file layout changes, so old entries become misses instead of lies. */
export const CACHE_FORMAT_VERSION = 1;

/** What identifies a response. Deliberately no API key: rotating a key must not invalidate the cache. */
export interface CacheKeyInput {
  baseURL: string;
  model: string;
  messages: ChatMessage[];
  params: Record<string, unknown>;
  response_format?: unknown;
}

export interface CachedResponse {
  text: string;
  finishReason: string;
  promptTokens: number;
  completionTokens: number;
  /** The answer came from the offline simulator: kept so cached figures stay labelled simulated. */
  simulated?: boolean;
}

// The file is read back from disk, which anyone (or a crashed run) may have edited: validate it.
const cacheFileSchema = z.object({
  version: z.literal(CACHE_FORMAT_VERSION),
  key: z.string(),
  response: z.object({
    text: z.string(),
    finishReason: z.string(),
    promptTokens: z.number().int().nonnegative(),
    completionTokens: z.number().int().nonnegative(),
    simulated: z.boolean().optional(),
  }),
});

/**
 * Host and path of the endpoint (`api.openai.com/v1`). Scheme, credentials embedded in the URL and
 * query strings are left out: they do not change which model answers, and credentials must never
 * reach a file name or a cache key.
 */
export function endpointId(baseURL: string): string {
  const url = new URL(baseURL);
  return `${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * JSON with object keys sorted at every level, so `{a, b}` and `{b, a}` hash alike. Follows
 * JSON.stringify otherwise: undefined and functions are dropped from objects, and only own
 * enumerable keys count (the SDK's zodResponseFormat hides its parser in non-enumerable ones).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value));
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : normalize(item)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined || typeof item === 'function') continue;
      out[key] = normalize(item);
    }
    return out;
  }
  return value;
}

export function cacheKey(input: CacheKeyInput): string {
  const canonical = canonicalJson({
    v: CACHE_FORMAT_VERSION,
    endpoint: endpointId(input.baseURL),
    model: input.model,
    messages: input.messages,
    params: input.params,
    response_format: input.response_format ?? null,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

export class ResponseCache {
  constructor(readonly dir: string) {}

  /** `<dir>/<first 2 hex>/<key>.json`: the fan-out keeps directories small on big datasets. */
  pathFor(key: string): string {
    // Keys are our own sha256 hex; anything else would let a caller escape the cache directory.
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`invalid cache key ${JSON.stringify(key)}`);
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** A missing, unreadable, corrupt or foreign file is a miss; the next `set` overwrites it. */
  async get(key: string): Promise<CachedResponse | null> {
    let text: string;
    try {
      text = await readFile(this.pathFor(key), 'utf8');
    } catch {
      return null;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return null;
    }
    const parsed = cacheFileSchema.safeParse(json);
    if (!parsed.success || parsed.data.key !== key) return null;
    return parsed.data.response;
  }

  /**
   * Written to a temporary file and renamed into place: rename is atomic on one file system, so a
   * reader (or a concurrent run) sees either the old file or the complete new one.
   */
  async set(key: string, response: CachedResponse): Promise<void> {
    const path = this.pathFor(key);
    const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
    const body = `${JSON.stringify({ version: CACHE_FORMAT_VERSION, key, response }, null, 2)}\n`;
    try {
      await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
      await writeFile(tmp, body, 'utf8');
      await rename(tmp, path);
    } catch (error) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw new ConfigError(
        `cannot write LLM cache file ${path}: ${errorMessage(error)} (expected a writable cacheDir, or cacheDir: null to disable the cache)`,
      );
    }
  }

  /** Drops an entry whose answer turned out unusable, so the next run asks the model again. */
  async delete(key: string): Promise<void> {
    await rm(this.pathFor(key), { force: true });
  }
}
