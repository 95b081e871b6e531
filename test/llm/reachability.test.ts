// A down endpoint: once the first requests all failed to connect, and none ever reached a server,
// every later call fails at once with one error. Counted in connections, not seconds.
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChatRequest, LlmClient, LlmError } from '../../src/llm/client.js';
import { startSimulator } from '../../src/tools/simulator/simulator.js';
import { completion } from './helpers/fake-openai.js';

const req = (i: number): ChatRequest => ({ model: 'm', messages: [{ role: 'user', content: `Q${i}` }] });

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen<S extends Server>(server: S): Promise<{ server: S; url: string }> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` };
}

/** Accepts every connection and drops it before any response: the "reset before any answer" case. */
async function dropper() {
  let connections = 0;
  const { url } = await listen(
    createServer((socket) => {
      connections++;
      socket.destroy();
    }),
  );
  return { url, connections: () => connections };
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}/v1`;
}

const client = (baseURL: string, concurrency: number, maxRetries: number) =>
  new LlmClient({ baseURL, apiKey: 'k', concurrency, maxRetries, cacheDir: null });

async function settle(llm: LlmClient, n: number): Promise<LlmError[]> {
  const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => llm.chat(req(i))));
  return results.map((r) => {
    expect(r.status).toBe('rejected');
    const error = (r as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(LlmError);
    return error as LlmError;
  });
}

describe('a down endpoint', () => {
  it('sends the first wave of requests with their retries, then fails the rest at once without sending them', async () => {
    const down = await dropper();
    const llm = client(down.url, 3, 1);
    const errors = await settle(llm, 20);
    // min(3, 4) = 3 requests decide: 3 × 2 attempts, where 20 × 2 went out before.
    expect(down.connections()).toBe(6);
    expect(errors.every((e) => e.kind === 'connection')).toBe(true);
    expect(errors[0]!.message).toMatch(/connection failed \(2 attempts\).*ECONNRESET/);
    const later = errors.slice(3);
    expect(new Set(later).size).toBe(1);
    expect(later[0]!.message).toMatch(
      /ECONNRESET.*; the first 3 requests failed to connect and none ever did, so the rest are not sent$/,
    );
    // A call made afterwards is not sent either.
    await expect(llm.chat(req(99))).rejects.toBe(later[0]);
    expect(down.connections()).toBe(6);
    expect(llm.usage().failedCalls).toBe(3);
  });

  it('is decided by four refused requests on a port with no server, at concurrency 8', async () => {
    const llm = client(await closedPort(), 8, 0);
    const errors = await settle(llm, 30);
    expect(errors[0]!.message).toMatch(/ECONNREFUSED/);
    // The first 8 went out together, before any failed; once one had, nothing more was sent.
    expect(llm.usage().failedCalls).toBe(8);
    expect(new Set(errors.slice(8)).size).toBe(1);
    expect(errors[29]!.message).toMatch(/the first 4 requests failed to connect/);
  });

  it('does not wait forever for witnesses when the caller sends one request at a time', async () => {
    const down = await dropper();
    const llm = client(down.url, 8, 0);
    const errors: LlmError[] = [];
    for (let i = 0; i < 6; i++)
      errors.push(
        await llm.chat(req(i)).then(
          () => {
            throw new Error('answered');
          },
          (e: LlmError) => e,
        ),
      );
    expect(down.connections()).toBe(4);
    expect(errors.slice(0, 4).map((e) => /not sent/.test(e.message))).toEqual([false, false, false, false]);
    expect(errors[4]).toBe(errors[5]);
    expect(errors[5]!.message).toMatch(/not sent/);
  });

  it('never stops once a request was answered', async () => {
    let requests = 0;
    const { url } = await listen(
      createHttpServer((request, response) => {
        requests++;
        if (requests === 1) {
          response.setHeader('content-type', 'application/json');
          response.end(JSON.stringify(completion('5')));
        } else request.socket.destroy();
      }),
    );
    const llm = client(url, 1, 0);
    expect((await llm.chat(req(0))).text).toBe('5');
    for (let i = 1; i <= 6; i++) {
      const error = await llm.chat(req(i)).catch((e: unknown) => e as LlmError);
      expect(error).toBeInstanceOf(LlmError);
      expect((error as LlmError).message).not.toMatch(/not sent/);
    }
    expect(requests).toBe(7);
  });

  it('does not count HTTP errors or resets after the headers as failures to connect', async () => {
    const sim = await startSimulator({ faults: { rate: 1, seed: 1, kinds: ['reset', 'http-503'] } });
    try {
      const llm = client(sim.url, 1, 0);
      for (let i = 0; i < 6; i++) await expect(llm.chat(req(i))).rejects.not.toThrow(/not sent/);
      const faults = sim.stats().faults;
      expect((faults.reset ?? 0) + (faults['http-503'] ?? 0)).toBe(6);
    } finally {
      await sim.close();
    }
  });
});
