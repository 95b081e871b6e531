// A chat-completions endpoint that answers with canned optimizer replies and records every request:
// the network boundary, so the optimizer's real client, parsers and enforcement run unchanged.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AskContext } from '../../../src/optimize/ask.js';
import { Budget } from '../../../src/optimize/budget.js';
import { Tally } from '../../../src/optimize/tally.js';
import { LlmClient } from '../../../src/llm/client.js';

export interface Sent {
  messages: { role: string; content: string }[];
  temperature?: number;
  seed?: number;
  response_format?: { type: string; json_schema?: { name: string } };
}

export interface CannedReply {
  content: string;
  finish?: string;
}

/** `answer` picks the reply for each request (it sees what was sent, as a real model would). */
export async function cannedEndpoint(answer: (req: Sent, n: number) => CannedReply) {
  const sent: Sent[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Sent;
      sent.push(body);
      const reply = answer(body, sent.length - 1);
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          id: `c${sent.length}`,
          object: 'chat.completion',
          created: 0,
          model: 'canned',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: reply.content },
              finish_reason: reply.finish ?? 'stop',
            },
          ],
          usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  const client = new LlmClient({ baseURL: url, apiKey: 'x', maxRetries: 0, cacheDir: null });
  const context = (structured: boolean, maxCalls = 10_000): AskContext => ({
    client,
    model: 'canned',
    seed: 1,
    budget: new Budget(client, maxCalls),
    tally: new Tally(),
    keep: 0,
    structured,
  });
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { sent, client, context, close };
}

/** The text of the last user message of a request. */
export const lastUser = (req: Sent) => req.messages.filter((m) => m.role === 'user').at(-1)!.content;
