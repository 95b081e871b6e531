/**
 * An offline, OpenAI-compatible chat server that stands in for a real LLM in tests, the demo, the
 * benchmark and CI. The answers come from sim-model.ts (deterministic for a seed); this file is HTTP only.
 *
 * Endpoints: `POST /v1/chat/completions` (no streaming), `POST /v1/embeddings` (sim-embeddings.ts),
 * `GET /v1/models`, `GET /__sim/stats`.
 * Errors use OpenAI's shape, `{"error": {message, type, param, code}}`.
 *
 * A chat request is one of three kinds:
 * - Judge request (src/eval's rubric and pairwise judges, prompts/judge-*.md): a json_schema named
 *   `lpo_judge`/`lpo_pairwise` or their tagged sections and reply line; answered by sim-judge.ts.
 * - Optimizer request (src/optimize's meta-prompts, prompts/*.md): recognised by what it asks for, a
 *   json_schema named `lpo_<format>` or the text format its last message ends with (see
 *   sim-optimizer-read.ts). The reply comes from simulateOptimizer, which reads the request's content,
 *   seed and temperature (see sim-optimizer.ts); with option `rejectResponseFormat`, one that asks for
 *   JSON gets a 400 instead.
 * - Task request, any other: the system/developer/user text is searched for a known dataset input (the
 *   last user message first, since that is where templates usually put the example). No known input →
 *   `I don't know.`; a free-text target (a reply, a summary) gets a reply, not an answer line
 *   (sim-reply.ts).
 *
 * Faults (option `faults`, see sim-faults.ts): a seeded share of chat requests gets a 429, a 5xx, a hang,
 * a reset or truncated connection, an HTML body, a cut, filtered, refused or empty answer, or broken JSON
 * instead (`faults.only` limits them to requests containing a text). Faulted requests are counted in
 * `stats().faults` by kind, not in `total`/`task`/`correct`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, errorMessage } from '../../core/errors.js';
import { AnswerKey } from './sim-answer-key.js';
import {
  corruptAnswer,
  type FaultHistoryEntry,
  type FaultKind,
  type FaultOptions,
  FaultPlan,
  isContentFault,
  sendTransportFault,
} from './sim-faults.js';
import { embeddingsReply } from './sim-embeddings.js';
import { checkJudgeOptions, type JudgeOptions, simulateJudge } from './sim-judge.js';
import { DEFAULT_SCENARIO, type Scenario } from './sim-model.js';
import { isOptimizerRequest, simulateOptimizer } from './sim-optimizer.js';
import { HttpError, parseChatRequest, readJsonBody, type SimRequest } from './sim-request.js';
import { type Answered, type ChatMessage, completionBody, taskAnswer } from './sim-answer.js';

export interface SimulatorOptions extends JudgeOptions {
  seed?: number;
  latencyMs?: number;
  scenario?: Scenario;
  answerKey?: { input: string; target: string }[];
  port?: number;
  host?: string;
  /**
   * Answer optimizer and judge requests that carry a json_schema response_format with a 400, like
   * endpoints without structured outputs do, so their plain-text fallbacks can be tested.
   */
  rejectResponseFormat?: boolean;
  /** Inject endpoint faults into chat completions (see sim-faults.ts). */
  faults?: FaultOptions;
  /** Called with every chat request the simulator reads, before it answers: lets a test see what was sent. */
  onRequest?: (request: SimRequest) => void;
}

export interface SimulatorStats {
  /** Chat completions answered (task + optimizer + judge + pairwise + unknown). */
  total: number;
  task: number;
  /** Optimizer requests (see sim-optimizer-read.ts for how they are recognised). */
  optimizer: number;
  /** Judge requests: rubric (`lpo_judge`) and pairwise (`lpo_pairwise`), see sim-judge.ts. */
  judge: number;
  pairwise: number;
  /** Embedding requests answered, and the texts they held. */
  embeddings: number;
  embeddingInputs: number;
  /** Requests whose text held no known input (answered `I don't know.`). */
  unknown: number;
  /** Task requests answered correctly. */
  correct: number;
  /** Requests rejected with a 4xx/5xx. */
  errors: number;
  inFlight: number;
  maxInFlight: number;
  /** Injected faults by kind (empty without the `faults` option). */
  faults: Partial<Record<FaultKind, number>>;
}

export interface SimulatorHandle {
  /** Base URL ending in /v1, for `new OpenAI({ baseURL })`. */
  url: string;
  port: number;
  stats(): SimulatorStats;
  /** Every distinct chat request body and what each attempt at it got (empty without `faults`). */
  faultHistory(): FaultHistoryEntry[];
  /** Also destroys the sockets of requests left hanging by a `hang` fault. */
  close(): Promise<void>;
}

export const SIMULATED_MODEL = 'simulated-model';
// Above Node's default of 511, so a burst of thousands of concurrent connections is not refused.
const LISTEN_BACKLOG = 4096;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export { simulatedTaskAnswer, type TaskRequest } from './sim-answer.js';
export { isOptimizerRequest } from './sim-optimizer.js';
export { parseChatRequest, type SimRequest } from './sim-request.js';

/** The simulator's state and its answers; startSimulator puts an HTTP server in front of it. */
class Simulator {
  readonly counts: SimulatorStats = {
    total: 0,
    task: 0,
    optimizer: 0,
    judge: 0,
    pairwise: 0,
    embeddings: 0,
    embeddingInputs: 0,
    unknown: 0,
    correct: 0,
    errors: 0,
    inFlight: 0,
    maxInFlight: 0,
    faults: {},
  };
  // Responses a `hang` fault never answers; close() destroys their sockets.
  readonly hanging = new Set<ServerResponse>();
  readonly plan: FaultPlan | null;
  private readonly key: AnswerKey;
  private nextId = 0;

  constructor(
    private readonly opts: SimulatorOptions,
    private readonly seed: number,
    private readonly latencyMs: number,
    private readonly scenario: Scenario,
  ) {
    this.key = new AnswerKey(opts.answerKey ?? []);
    this.plan = opts.faults ? new FaultPlan(opts.faults) : null;
  }

  answer(request: SimRequest): Answered {
    const judged = simulateJudge(this.seed, this.opts, request);
    if (judged || isOptimizerRequest(request)) {
      if (request.responseFormat.type !== 'text' && this.opts.rejectResponseFormat) {
        throw new HttpError(
          400,
          "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
          'response_format',
        );
      }
      if (judged) return { text: judged.text, category: judged.kind, correct: false, input: null };
      const text = simulateOptimizer(this.scenario, this.seed, request)!;
      return { text, category: 'optimizer', correct: false, input: null };
    }
    return taskAnswer(this.key, this.seed, this.scenario, request);
  }

  private count(answered: Answered): void {
    this.counts.total++;
    this.counts[answered.category]++;
    if (answered.category === 'task' && answered.correct) this.counts.correct++;
  }

  private completion(request: SimRequest, message: ChatMessage, finishReason: string) {
    return completionBody(`chatcmpl-sim-${++this.nextId}`, request, message, finishReason);
  }

  /** Answers with a fault when the plan draws one; returns false when the request should be answered normally. */
  private injectFault(plan: FaultPlan, request: SimRequest, body: unknown, res: ServerResponse): boolean {
    const text = request.messages.map((m) => m.content).join('\n');
    const json = request.responseFormat.type !== 'text';
    const { key: bodyKey, kind } = plan.decide(JSON.stringify(body), json, text);
    // The answer is computed even for transport faults, so the history can name the example.
    const answered = this.answer(request);
    if (kind === null) {
      plan.record(bodyKey, answered.input, 'ok');
      return false;
    }
    plan.record(bodyKey, answered.input, kind);
    this.counts.faults = plan.counts();
    if (isContentFault(kind)) {
      const bad = corruptAnswer(kind, answered.text, plan.unit(bodyKey, kind));
      sendJson(res, 200, this.completion(request, bad, bad.finishReason));
      return true;
    }
    if (kind === 'hang') {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
    }
    const full = JSON.stringify(this.completion(request, { content: answered.text, refusal: null }, 'stop'));
    sendTransportFault(kind, res, full, plan.retryAfterMs);
    return true;
  }

  private async chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.counts.inFlight++;
    this.counts.maxInFlight = Math.max(this.counts.maxInFlight, this.counts.inFlight);
    try {
      const body = await readJsonBody(req);
      const request = parseChatRequest(body);
      this.opts.onRequest?.(request);
      if (this.latencyMs > 0) await sleep(this.latencyMs);
      if (this.plan && this.injectFault(this.plan, request, body, res)) return;
      const answered = this.answer(request);
      this.count(answered);
      sendJson(res, 200, this.completion(request, { content: answered.text, refusal: null }, 'stop'));
    } finally {
      this.counts.inFlight--;
    }
  }

  async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const endpoint = `${req.method} ${path}`;
    if (endpoint === 'POST /v1/chat/completions') return this.chat(req, res);
    if (endpoint === 'POST /v1/embeddings') {
      const reply = embeddingsReply(await readJsonBody(req));
      this.counts.embeddings++;
      this.counts.embeddingInputs += reply.data.length;
      return sendJson(res, 200, reply);
    }
    req.resume(); // drain any body so the connection can be reused
    if (endpoint === 'GET /v1/models') {
      const model = { id: SIMULATED_MODEL, object: 'model', created: 0, owned_by: 'lpo-simulator' };
      return sendJson(res, 200, { object: 'list', data: [model] });
    }
    if (endpoint === 'GET /__sim/stats')
      return sendJson(res, 200, { ...this.counts, faults: { ...this.counts.faults } });
    throw new HttpError(
      404,
      `Unknown request URL: ${endpoint}. Please check the URL and method.`,
      null,
      'unknown_url',
    );
  }
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
  checkJudgeOptions({ judgeDisagreement: opts.judgeDisagreement, positionBias: opts.positionBias });
  const sim = new Simulator(opts, seed, latencyMs, scenario);
  const { counts, hanging, plan } = sim;

  const server: Server = createServer((req, res) => {
    sim.route(req, res).catch((error: unknown) => {
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
    stats: () => ({ ...counts, faults: { ...counts.faults } }),
    faultHistory: () => plan?.history() ?? [],
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const res of hanging) res.socket?.destroy();
        hanging.clear();
        server.closeIdleConnections();
      }),
  };
}
