import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../../src/core/errors.js';
import { cacheKey } from '../../src/llm/cache.js';
import { type ChatRequest, extractJson, LlmClient, LlmError, type LlmOptions } from '../../src/llm/client.js';
import { completion, type FakeOpenAI, type Reply, startFakeOpenAI } from './helpers/fake-openai.js';

const req: ChatRequest = {
  model: 'fake-model',
  messages: [{ role: 'user', content: 'What is 2 + 3?' }],
  temperature: 0,
  max_tokens: 64,
};

let server: FakeOpenAI;
let dir: string;
beforeEach(async () => {
  server = await startFakeOpenAI();
  dir = await mkdtemp(join(tmpdir(), 'lpo-llm-'));
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function client(opts: Partial<LlmOptions> = {}): LlmClient {
  return new LlmClient({ baseURL: server.baseURL, apiKey: 'sk-test-key', cacheDir: null, ...opts });
}

async function failure(promise: Promise<unknown>): Promise<LlmError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LlmError);
  return error as LlmError;
}

describe('LlmClient.chat', () => {
  it('sends the request through the SDK and counts usage', async () => {
    server.setHandler(() => ({ json: completion('5', { promptTokens: 17, completionTokens: 2 }) }));
    const llm = client();
    const result = await llm.chat({ ...req, seed: 7 });
    expect(result).toEqual({
      text: '5',
      finishReason: 'stop',
      cached: false,
      promptTokens: 17,
      completionTokens: 2,
    });
    expect(llm.usage()).toEqual({
      calls: 1,
      cacheHits: 0,
      cacheIgnored: 0,
      promptTokens: 17,
      completionTokens: 2,
      failedCalls: 0,
    });
    const seen = server.requests[0]!;
    expect(seen.path).toBe('/v1/chat/completions');
    expect(seen.headers.authorization).toBe('Bearer sk-test-key');
    // Local servers get `max_tokens`; only OpenAI/Azure hosts get `max_completion_tokens`.
    expect(seen.body).toEqual({ ...req, seed: 7 });
  });

  it('uses the injected fetch, and max_completion_tokens on OpenAI-hosted endpoints', async () => {
    const bodies: unknown[] = [];
    const fakeFetch: typeof fetch = async (_url, init) => {
      bodies.push(JSON.parse(String(init?.body)));
      return new Response(JSON.stringify(completion('5')), {
        headers: { 'content-type': 'application/json' },
      });
    };
    const llm = client({ baseURL: 'https://example.openai.azure.com/openai/v1', fetch: fakeFetch });
    expect((await llm.chat(req)).text).toBe('5');
    expect(bodies).toEqual([
      { model: 'fake-model', messages: req.messages, temperature: 0, max_completion_tokens: 64 },
    ]);
    expect(server.requests).toHaveLength(0);
  });

  it('sends a placeholder key when none is configured (local servers)', async () => {
    await client({ apiKey: '' }).chat(req);
    expect(server.requests[0]!.headers.authorization).toBe('Bearer none');
  });

  it('serves an identical second request from the disk cache, across instances with the same key', async () => {
    const first = client({ cacheDir: dir });
    expect((await first.chat(req)).cached).toBe(false);
    const again = await first.chat(req);
    expect(again).toMatchObject({ text: 'echo: What is 2 + 3?', cached: true, promptTokens: 10 });
    expect(server.requests).toHaveLength(1);
    expect(first.usage()).toMatchObject({ calls: 1, cacheHits: 1, promptTokens: 10, completionTokens: 5 });

    const second = client({ cacheDir: dir });
    expect((await second.chat(req)).cached).toBe(true);
    expect(second.usage()).toMatchObject({ calls: 0, cacheHits: 1, cacheIgnored: 0, promptTokens: 0 });
    expect(server.requests).toHaveLength(1);

    await second.chat({ ...req, model: 'other-model' });
    await second.chat({ ...req, messages: [{ role: 'user', content: 'What is 2 + 4?' }] });
    await second.chat({ ...req, temperature: 0.5 });
    expect(server.requests).toHaveLength(4);
  });

  it('ignores and counts entries written with another key, then replaces them', async () => {
    await client({ cacheDir: dir, apiKey: 'sk-another-key' }).chat(req);
    expect(server.requests).toHaveLength(1);
    const llm = client({ cacheDir: dir });
    expect((await llm.chat(req)).cached).toBe(false);
    expect(server.requests).toHaveLength(2);
    expect(llm.usage()).toMatchObject({ calls: 1, cacheHits: 0, cacheIgnored: 1 });
    // Rewritten under this key: the next ask is a hit, and the old entry is not counted twice.
    expect((await llm.chat(req)).cached).toBe(true);
    expect(llm.usage()).toMatchObject({ calls: 1, cacheHits: 1, cacheIgnored: 1 });
  });

  it('does not cache truncated answers, and replaces a corrupt cache file', async () => {
    server.setHandler(() => ({ json: completion('The answer is', { finishReason: 'length' }) }));
    const llm = client({ cacheDir: dir });
    expect(await llm.chat(req)).toMatchObject({
      text: 'The answer is',
      finishReason: 'length',
      cached: false,
    });
    await llm.chat(req);
    expect(server.requests).toHaveLength(2);

    server.setHandler(() => ({ json: completion('5') }));
    const other = { ...req, seed: 1 };
    await llm.chat(other);
    const [path] = await findCacheFiles(dir);
    await writeFile(path!, '{"version": 1, "key": "trunc');
    expect(await llm.chat(other)).toMatchObject({ text: '5', cached: false });
    expect(await llm.chat(other)).toMatchObject({ text: '5', cached: true });
    expect(server.requests).toHaveLength(4);
  });

  it('stores the answer under the documented key, which has no API key in it', async () => {
    await client({ cacheDir: dir, apiKey: 'sk-test-SECRET' }).chat(req);
    const key = cacheKey({
      baseURL: server.baseURL,
      model: req.model,
      messages: req.messages,
      params: { temperature: 0, max_tokens: 64 },
    });
    const files = await findCacheFiles(dir);
    expect(files).toEqual([join(dir, key.slice(0, 2), `${key}.json`)]);
    expect(await readFile(files[0]!, 'utf8')).not.toContain('SECRET');
  });

  it('makes one HTTP call for identical concurrent requests', async () => {
    server.setHandler(() => ({ delayMs: 100, json: completion('5') }));
    const llm = client();
    const [a, b] = await Promise.all([llm.chat(req), llm.chat(req)]);
    expect(server.requests).toHaveLength(1);
    expect([a.cached, b.cached].sort()).toEqual([false, true]);
    expect(a.text).toBe(b.text);
    expect(llm.usage()).toMatchObject({ calls: 1, cacheHits: 1 });
  });

  it('honours retry-after on 429 and then succeeds', async () => {
    server.setHandler((_req, i) =>
      i === 0
        ? { status: 429, headers: { 'retry-after': '1' }, json: { error: { message: 'slow down' } } }
        : echoReply(),
    );
    const started = Date.now();
    const result = await client().chat(req);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(result.text).toBe('echo: What is 2 + 3?');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(900);
  });

  it('retries a 500 with backoff and then succeeds', async () => {
    server.setHandler((_req, i) =>
      i === 0 ? { status: 500, json: { error: { message: 'boom' } } } : echoReply(),
    );
    const llm = client();
    expect((await llm.chat(req)).text).toBe('echo: What is 2 + 3?');
    expect(server.requests).toHaveLength(2);
    expect(llm.usage()).toMatchObject({ calls: 1, failedCalls: 0 });
  });

  it('gives up after maxRetries with an http LlmError', async () => {
    server.setHandler(() => ({
      status: 503,
      headers: { 'retry-after-ms': '10' },
      raw: '<html>\n<b>down</b>\n</html>',
    }));
    const llm = client({ maxRetries: 2 });
    const error = await failure(llm.chat(req));
    expect(error).toMatchObject({ kind: 'http', status: 503 });
    expect(error.message).not.toContain('\n');
    expect(server.requests).toHaveLength(3);
    expect(llm.usage()).toMatchObject({ calls: 0, failedCalls: 1 });
  });

  it('never puts the API key in an error message', async () => {
    server.setHandler(() => ({
      status: 401,
      json: { error: { message: 'Incorrect API key provided: sk-test-SECRET.\nSee your dashboard.' } },
    }));
    const error = await failure(client({ apiKey: 'sk-test-SECRET' }).chat(req));
    expect(error).toMatchObject({ kind: 'http', status: 401 });
    expect(error.message).toContain('Incorrect API key provided');
    expect(error.message).not.toContain('SECRET');
    expect(error.message).not.toContain('\n');
    expect(server.requests).toHaveLength(1);
  });

  it('times out a hanging server, before and after the headers', async () => {
    for (const reply of [{ hang: true }, { hangBody: true }] satisfies Reply[]) {
      server.setHandler(() => reply);
      const started = Date.now();
      const error = await failure(client({ timeoutMs: 300, maxRetries: 0 }).chat(req));
      expect(error.kind).toBe('timeout');
      expect(error.message).toMatch(/no answer within 300 ms/);
      expect(Date.now() - started).toBeLessThan(3000);
    }
  });

  it('reports a refused connection as kind connection', async () => {
    const dead = await startFakeOpenAI();
    const baseURL = dead.baseURL;
    await dead.close();
    const error = await failure(client({ baseURL, maxRetries: 0 }).chat(req));
    expect(error.kind).toBe('connection');
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('keeps in-flight requests within the concurrency bound', async () => {
    server.setHandler(() => ({ delayMs: 40, json: completion('ok') }));
    const many = (llm: LlmClient) =>
      Promise.all(Array.from({ length: 20 }, (_, i) => llm.chat({ ...req, seed: i })));
    await many(client({ concurrency: 3 }));
    expect(server.maxInFlight).toBe(3);
    const wide = await startFakeOpenAI(() => ({ delayMs: 40, json: completion('ok') }));
    await many(new LlmClient({ baseURL: wide.baseURL, apiKey: 'k' }));
    expect(wide.maxInFlight).toBe(8);
    await wide.close();
  });

  it('returns refusals, filtered and contentless answers as answers, and caches none of them', async () => {
    const llm = client({ cacheDir: dir });
    server.setHandler(() => ({ json: completion(null, { refusal: 'I cannot help with that.' }) }));
    expect(await llm.chat(req)).toMatchObject({ text: '', refusal: 'I cannot help with that.' });
    server.setHandler(() => ({ json: completion(null, { finishReason: 'content_filter' }) }));
    expect(await llm.chat(req)).toMatchObject({ text: '', finishReason: 'content_filter' });
    server.setHandler(() => ({ json: completion(null) }));
    expect(await llm.chat(req)).toMatchObject({ text: '', finishReason: 'stop', cached: false });
    expect(llm.usage()).toMatchObject({ calls: 3, failedCalls: 0, cacheHits: 0 });
    expect(await findCacheFiles(dir)).toEqual([]);
  });

  it('rejects a reply that breaks the API as a protocol error, with one line naming what', async () => {
    const cases: [unknown, RegExp][] = [
      [
        { ...(completion('5') as object), usage: { prompt_tokens: 1e308 } },
        /usage\.prompt_tokens is 1e\+308;/,
      ],
      [
        { ...(completion('5') as object), usage: { completion_tokens: -1 } },
        /usage\.completion_tokens is -1;/,
      ],
      [{ ...(completion('5') as object), usage: { prompt_tokens: '12' } }, /usage\.prompt_tokens is "12";/],
      [{ ...(completion('5') as object), usage: { prompt_tokens: 2.5 } }, /usage\.prompt_tokens is 2\.5;/],
      [{ ...(completion('5') as object), usage: 7 }, /usage is 7; expected an object/],
      [{ id: 'x', choices: [] }, /response has no choices\[0\]\.message/],
      [
        { choices: [{ message: { content: { text: '5' } } }] },
        /message content is \{"text":"5"\}; expected text/,
      ],
    ];
    for (const [json, message] of cases) {
      server.setHandler(() => ({ json }));
      const llm = client();
      const error = await failure(llm.chat(req));
      expect(error.kind).toBe('protocol');
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain('\n');
      // Nothing of a reply that cannot be trusted reaches the totals: no NaN, no Infinity, no call.
      expect(llm.usage()).toMatchObject({ calls: 0, failedCalls: 1, promptTokens: 0, completionTokens: 0 });
    }
    // Absent usage is a server that does not count (many local ones), not a broken reply.
    server.setHandler(() => ({ json: { ...(completion('5') as object), usage: undefined } }));
    expect(await client().chat(req)).toMatchObject({ text: '5', promptTokens: 0, completionTokens: 0 });
  });

  it('rejects an oversized body once, without retrying or reading it all', async () => {
    const huge = completion('x'.repeat(200_000));
    server.setHandler(() => ({ json: huge }));
    const llm = client({ maxResponseBytes: 50_000 });
    const error = await failure(llm.chat(req));
    expect(error.kind).toBe('protocol');
    expect(error.message).toBe(
      `LLM fake-model at ${server.baseURL.replace(/^http:\/\//, '')}: response body exceeds 50000 bytes (max-response-bytes); not read further`,
    );
    expect(server.requests).toHaveLength(1);
    expect(llm.usage()).toMatchObject({ calls: 0, failedCalls: 1 });
    // The same answer under a higher limit is an answer.
    expect((await client({ maxResponseBytes: 500_000 }).chat(req)).text).toHaveLength(200_000);
  });

  it('rejects bad options with a ConfigError', () => {
    expect(() => client({ baseURL: 'localhost:11434' })).toThrow(ConfigError);
    expect(() => client({ concurrency: 0 })).toThrow(/concurrency is 0; expected an integer >= 1/);
    expect(() => client({ timeoutMs: 1.5 })).toThrow(ConfigError);
  });
});

describe('LlmClient.parse', () => {
  const Answer = z.object({ answer: z.number(), reasoning: z.string() });

  it('sends a json_schema response_format and validates the answer', async () => {
    server.setHandler(() => ({ json: completion('{"answer": 5, "reasoning": "2 + 3"}') }));
    const { value, result } = await client().parse(req, Answer, 'answer');
    expect(value).toEqual({ answer: 5, reasoning: '2 + 3' });
    expect(result.cached).toBe(false);
    const format = server.requests[0]!.body.response_format;
    expect(format).toMatchObject({ type: 'json_schema', json_schema: { name: 'answer', strict: true } });
    expect(format.json_schema.schema.required).toEqual(['answer', 'reasoning']);
  });

  it('finds the JSON when a server ignored response_format and wrapped it in prose', async () => {
    const text = 'Sure! Here it is:\n```json\n{"reasoning": "a {brace} in a string", "answer": 5}\n```';
    server.setHandler(() => ({ json: completion(text) }));
    expect((await client().parse(req, Answer, 'answer')).value.answer).toBe(5);
  });

  it('throws invalid on a schema mismatch or no JSON, and forgets the cached answer', async () => {
    server.setHandler(() => ({ json: completion('{"answer": "five", "reasoning": "x"}') }));
    const llm = client({ cacheDir: dir });
    const mismatch = await failure(llm.parse(req, Answer, 'answer'));
    expect(mismatch.kind).toBe('invalid');
    expect(mismatch.message).toMatch(/answer does not match answer: answer: /);
    await failure(llm.parse(req, Answer, 'answer'));
    expect(server.requests).toHaveLength(2);

    server.setHandler(() => ({ json: completion('The answer is 5.') }));
    const none = await failure(llm.parse(req, Answer, 'answer'));
    expect(none.kind).toBe('invalid');
    expect(none.message).toMatch(/no JSON object in the answer "The answer is 5\."/);
  });

  it('throws refusal and length with their own kinds', async () => {
    server.setHandler(() => ({ json: completion(null, { refusal: 'No.' }) }));
    expect((await failure(client().parse(req, Answer, 'answer'))).kind).toBe('refusal');
    server.setHandler(() => ({ json: completion('{"answer": 5, "reas', { finishReason: 'length' }) }));
    expect((await failure(client().parse(req, Answer, 'answer'))).kind).toBe('length');
  });
});

describe('extractJson', () => {
  it('takes the whole text, else the first balanced object that parses', () => {
    expect(extractJson(' [1, 2] ')).toEqual([1, 2]);
    expect(extractJson('use {x} then {"a": {"b": "}"}} and {"c": 1}')).toEqual({ a: { b: '}' } });
    expect(extractJson('{"a": "unterminated')).toBeUndefined();
    expect(extractJson('no json here')).toBeUndefined();
  });
});

function echoReply(): Reply {
  return { json: completion('echo: What is 2 + 3?') };
}

async function findCacheFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true });
  return entries.filter((e) => e.endsWith('.json')).map((e) => join(root, e));
}
