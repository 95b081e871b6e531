// The cache folder is not trusted: a pull request can commit `.lpo-cache/` with entries whose keys
// it computed from the open source, or make the folder, a shard or an entry a symlink. Only entries
// written with this run's key are used; nothing is read or written through a link.
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import {
  type CacheAuth,
  type CacheKeyInput,
  cacheKey,
  ignoredEntriesText,
  ResponseCache,
} from '../../src/llm/cache.js';

const request: CacheKeyInput = {
  baseURL: 'https://api.openai.com/v1',
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'What is 2 + 3?' }],
  params: { temperature: 0 },
};
const key = cacheKey(request);
const answer = { text: '5', finishReason: 'stop', promptTokens: 12, completionTokens: 1 };
const OURS: CacheAuth = { apiKey: 'sk-owner-secret', baseURL: request.baseURL };

let root: string;
let dir: string;
let outside: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lpo-cache-trust-'));
  dir = join(root, 'cache');
  outside = join(root, 'outside');
  await mkdir(outside);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A cache that counts what it ignores. */
function counted(auth: CacheAuth = OURS, at = dir) {
  const state = { ignored: 0 };
  const cache = new ResponseCache(at, auth, () => {
    state.ignored += 1;
  });
  return { cache, state };
}

describe('ResponseCache authentication', () => {
  it('accepts its own entries and counts nothing', async () => {
    const { cache, state } = counted();
    await cache.set(key, answer);
    expect(await cache.get(key)).toEqual(answer);
    const file = JSON.parse(await readFile(cache.pathFor(key), 'utf8'));
    expect(file.mac).toBe(cache.mac(key, answer));
    expect(JSON.stringify(file)).not.toContain(OURS.apiKey);
    expect(state.ignored).toBe(0);
  });

  it('ignores entries written with another key or for another endpoint, counting each once', async () => {
    const others: CacheAuth[] = [
      { apiKey: 'sk-attacker-guess', baseURL: OURS.baseURL },
      { apiKey: '', baseURL: OURS.baseURL },
      { apiKey: OURS.apiKey, baseURL: 'https://other.example.com/v1' },
    ];
    for (const auth of others) {
      await new ResponseCache(dir, auth).set(key, answer);
      const { cache, state } = counted();
      expect(await cache.get(key)).toBeNull();
      expect(await cache.get(key)).toBeNull();
      expect(state.ignored).toBe(1);
    }
  });

  it('ignores a genuine entry whose answer was edited, or whose HMAC was removed or mangled', async () => {
    const { cache: writer } = counted();
    await writer.set(key, answer);
    const path = writer.pathFor(key);
    const genuine = JSON.parse(await readFile(path, 'utf8'));
    const forgeries = [
      { ...genuine, response: { ...answer, text: '6' } },
      { ...genuine, response: { ...answer, simulated: true } },
      { version: 1, key, response: answer },
      { ...genuine, mac: genuine.mac.slice(0, 32) },
      { ...genuine, mac: 'zz'.repeat(32) },
    ];
    let expected = 0;
    for (const forged of forgeries) {
      await writeFile(path, JSON.stringify(forged));
      const { cache, state } = counted();
      expect(await cache.get(key)).toBeNull();
      expected += state.ignored;
    }
    expect(expected).toBe(forgeries.length);
  });

  it('replaces an ignored entry with its own on the next write', async () => {
    await new ResponseCache(dir, { ...OURS, apiKey: 'sk-attacker-guess' }).set(key, { ...answer, text: '6' });
    const { cache, state } = counted();
    expect(await cache.get(key)).toBeNull();
    await cache.set(key, answer);
    expect(await cache.get(key)).toEqual(answer);
    expect(state.ignored).toBe(1);
  });

  it('says how many entries it ignored, and nothing when there were none', () => {
    expect(ignoredEntriesText(0)).toBe('');
    expect(ignoredEntriesText(undefined)).toBe('');
    expect(ignoredEntriesText(1)).toBe('1 cache entry ignored (not written by this key)');
    expect(ignoredEntriesText(1160)).toBe('1,160 cache entries ignored (not written by this key)');
  });
});

describe('ResponseCache and symlinks', () => {
  it('refuses a cache folder that is a symlink, in one line, before touching its target', async () => {
    await symlink(outside, dir);
    const error = (() => {
      try {
        new ResponseCache(dir, OURS);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/cache folder .*cache is a symlink/);
    expect((error as Error).message).not.toContain('\n');
    expect(await readdir(outside)).toEqual([]);
  });

  it('never reads through a symlinked shard, even a validly signed entry, and writes a real shard', async () => {
    // A genuine entry of ours, outside the cache: the link must not make it a hit.
    const elsewhere = counted(OURS, outside).cache;
    await elsewhere.set(key, answer);
    const outsideFiles = await readdir(join(outside, key.slice(0, 2)));
    await mkdir(dir);
    await symlink(join(outside, key.slice(0, 2)), join(dir, key.slice(0, 2)));
    const { cache, state } = counted();
    expect(await cache.get(key)).toBeNull();
    expect(state.ignored).toBe(1);
    await cache.delete(key);
    await cache.set(key, { ...answer, text: 'ours' });
    expect(await readdir(join(outside, key.slice(0, 2)))).toEqual(outsideFiles);
    expect(JSON.parse(await readFile(elsewhere.pathFor(key), 'utf8')).response.text).toBe('5');
    expect(await cache.get(key)).toMatchObject({ text: 'ours' });
  });

  it('never reads through a symlinked entry and replaces the link, not its target', async () => {
    const elsewhere = counted(OURS, outside).cache;
    await elsewhere.set(key, answer);
    const target = elsewhere.pathFor(key);
    const before = await readFile(target, 'utf8');
    await mkdir(join(dir, key.slice(0, 2)), { recursive: true });
    const { cache, state } = counted();
    await symlink(target, cache.pathFor(key));
    expect(await cache.get(key)).toBeNull();
    expect(state.ignored).toBe(1);
    await cache.set(key, { ...answer, text: 'ours' });
    expect(await readFile(target, 'utf8')).toBe(before);
    expect(await cache.get(key)).toMatchObject({ text: 'ours' });
  });

  it('ignores an entry too big to be one, without reading it', async () => {
    const { cache, state } = counted();
    await cache.set(key, answer);
    await writeFile(cache.pathFor(key), Buffer.alloc(16 * 1024 * 1024 + 1, 0x20));
    expect(await cache.get(key)).toBeNull();
    expect(state.ignored).toBe(1);
  });
});
