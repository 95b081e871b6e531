import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_RESPONSE_BYTES, httpFetch, ResponseTooLargeError } from '../../src/llm/http-fetch.js';

type Route = (req: IncomingMessage, body: string, res: ServerResponse) => void;

const answer = JSON.stringify({ choices: [{ message: { content: 'The answer is 18.' } }] });
const routes: Record<string, Route> = {
  '/echo': (req, body, res) => {
    res.writeHead(201, 'Made', { 'content-type': 'application/json', 'x-request-id': 'req-1' });
    res.end(JSON.stringify({ method: req.method, headers: req.headers, body }));
  },
  '/gzip': (_req, _body, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(gzipSync(answer));
  },
  '/br': (_req, _body, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'br' });
    res.end(brotliCompressSync(answer));
  },
  '/empty': (_req, _body, res) => {
    res.writeHead(204);
    res.end();
  },
  '/huge': (_req, _body, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('x'.repeat(5_000));
  },
  // Chunked, no Content-Length, never ending: only the client hanging up stops it.
  '/endless': (_req, _body, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) endless.sent += chunk.length;
      if (!res.destroyed) res.once('drain', pump);
    };
    res.on('close', () => {
      endless.closed = true;
    });
    pump();
  },
  '/stall': (_req, _body, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"choices": [');
  },
  '/reset': (req, _body, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"choices": [');
    setTimeout(() => req.socket.destroy(), 20);
  },
  '/redirect': (_req, _body, res) => {
    res.writeHead(301, { location: 'https://example.com/v1' });
    res.end();
  },
};

const endless = { sent: 0, closed: false };
let server: Server;
let base: string;
let connections = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => routes[req.url ?? '']!(req, body, res));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('httpFetch', () => {
  it('sends method, headers and body, and returns status, headers and body as a Response', async () => {
    const response = await httpFetch()(`${base}/echo`, {
      method: 'POST',
      headers: new Headers({ authorization: 'Bearer sk-test', 'content-type': 'application/json' }),
      body: '{"model":"m"}',
    });
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.statusText, response.ok]).toEqual([201, 'Made', true]);
    expect(response.headers.get('x-request-id')).toBe('req-1');
    const seen = (await response.json()) as { method: string; headers: Record<string, string>; body: string };
    expect(seen.method).toBe('POST');
    expect(seen.body).toBe('{"model":"m"}');
    expect(seen.headers.authorization).toBe('Bearer sk-test');
    expect(seen.headers.connection).toBe('keep-alive');
    // A length, not chunked encoding: some local servers mishandle chunked request bodies.
    expect([seen.headers['content-length'], seen.headers['transfer-encoding']]).toEqual(['13', undefined]);
  });

  it('reuses one kept-alive connection for requests in sequence', async () => {
    const fetch = httpFetch();
    const before = connections;
    for (let i = 0; i < 5; i++) await (await fetch(`${base}/echo`, { method: 'POST', body: '{}' })).text();
    expect(connections - before).toBe(1);
  });

  it('decodes gzip and brotli bodies and drops the encoding headers that no longer describe them', async () => {
    for (const path of ['/gzip', '/br']) {
      const response = await httpFetch()(`${base}${path}`);
      expect(response.headers.get('content-encoding')).toBeNull();
      expect(await response.json()).toEqual(JSON.parse(answer));
    }
  });

  it('gives a 204 no body, and returns a redirect as it is instead of following it', async () => {
    const empty = await httpFetch()(`${base}/empty`);
    expect([empty.status, empty.body]).toEqual([204, null]);
    const moved = await httpFetch()(`${base}/redirect`, { method: 'POST', body: '{}' });
    expect([moved.status, moved.headers.get('location')]).toEqual([301, 'https://example.com/v1']);
  });

  it('fails the body of a response larger than the limit, naming the server, without reading it', async () => {
    // Resolved, not rejected: the SDK retries every rejected fetch, and the answer would be as large again.
    const announced = await httpFetch({ maxResponseBytes: 1_000 })(`${base}/huge`);
    expect(announced.status).toBe(200);
    const error = await rejection(announced.text());
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error.message).toBe(`response body from ${base} exceeds 1000 bytes`);

    const streamed = await httpFetch({ maxResponseBytes: 100_000 })(`${base}/endless`);
    expect((await rejection(streamed.json())).message).toBe(
      `response body from ${base} exceeds 100000 bytes`,
    );
    // The connection was dropped, so the server stopped sending: nothing but socket buffers got out.
    await expect.poll(() => endless.closed).toBe(true);
    expect(endless.sent).toBeLessThan(100 * DEFAULT_MAX_RESPONSE_BYTES);
  });

  it('aborts a stalled body with an AbortError, which the SDK reports as a timeout', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await rejection(httpFetch()(`${base}/stall`, { signal: controller.signal }));
    expect(error.name).toBe('AbortError');
    const already = await rejection(httpFetch()(`${base}/echo`, { signal: AbortSignal.abort() }));
    expect(already.name).toBe('AbortError');
  });

  it('rejects when the server drops the connection mid-body, and refuses other protocols', async () => {
    const error = await rejection(httpFetch()(`${base}/reset`));
    expect(error.name).not.toBe('AbortError');
    expect(error.message).toMatch(/closed mid-response|aborted|ECONNRESET|socket hang up/);
    const file = await rejection(httpFetch()('file:///etc/passwd'));
    expect(file.message).toBe('unsupported protocol file: (only http: and https:)');
  });
});
