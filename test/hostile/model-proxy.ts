// A recording proxy in front of the simulator. It keeps every request exactly as the model endpoint
// received it (headers and body), so a test can see what left the Action, and it can rewrite the
// model's answers, so a test can make the model say hostile things without a scripted server.
import { createServer, type IncomingHttpHeaders } from 'node:http';

export interface ModelRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ChatBody {
  messages?: { role: string; content: string }[];
}

/** Returns the answer to send instead of `content`, the simulator's answer to `request`. */
export type Decorate = (content: string, request: ChatBody) => string;

/** An error to answer instead of forwarding (status and JSON body), or undefined to forward. */
export type Reject = (request: ModelRequest) => { status: number; body: unknown } | undefined;

export interface ModelProxy {
  /** Base URL ending in /v1, like the simulator's. */
  url: string;
  requests: ModelRequest[];
  close(): Promise<void>;
}

/** `target` is the simulator's base URL (…/v1). */
export async function startModelProxy(
  target: string,
  decorate?: Decorate,
  reject?: Reject,
): Promise<ModelProxy> {
  const origin = new URL(target).origin;
  const requests: ModelRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const method = req.method ?? 'GET';
      const request = { method, path: req.url ?? '/', headers: req.headers, body };
      requests.push(request);
      const rejected = reject?.(request);
      if (rejected) {
        res.writeHead(rejected.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(rejected.body));
        return;
      }
      forward(origin, method, req.url ?? '/', body, decorate).then(
        ({ status, text }) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(text);
        },
        (error: unknown) => {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: String(error), type: 'proxy_error' } }));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function forward(
  origin: string,
  method: string,
  path: string,
  body: string,
  decorate: Decorate | undefined,
): Promise<{ status: number; text: string }> {
  // No Authorization forwarded: the simulator ignores it, and only what the Action sent matters here.
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
  });
  const text = await response.text();
  if (!decorate || !response.ok || !path.includes('/chat/completions')) {
    return { status: response.status, text };
  }
  const reply = JSON.parse(text) as { choices: { message: { content: string | null } }[] };
  const request = JSON.parse(body) as ChatBody;
  for (const choice of reply.choices) {
    if (choice.message.content !== null) choice.message.content = decorate(choice.message.content, request);
  }
  return { status: response.status, text: JSON.stringify(reply) };
}
