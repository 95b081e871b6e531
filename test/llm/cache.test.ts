import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zodResponseFormat } from 'openai/helpers/zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../../src/core/errors.js';
import {
  type CacheKeyInput,
  cacheKey,
  canonicalJson,
  endpointId,
  ResponseCache,
} from '../../src/llm/cache.js';

const base: CacheKeyInput = {
  baseURL: 'https://api.openai.com/v1',
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Answer with a number.' },
    { role: 'user', content: 'Janet has 3 apples and buys 2 more. How many?' },
  ],
  params: { temperature: 0, max_tokens: 256 },
};
const answer = { text: '5', finishReason: 'stop', promptTokens: 21, completionTokens: 1 };
const AUTH = { apiKey: 'sk-cache-test', baseURL: base.baseURL };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lpo-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and drops what JSON drops', () => {
    const a = canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined, f: () => 1 } });
    expect(a).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('ignores the non-enumerable parser that zodResponseFormat attaches', () => {
    const format = zodResponseFormat(z.object({ answer: z.string() }), 'answer');
    const parsed = JSON.parse(canonicalJson(format));
    expect(Object.keys(parsed).sort()).toEqual(['json_schema', 'type']);
    expect(parsed.json_schema.name).toBe('answer');
  });
});

describe('cacheKey', () => {
  it('is a sha256 hex stable under key order and undefined params', () => {
    const key = cacheKey(base);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey({ ...base, params: { max_tokens: 256, temperature: 0, top_p: undefined } })).toBe(key);
  });

  it('changes with endpoint, model, messages, params and response_format', () => {
    const key = cacheKey(base);
    const variants: CacheKeyInput[] = [
      { ...base, baseURL: 'http://127.0.0.1:11434/v1' },
      { ...base, model: 'gpt-4o' },
      { ...base, messages: [...base.messages, { role: 'assistant', content: '5' }] },
      { ...base, messages: [{ role: 'user', content: 'Answer with a number.' }, base.messages[1]!] },
      { ...base, params: { temperature: 0.7, max_tokens: 256 } },
      { ...base, params: { temperature: 0, max_tokens: 256, seed: 1 } },
      { ...base, response_format: { type: 'json_object' } },
    ];
    const keys = variants.map(cacheKey);
    expect(new Set([key, ...keys]).size).toBe(variants.length + 1);
  });

  it('ignores scheme, URL credentials, query and trailing slashes of the base URL', () => {
    expect(endpointId('https://user:secret@example.com:8443/openai/v1/?api-version=x')).toBe(
      'example.com:8443/openai/v1',
    );
    expect(cacheKey({ ...base, baseURL: 'http://api.openai.com/v1/' })).toBe(cacheKey(base));
  });
});

describe('ResponseCache', () => {
  it('round-trips an entry in <dir>/<2 hex>/<key>.json without leaving temp files', async () => {
    const cache = new ResponseCache(dir, AUTH);
    const key = cacheKey(base);
    expect(await cache.get(key)).toBeNull();
    await cache.set(key, answer);
    expect(await cache.get(key)).toEqual(answer);
    expect(cache.pathFor(key)).toBe(join(dir, key.slice(0, 2), `${key}.json`));
    expect(await readdir(join(dir, key.slice(0, 2)))).toEqual([`${key}.json`]);
    const file = JSON.parse(await readFile(cache.pathFor(key), 'utf8'));
    expect(file).toMatchObject({ version: 1, key, response: answer });
  });

  it('treats corrupt, foreign or malformed files as misses and overwrites them', async () => {
    const cache = new ResponseCache(dir, AUTH);
    const key = cacheKey(base);
    await cache.set(key, answer);
    const path = cache.pathFor(key);
    const bad = [
      '{"version":1,"key":"',
      JSON.stringify({ version: 1, key: cacheKey({ ...base, model: 'x' }), response: answer }),
      JSON.stringify({ version: 99, key, response: answer }),
      JSON.stringify({ version: 1, key, response: { ...answer, promptTokens: -1 } }),
      JSON.stringify({ version: 1, key, response: { text: null, finishReason: 'stop' } }),
    ];
    for (const text of bad) {
      await writeFile(path, text);
      expect(await cache.get(key)).toBeNull();
    }
    await cache.set(key, answer);
    expect(await cache.get(key)).toEqual(answer);
  });

  it('keeps the file whole under concurrent writers of the same key', async () => {
    const cache = new ResponseCache(dir, AUTH);
    const key = cacheKey(base);
    const texts = Array.from({ length: 20 }, (_, i) => `answer ${i} ${'x'.repeat(5000)}`);
    await Promise.all(texts.map((text) => cache.set(key, { ...answer, text })));
    const got = await cache.get(key);
    expect(texts).toContain(got?.text);
    expect(await readdir(join(dir, key.slice(0, 2)))).toEqual([`${key}.json`]);
  });

  it('deletes entries, and deleting a missing one is fine', async () => {
    const cache = new ResponseCache(dir, AUTH);
    const key = cacheKey(base);
    await cache.set(key, answer);
    await cache.delete(key);
    expect(await cache.get(key)).toBeNull();
    await expect(cache.delete(key)).resolves.toBeUndefined();
  });

  it('refuses keys that are not sha256 hex, so nothing escapes the directory', () => {
    const cache = new ResponseCache(dir, AUTH);
    expect(() => cache.pathFor('../../etc/passwd')).toThrow(/invalid cache key/);
  });

  it('reports an unwritable cache directory as a one-line ConfigError', async () => {
    const file = join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    const cache = new ResponseCache(file, AUTH);
    const error = await cache.set(cacheKey(base), answer).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/cannot write LLM cache file .*not-a-dir/);
    expect((error as Error).message).not.toContain('\n');
  });
});
