/**
 * An offline, OpenAI-compatible chat server that stands in for a real LLM in tests, the demo, the
 * benchmark and CI. The answers come from sim-model.ts (deterministic for a seed); this file is HTTP only.
 *
 * Endpoints: `POST /v1/chat/completions` (no streaming), `GET /v1/models`, `GET /__sim/stats`.
 * Errors use OpenAI's shape, `{"error": {message, type, param, code}}`.
 *
 * Task requests: the system/developer/user text is searched for a known dataset input (the last user
 * message first, since that is where templates usually put the example). No known input → `I don't know.`
 *
 * Rewrite protocol (stands in for the optimizer's LLM until it lands; the PR review uses it for suggestions):
 * the LAST user message starts with the line `### Task: rewrite-prompt` and holds the prompt between a line
 * `<prompt>` and a line `</prompt>`. The reply is the improved prompt (sim-model.ts rewritePrompt), again
 * between `<prompt>` and `</prompt>` lines, and nothing else. A rewrite request without the block is a 400.
 *
 * Optimizer protocol (src/optimize's meta-prompts): the last user message starts with `### Task: <name>`
 * for a name in sim-optimizer.ts OPTIMIZER_TASKS; the reply comes from simulateOptimizer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, errorMessage } from '../errors.js';
import { AnswerKey } from './sim-answer-key.js';
import { SIMULATOR_FINGERPRINT } from './client.js';
import { DEFAULT_SCENARIO, rewritePrompt, type Scenario, simulateAnswer, simulateJson } from './sim-model.js';
import { optimizerTask, simulateOptimizer } from './sim-optimizer.js';
import { HttpError, parseChatRequest, readJsonBody, type SimRequest } from './sim-request.js';

export interface SimulatorOptions {
  seed?: number;
  latencyMs?: number;
  scenario?: Scenario;
  answerKey?: { input: string; target: string }[];
  port?: number;
  host?: string;
  /**
   * Answer optimizer requests that carry a json_schema response_format with a 400, like endpoints
   * without structured outputs do, so the optimizer's plain-text fallback can be tested.
   */
  rejectResponseFormat?: boolean;
}

export interface SimulatorStats {
  /** Chat completions answered (task + rewrite + unknown). */
  total: number;
  task: number;
  rewrite: number;
  /** Optimizer meta-prompt requests (`### Task: lpo-…`, `apo-…`, `pe2-…`, `ape-…`; see sim-optimizer.ts). */
  optimizer: number;
  /** Requests whose text held no known input (answered `I don't know.`). */
  unknown: number;
  /** Task requests answered correctly. */
  correct: number;
  /** Requests rejected with a 4xx/5xx. */
  errors: number;
  inFlight: number;
  maxInFlight: number;
}

export interface SimulatorHandle {
  /** Base URL ending in /v1, for `new OpenAI({ baseURL })`. */
  url: string;
  port: number;
  stats(): SimulatorStats;
  close(): Promise<void>;
}

export const SIMULATED_MODEL = 'simulated-model';
const REWRITE_MARKER = '### Task: rewrite-prompt';
// Assistant turns (few-shot answers) are not where the example under test lives.
const ASKED_ROLES = new Set(['system', 'developer', 'user']);
// Above Node's default of 511, so a burst of thousands of concurrent connections is not refused.
const LISTEN_BACKLOG = 4096;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function tokens(chars: number): number {
  return Math.ceil(chars / 4);
}

/** The prompt inside a rewrite request, or null when the request is not a rewrite request. */
function rewriteTarget(request: SimRequest): string | null {
  const lastUser = request.messages.findLast((m) => m.role === 'user');
  if (!lastUser) return null;
  const lines = lastUser.content.split(/\r?\n/);
  if (lines[0]?.trim() !== REWRITE_MARKER) return null;
  const open = lines.findIndex((line) => line.trim() === '<prompt>');
  const close = lines.findLastIndex((line) => line.trim() === '</prompt>');
  if (open < 0 || close <= open) {
    throw new HttpError(400, 'rewrite-prompt request has no <prompt> ... </prompt> block', 'messages');
  }
  return lines.slice(open + 1, close).join('\n');
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const seed = opts.seed ?? 0;
  const latencyMs = opts.latencyMs ?? 0;
  const scenario = opts.scenario ?? DEFAULT_SCENARIO;
  const host = opts.host ?? '127.0.0.1';
  if (!Number.isFinite(seed)) throw new ConfigError(`simulator seed: expected a number, got ${seed}`);
  if (!Number.isFinite(latencyMs) || latencyMs < 0) {
    throw new ConfigError(`simulator latency: expected milliseconds >= 0, got ${latencyMs}`);
  }
  const key = new AnswerKey(opts.answerKey ?? []);
  const counts: SimulatorStats = {
    total: 0,
    task: 0,
    rewrite: 0,
    optimizer: 0,
    unknown: 0,
    correct: 0,
    errors: 0,
    inFlight: 0,
    maxInFlight: 0,
  };
  let nextId = 0;

  function answer(request: SimRequest): string {
    const prompt = rewriteTarget(request);
    if (prompt !== null) {
      counts.rewrite++;
      return `<prompt>\n${rewritePrompt(scenario, prompt)}\n</prompt>`;
    }
    const optimizerText = request.messages.findLast((m) => m.role === 'user')?.content ?? '';
    const task = optimizerTask(optimizerText);
    if (task !== null) {
      const json = request.responseFormat.type !== 'text';
      if (json && opts.rejectResponseFormat) {
        throw new HttpError(
          400,
          "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
          'response_format',
        );
      }
      counts.optimizer++;
      return simulateOptimizer(scenario, seed, { task, text: optimizerText, json });
    }
    const asked = request.messages.filter((m) => ASKED_ROLES.has(m.role));
    const requestText = asked.map((m) => m.content).join('\n');
    const lastUser = asked.findLast((m) => m.role === 'user')?.content ?? '';
    const found = key.find(lastUser) ?? key.find(requestText);
    const args = { seed, model: request.model, scenario, requestText, key: found };
    const format = request.responseFormat;
    const result = format.type === 'text' ? simulateAnswer(args) : simulateJson(args, format.schema);
    if (!found) counts.unknown++;
    else {
      counts.task++;
      if (result.correct) counts.correct++;
    }
    return result.text;
  }

  async function chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    counts.inFlight++;
    counts.maxInFlight = Math.max(counts.maxInFlight, counts.inFlight);
    try {
      const request = parseChatRequest(await readJsonBody(req));
      if (latencyMs > 0) await sleep(latencyMs);
      const content = answer(request);
      counts.total++;
      const promptChars = request.messages.reduce((sum, m) => sum + m.content.length, 0);
      const usage = { prompt_tokens: tokens(promptChars), completion_tokens: tokens(content.length) };
      sendJson(res, 200, {
        id: `chatcmpl-sim-${++nextId}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: request.model,
        system_fingerprint: SIMULATOR_FINGERPRINT,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content, refusal: null },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      });
    } finally {
      counts.inFlight--;
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const endpoint = `${req.method} ${path}`;
    if (endpoint === 'POST /v1/chat/completions') return chat(req, res);
    req.resume(); // drain any body so the connection can be reused
    if (endpoint === 'GET /v1/models') {
      const model = { id: SIMULATED_MODEL, object: 'model', created: 0, owned_by: 'lpo-simulator' };
      return sendJson(res, 200, { object: 'list', data: [model] });
    }
    if (endpoint === 'GET /__sim/stats') return sendJson(res, 200, { ...counts });
    throw new HttpError(
      404,
      `Unknown request URL: ${endpoint}. Please check the URL and method.`,
      null,
      'unknown_url',
    );
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      counts.errors++;
      const status = error instanceof HttpError ? error.status : 500;
      const type = status >= 500 ? 'server_error' : 'invalid_request_error';
      const param = error instanceof HttpError ? error.param : null;
      const code = error instanceof HttpError ? error.code : null;
      if (!res.headersSent)
        sendJson(res, status, { error: { message: errorMessage(error), type, param, code } });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new ConfigError(`simulator cannot listen on ${host}:${opts.port ?? 0}: ${errorMessage(error)}`)),
    );
    server.listen({ port: opts.port ?? 0, host, backlog: LISTEN_BACKLOG }, resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('simulator: server has no TCP address');
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${address.port}/v1`,
    port: address.port,
    stats: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
