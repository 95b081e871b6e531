// On-disk response cache: re-running a review on an unchanged prompt costs nothing and gives the
// same numbers. One JSON file per request, so concurrent runs and partial writes cannot corrupt
// other entries.
//
// The folder may hold files nobody trustworthy wrote: a pull request can commit `.lpo-cache/`, and
// the keys are computable from the open source. So every entry carries an HMAC keyed by a hash of
// the API key and the endpoint: an entry that does not authenticate is a miss (counted, then
// overwritten), and nothing is ever read or written through a symlink.

import { constants, lstatSync } from 'node:fs';
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { lstat, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, errorMessage } from '../core/errors.js';
import type { ChatMessage } from '../core/types.js';

/**
 * Bump when the key recipe or the file layout changes, so old entries become misses instead of lies.
 * Adding `mac` needed no bump: an entry without one never authenticates.
 */
export const CACHE_FORMAT_VERSION = 1;
/** Far above any answer we keep; a bigger file is not ours and is not read into memory. */
const MAX_ENTRY_BYTES = 16 * 1024 * 1024;

/** What identifies a response. No API key: it authenticates entries (see CacheAuth), it does not name them. */
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

/**
 * What only the one running the job knows. A keyless local endpoint (Ollama, the simulator) offers
 * no secret: anyone who knows its URL can forge entries, so there the cache's location must protect
 * it (the Action keeps it outside the workspace).
 */
export interface CacheAuth {
  apiKey: string;
  baseURL: string;
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
  mac: z.string(),
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

/** The HMAC key: a hash, so the API key itself is never held longer than needed or written anywhere. */
function macKey(auth: CacheAuth): Buffer {
  const baseURL = auth.baseURL.replace(/\/+$/, '');
  return createHash('sha256').update(`lpo-cache\0${auth.apiKey}\0${baseURL}`).digest();
}

/** An entry on disk that cannot be used; `undefined` from read() is a plain miss (nothing there). */
const UNUSABLE = Symbol('unusable');

export class ResponseCache {
  private readonly secret: Buffer;
  /** Each foreign entry counts once, however often its key is asked for. */
  private readonly ignored = new Set<string>();

  /** `onIgnored` hears of each entry that was there but not written with this key. */
  constructor(
    readonly dir: string,
    auth: CacheAuth,
    private readonly onIgnored: () => void = () => undefined,
  ) {
    this.secret = macKey(auth);
    refuseSymlink(dir);
  }

  /** `<dir>/<first 2 hex>/<key>.json`: the fan-out keeps directories small on big datasets. */
  pathFor(key: string): string {
    // Keys are our own sha256 hex; anything else would let a caller escape the cache directory.
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`invalid cache key ${JSON.stringify(key)}`);
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** The entry's HMAC, over exactly the fields get() returns. */
  mac(key: string, response: CachedResponse): string {
    return createHmac('sha256', this.secret).update(canonicalJson({ key, response })).digest('hex');
  }

  /**
   * A missing file is a miss. A file that is there but unreadable, corrupt, a symlink, or not
   * authenticated by this key is a miss too, counted as ignored; the next `set` overwrites it.
   */
  async get(key: string): Promise<CachedResponse | null> {
    const text = await this.read(key);
    if (text === undefined) return null;
    const response = text === UNUSABLE ? null : this.verify(key, text);
    if (!response && !this.ignored.has(key)) {
      this.ignored.add(key);
      this.onIgnored();
    }
    return response;
  }

  /**
   * Written to a temporary file and renamed into place: rename is atomic on one file system, so a
   * reader (or a concurrent run) sees either the old file or the complete new one. Rename replaces
   * a symlink at the entry's name; it never writes through it.
   */
  async set(key: string, answer: CachedResponse): Promise<void> {
    const path = this.pathFor(key);
    const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
    // Only the fields get() returns, so the HMAC covers exactly what is read back.
    const { text, finishReason, promptTokens, completionTokens, simulated } = answer;
    const response: CachedResponse = { text, finishReason, promptTokens, completionTokens };
    if (simulated !== undefined) response.simulated = simulated;
    const file = { version: CACHE_FORMAT_VERSION, key, response, mac: this.mac(key, response) };
    try {
      await this.realShard(key);
      // 'wx': a fresh file, never an existing name (or a link someone planted there).
      await writeFile(tmp, `${JSON.stringify(file, null, 2)}\n`, { encoding: 'utf8', flag: 'wx' });
      const there = await lstat(path).catch(() => null);
      if (there?.isDirectory()) await rm(path, { recursive: true, force: true });
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
    const path = this.pathFor(key);
    // Through a symlinked shard this would delete a file somewhere else.
    if ((await lstat(join(this.dir, key.slice(0, 2))).catch(() => null))?.isDirectory()) {
      await rm(path, { force: true });
    }
  }

  private async read(key: string): Promise<string | typeof UNUSABLE | undefined> {
    const path = this.pathFor(key);
    const shard = await lstat(join(this.dir, key.slice(0, 2))).catch(() => null);
    if (!shard) return undefined;
    if (!shard.isDirectory()) return UNUSABLE;
    const entry = await lstat(path).catch(() => null);
    if (!entry) return undefined;
    if (!entry.isFile() || entry.size > MAX_ENTRY_BYTES) return UNUSABLE;
    try {
      // O_NOFOLLOW where the platform has it: a link swapped in after the lstat is refused too.
      const handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
      try {
        return await handle.readFile('utf8');
      } finally {
        await handle.close();
      }
    } catch {
      return UNUSABLE;
    }
  }

  private verify(key: string, text: string): CachedResponse | null {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return null;
    }
    const parsed = cacheFileSchema.safeParse(json);
    if (!parsed.success || parsed.data.key !== key) return null;
    const { response, mac } = parsed.data;
    const want = Buffer.from(this.mac(key, response), 'hex');
    const got = Buffer.from(mac, 'hex');
    return got.length === want.length && timingSafeEqual(got, want) ? response : null;
  }

  /** The entry's shard folder as a real folder: a symlink or a file in its place is removed first. */
  private async realShard(key: string): Promise<void> {
    const shard = join(this.dir, key.slice(0, 2));
    const there = await lstat(shard).catch(() => null);
    if (there && !there.isDirectory()) await rm(shard, { force: true });
    await mkdir(shard, { recursive: true });
  }
}

/** The cache folder itself must not be a link: its target is wherever whoever made it wanted. */
function refuseSymlink(dir: string): void {
  let isLink = false;
  try {
    isLink = lstatSync(dir).isSymbolicLink();
  } catch {
    return; // absent: made on the first write
  }
  if (isLink) {
    throw new ConfigError(
      `LLM cache folder ${dir} is a symlink; the response cache is never read or written through a symlink (expected a real folder: remove the link or choose another cache folder)`,
    );
  }
}

/** How reports say that foreign entries were skipped; empty when there were none. */
export function ignoredEntriesText(count: number | undefined): string {
  if (!count) return '';
  return `${count.toLocaleString('en-US')} cache ${count === 1 ? 'entry' : 'entries'} ignored (not written by this key)`;
}
