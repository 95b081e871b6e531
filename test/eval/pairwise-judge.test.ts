// judgePairs over real HTTP through the SDK, against a scripted judge endpoint that reads what it is
// sent: it prefers the answer that offers a refund, and for some requests (decided by their text, so
// deterministic) names whichever answer is shown first, a position bias the swap has to cancel.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { judgePairs, type PairItem } from '../../src/eval/pairwise.js';
import { LlmClient } from '../../src/llm/client.js';
import {
  completion,
  type FakeOpenAI,
  type SeenRequest,
  startFakeOpenAI,
} from '../llm/helpers/fake-openai.js';

const section = (text: string, tag: string) =>
  new RegExp(`<${tag}>\\n([\\s\\S]*?)\\n</${tag}>`).exec(text)?.[1];

/** Biased requests: those whose text hashes into the lowest 30 %. */
function biased(text: string): boolean {
  return createHash('sha256').update(text).digest().readUInt32BE(0) / 2 ** 32 < 0.3;
}

function judgeWinner(req: SeenRequest): 'A' | 'B' | 'tie' {
  const text: string = req.body.messages.at(-1).content;
  return biased(text) ? 'A' : fairWinner(text);
}

/** What the judge would say without its bias. */
function fairWinner(text: string): 'A' | 'B' | 'tie' {
  const a = /refund/.test(section(text, 'answer_a') ?? '');
  const b = /refund/.test(section(text, 'answer_b') ?? '');
  return a === b ? 'tie' : a ? 'A' : 'B';
}

function structuredJudge(req: SeenRequest) {
  return { json: completion(JSON.stringify({ winner: judgeWinner(req), reason: 'offers a refund' })) };
}

const items: PairItem[] = Array.from({ length: 24 }, (_, i) => ({
  id: `t${i}`,
  input: `Ticket ${i}: my order #${1000 + i} arrived broken.`,
  // Head offers the refund on even tickets, base on every third: some pairs favour each side, some tie.
  base: i % 3 === 0 ? `Sorry! A refund for #${1000 + i} is on its way.` : `Sorry to hear about #${1000 + i}.`,
  head:
    i % 2 === 0 ? `We will refund order #${1000 + i} today.` : `Thanks for reaching out about #${1000 + i}.`,
}));
const judge = (client: LlmClient) => ({ client, model: 'judge-model', rubric: 'Offers a concrete remedy.' });

let server: FakeOpenAI;
let cacheDir: string;
beforeAll(async () => {
  server = await startFakeOpenAI(structuredJudge);
  cacheDir = mkdtempSync(path.join(tmpdir(), 'lpo-pairwise-'));
});
afterEach(() => server.setHandler(structuredJudge));
afterAll(async () => {
  await server.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('judgePairs', () => {
  it('asks in both orders and counts only preferences that survive the swap', async () => {
    const start = server.requests.length;
    const client = new LlmClient({ baseURL: server.baseURL, apiKey: 'test', maxRetries: 0, cacheDir });
    const results = await judgePairs(judge(client), items);
    const sent = server.requests.slice(start);
    expect(sent).toHaveLength(2 * items.length);
    expect(client.usage().calls).toBe(2 * items.length);
    for (const req of sent) {
      expect(req.body.temperature).toBe(0);
      expect(req.body.model).toBe('judge-model');
      expect(req.body.response_format.json_schema.name).toBe('lpo_pairwise');
      expect(req.body.messages.at(-1).content).toContain('Offers a concrete remedy.');
    }
    let biasedPairs = 0;
    for (const [i, item] of items.entries()) {
      const orders = sent.filter((r) => r.body.messages.at(-1).content.includes(item.input));
      const shownFirst = orders.map((r) => section(r.body.messages.at(-1).content, 'answer_a'));
      expect(shownFirst.sort()).toEqual([item.base, item.head].sort());
      const truth =
        /refund/.test(item.head) === /refund/.test(item.base)
          ? 'tie'
          : /refund/.test(item.head)
            ? 'head'
            : 'base';
      // The bias changed an answer only where the fair verdict was not already "A".
      const anyBiased = orders.some((r) => {
        const text = r.body.messages.at(-1).content;
        return biased(text) && fairWinner(text) !== 'A';
      });
      if (anyBiased) biasedPairs++;
      expect(results[i]!.outcome, item.id).toBe(anyBiased ? 'tie' : truth);
    }
    // The fixture really exercises the bias, and leaves decided pairs on both sides.
    expect(biasedPairs).toBeGreaterThan(0);
    expect(results.some((r) => r.outcome === 'head')).toBe(true);
    expect(results.some((r) => r.outcome === 'base')).toBe(true);

    // Judge calls are ordinary requests: a second run is answered from the cache.
    const again = new LlmClient({ baseURL: server.baseURL, apiKey: 'test', maxRetries: 0, cacheDir });
    const before = server.requests.length;
    expect((await judgePairs(judge(again), items)).map((r) => r.outcome)).toEqual(
      results.map((r) => r.outcome),
    );
    expect(server.requests.length).toBe(before);
    expect(again.usage().cacheHits).toBe(2 * items.length);
  });

  it('falls back to plain text when the endpoint rejects response_format', async () => {
    server.setHandler((req) => {
      if (req.body.response_format) {
        return {
          status: 400,
          json: { error: { message: 'response_format not supported', type: 'invalid_request_error' } },
        };
      }
      expect(req.body.messages.at(-1).content).toContain('Winner: A, B or TIE');
      return { json: completion(`Winner: ${judgeWinner(req)}\nReason: one offers a refund`) };
    });
    const client = new LlmClient({ baseURL: server.baseURL, apiKey: 'test', maxRetries: 0, cacheDir: null });
    const results = await judgePairs(judge(client), items.slice(0, 6));
    expect(results.every((r) => r.outcome !== 'error')).toBe(true);
    expect(results.find((r) => r.baseFirst?.reason === 'one offers a refund')).toBeDefined();
  });

  it('makes an example an error, never a win, when a judge call fails', async () => {
    server.setHandler((req) =>
      req.body.messages.at(-1).content.includes('Ticket 1:')
        ? { status: 500, json: { error: { message: 'judge down' } } }
        : structuredJudge(req),
    );
    const client = new LlmClient({ baseURL: server.baseURL, apiKey: 'test', maxRetries: 0, cacheDir: null });
    const results = await judgePairs(judge(client), items.slice(0, 3));
    expect(results[1]!.outcome).toBe('error');
    expect(results[1]!.error).toMatch(/judge-model/);
    expect(results.filter((r) => r.outcome === 'error')).toHaveLength(1);
  });

  it('stays within max-calls: requests past the ceiling become errors, not verdicts', async () => {
    const start = server.requests.length;
    const client = new LlmClient({
      baseURL: server.baseURL,
      apiKey: 'test',
      maxRetries: 0,
      cacheDir: null,
      concurrency: 1,
      ceilings: { maxCalls: 5 },
    });
    const results = await judgePairs(judge(client), items.slice(0, 4));
    expect(server.requests.length - start).toBe(5);
    // Five calls cover two examples in full; the third lost one order, the fourth both.
    expect(results.filter((r) => r.outcome === 'error')).toHaveLength(2);
  });
});
