// A scriptable `/v1/chat/completions` server on 127.0.0.1, so the client is tested over real HTTP
// through the real SDK (retries, timeouts, headers) without any network.

import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  path: string;
  headers: IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect whatever the SDK sent
  body: any;
  /** ms since the server started. */
  at: number;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** JSON body; ignored when `raw` is set. */
  json?: unknown;
  raw?: string;
  delayMs?: number;
  /** Never answer (the client must time out). */
  hang?: boolean;
  /** Send status and headers, then stall before the body. */
  hangBody?: boolean;
}

/** `index` counts requests from 0, including retries. */
export type Handler = (req: SeenRequest, index: number) => Reply | Promise<Reply>;

export interface FakeOpenAI {
  baseURL: string;
  requests: SeenRequest[];
  /** Most requests the server was handling at the same moment. */
  maxInFlight: number;
  setHandler(handler: Handler): void;
  close(): Promise<void>;
}

export function completion(
  content: string | null,
  opts: {
    finishReason?: string | null;
    promptTokens?: number;
    completionTokens?: number;
    refusal?: string;
  } = {},
): unknown {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'fake-model',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: opts.refusal ?? null },
        finish_reason: opts.finishReason === undefined ? 'stop' : opts.finishReason,
      },
    ],
    usage: {
      prompt_tokens: opts.promptTokens ?? 10,
      completion_tokens: opts.completionTokens ?? 5,
      total_tokens: (opts.promptTokens ?? 10) + (opts.completionTokens ?? 5),
    },
  };
}

/** Default: answer `echo: <last message>` after no delay. */
export const echo: Handler = (req) => {
  const messages = (req.body?.messages ?? []) as { content: string }[];
  return { json: completion(`echo: ${messages.at(-1)?.content ?? ''}`) };
};

export async function startFakeOpenAI(initial: Handler = echo): Promise<FakeOpenAI> {
  let handler = initial;
  let inFlight = 0;
  const started = Date.now();
  const state = { requests: [] as SeenRequest[], maxInFlight: 0 };

  const server = createServer((req, res) => {
    inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    res.on('close', () => {
      inFlight -= 1;
    });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const seen: SeenRequest = {
        path: req.url ?? '',
        headers: req.headers,
        body: text ? JSON.parse(text) : null,
        at: Date.now() - started,
      };
      const index = state.requests.push(seen) - 1;
      if (req.method !== 'POST' || !seen.path.endsWith('/chat/completions')) {
        send(res, { status: 404, json: { error: { message: `no route ${req.method} ${seen.path}` } } });
        return;
      }
      Promise.resolve(handler(seen, index)).then(
        (reply) => send(res, reply),
        (error: unknown) => send(res, { status: 500, json: { error: { message: String(error) } } }),
      );
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return state.requests;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    setHandler(next) {
      handler = next;
    },
    close() {
      // Hanging replies keep sockets open; cut them so the test run can end.
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, reply: Reply): void {
  if (reply.hang) return;
  const write = () => {
    if (res.destroyed) return;
    const body = reply.raw ?? JSON.stringify(reply.json ?? {});
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
    if (reply.hangBody) {
      res.flushHeaders();
      return;
    }
    res.end(body);
  };
  if (reply.delayMs) setTimeout(write, reply.delayMs);
  else write();
}
