// The `fetch` the SDK sends its requests through: node:http(s) with keep-alive sockets.
//
// Node's global fetch builds WHATWG streams, a body mixin and a finalizer for every request. At the
// request rates of an eval (thousands per minute against a local server), that costs about three
// times the CPU of node:http and leaves enough short-lived garbage to double the process's peak
// memory (measured in bench/). Chat completions are small JSON documents, so this fetch reads the
// whole body before it resolves; that also puts the body under the SDK's own timeout, which
// otherwise stops counting once the headers arrive. A body over the size limit is not read on: the
// socket is dropped as soon as the limit is passed (or when Content-Length announces more).

import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';

/**
 * Far above any chat completion (a 16k-token answer is under 100 KB); a server streaming without end,
 * or a 31 MB answer per request, must not fill the runner's memory. Input `max-response-bytes`.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

export interface HttpFetchOptions {
  maxResponseBytes?: number;
}

/**
 * A body over the limit. It is not a connection failure, so it must not be retried (the SDK retries
 * every rejected fetch): the fetch resolves with a Response whose body fails with this error.
 */
export class ResponseTooLargeError extends Error {
  override name = 'ResponseTooLargeError';

  constructor(
    readonly origin: string,
    readonly limit: number,
  ) {
    super(`response body from ${origin} exceeds ${limit} bytes`);
  }
}

/** A `fetch` for JSON APIs: no redirects (a 3xx is returned as is), the body read in full. */
export function httpFetch(options: HttpFetchOptions = {}): typeof fetch {
  // No socket cap here: the client's own concurrency limit bounds the requests in flight.
  const agentOptions = {
    keepAlive: true,
    // Node 24's HTTP(S)_PROXY support reaches a custom agent only through this option (Node 20 ignores it).
    ...(usesEnvProxy() ? { proxyEnv: process.env } : {}),
  };
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };
  const limit = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;

  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        reject(new TypeError(`unsupported protocol ${url.protocol} (only http: and https:)`));
        return;
      }
      const signal = init?.signal ?? undefined;
      if (signal?.aborted) {
        reject(abortError());
        return;
      }
      const headers: Record<string, string> = { 'accept-encoding': 'gzip, deflate, br' };
      new Headers(init?.headers).forEach((value, key) => {
        headers[key] = value;
      });
      const body = requestBody(init?.body);
      const transport = url.protocol === 'https:' ? https : http;
      const request = transport.request(url, {
        method: init?.method ?? 'GET',
        headers,
        agent: agents[url.protocol],
      });
      let settled = false;
      /** True for the first outcome only: an abort, an error or the end, whichever comes first. */
      const settle = () => {
        if (settled) return false;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        return true;
      };
      const fail = (error: Error) => {
        if (!settle()) return;
        request.destroy();
        reject(error);
      };
      const onAbort = () => fail(abortError());
      signal?.addEventListener('abort', onAbort, { once: true });
      request.on('error', fail);
      request.on('response', (response) =>
        readBody(response, url.origin, limit, init?.method === 'HEAD', {
          fail,
          done: (result) => {
            if (settle()) resolve(result);
          },
          drop: () => request.destroy(),
        }),
      );
      request.end(body);
    });
}

interface BodyOutcome {
  fail: (error: Error) => void;
  done: (response: Response) => void;
  /** Drops the connection: nothing more is read from it. */
  drop: () => void;
}

/** Reads a response's body, or stops at `limit` bytes (decoded) and holds none of it. */
function readBody(
  response: http.IncomingMessage,
  origin: string,
  limit: number,
  head: boolean,
  out: BodyOutcome,
): void {
  const status = response.statusCode ?? 0;
  const meta = {
    status,
    statusText: response.statusMessage ?? '',
    headers: responseHeaders(response.headers),
  };
  // A Response may not carry a body for these statuses.
  const empty = status === 204 || status === 205 || status === 304 || head;
  const tooLarge = () => {
    out.done(new Response(failingBody(new ResponseTooLargeError(origin, limit)), meta));
    out.drop();
  };
  if (!empty && Number(response.headers['content-length']) > limit) {
    tooLarge();
    return;
  }
  let chunks: Buffer[] = [];
  let size = 0;
  const stream = decoded(response, out.fail);
  stream.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
    else if (size - chunk.length <= limit) {
      // The chunk that crossed the limit; later ones (until the socket closes) are ignored.
      chunks = [];
      tooLarge();
    }
  });
  stream.on('error', out.fail);
  response.on('close', () => {
    if (!response.complete) out.fail(new Error(`connection to ${origin} closed mid-response`));
  });
  stream.on('end', () => out.done(new Response(empty ? null : Buffer.concat(chunks), meta)));
}

function failingBody(error: Error): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.error(error) });
}

function requestBody(body: RequestInit['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  // The chat endpoints only ever send JSON text; uploads and streams are not needed here.
  throw new TypeError('request body must be a string or bytes');
}

/** The response as plain bytes; fetch decodes content-encoding too, and callers expect that. */
function decoded(response: http.IncomingMessage, fail: (error: Error) => void): NodeJS.ReadableStream {
  const encoding = String(response.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? zlib.createGunzip()
      : encoding === 'deflate'
        ? zlib.createInflate()
        : encoding === 'br'
          ? zlib.createBrotliDecompress()
          : null;
  if (!decoder) return response;
  response.on('error', fail);
  return response.pipe(decoder);
}

function responseHeaders(raw: http.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    // The body handed on is already decoded, so its encoding and length no longer describe it.
    if (value === undefined || name === 'content-encoding' || name === 'content-length') continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

function usesEnvProxy(): boolean {
  return process.env.NODE_USE_ENV_PROXY === '1' || process.execArgv.includes('--use-env-proxy');
}

function abortError(): Error {
  return new DOMException('the request was aborted', 'AbortError');
}
