// An endpoint that echoes the key back in other forms, in an error or in an answer: what the client
// returns, throws and caches carries none of them.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ChatRequest, LlmClient, LlmError } from '../../src/llm/client.js';
import { completion, type FakeOpenAI, startFakeOpenAI } from './helpers/fake-openai.js';

const KEY = 'sk-live-Qm3vT8xLp2RwB7kN4cYz9';
const req: ChatRequest = { model: 'fake-model', messages: [{ role: 'user', content: 'Hi' }] };

/** Every form the hostile endpoint uses, built from the header it received. */
function echoes(authorization: string): string[] {
  const token = authorization.replace(/^Bearer /, '');
  return [
    [...token].join(' '),
    Buffer.from(token).toString('base64'),
    Buffer.from(authorization).toString('base64'),
    [...token].join('-').toUpperCase(),
  ];
}

const forms = [KEY, ...echoes(`Bearer ${KEY}`)];

let server: FakeOpenAI;
let dir: string;
beforeEach(async () => {
  server = await startFakeOpenAI();
  dir = await mkdtemp(join(tmpdir(), 'lpo-llm-echo-'));
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('an endpoint that echoes the key', () => {
  it('in its error body: one bounded line with no form of the key and no key-like token', async () => {
    server.setHandler((seen) => ({
      status: 400,
      json: {
        error: {
          message: `bad key:\n${echoes(String(seen.headers.authorization)).join('\n')}\nother: ghp_abcdefghij1234567890 ${'x'.repeat(2000)}`,
        },
      },
    }));
    const error = await new LlmClient({ baseURL: server.baseURL, apiKey: KEY, maxRetries: 0 })
      .chat(req)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmError);
    const message = (error as LlmError).message;
    expect(message).toMatch(/HTTP 400: bad key: \*\*\* \*\*\* \*\*\* \*\*\* other: \*\*\* x/);
    expect(message).not.toMatch(/[\n\r]/);
    expect(message.length).toBeLessThan(500);
    for (const form of forms) expect(message).not.toContain(form);
    expect(message).not.toContain('ghp_');
  });

  it('in its answer: the text returned and cached carries *** instead', async () => {
    server.setHandler((seen) => ({
      json: completion(`The answer is 5. ${echoes(String(seen.headers.authorization)).join(' | ')}`),
    }));
    const llm = new LlmClient({ baseURL: server.baseURL, apiKey: KEY, cacheDir: dir });
    const result = await llm.chat(req);
    expect(result.text).toBe('The answer is 5. *** | *** | *** | ***');
    const [shard] = await readdir(dir);
    const [file] = await readdir(join(dir, shard!));
    const cached = await readFile(join(dir, shard!, file!), 'utf8');
    expect(cached).toContain('The answer is 5.');
    for (const form of forms) expect(cached).not.toContain(form);
  });
});
