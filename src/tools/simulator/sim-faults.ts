/**
 * Fault injection for the simulator: the ways a real model endpoint misbehaves, at a configured rate,
 * reproducible from a seed. Used by the fault-injection suite (test/faults) and `lpo simulate --fault-rate`.
 *
 * The decision for a request depends on the seed, the request body and how many times that exact body
 * has been seen before: a client that retries an identical request gets a fresh draw on each attempt,
 * as with a real flaky endpoint, while the whole run stays reproducible for a seed.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ConfigError } from '../../core/errors.js';
import { hashUnit } from './sim-model.js';

export const FAULT_KINDS = [
  /** 429 with `retry-after` (seconds, or `retry-after-ms` when FaultOptions.retryAfterMs is set). */
  'rate-limit',
  /** 429 without any retry header: the client must pick its own backoff. */
  'rate-limit-bare',
  'http-500',
  'http-502',
  'http-503',
  /** Reads the request and never answers; only the client's timeout ends it. */
  'hang',
  /** Headers and part of the body, then a TCP reset. */
  'reset',
  /** Content-Length larger than the body sent, then the connection is closed. */
  'truncated',
  /** 200 with an HTML error page, as proxies and gateways send. */
  'non-json',
  /** `finish_reason: "length"` with the answer cut in half. */
  'length',
  /** `message.refusal` set, content null. */
  'refusal',
  /** `finish_reason: "content_filter"`, content null, as Azure OpenAI sends a filtered answer. */
  'content-filter',
  /** `finish_reason: "stop"` with empty content. */
  'empty',
  /** Only for json_object/json_schema requests: content that does not parse, or parses but does not match. */
  'invalid-json',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultOptions {
  /** Share of chat completion requests that fail, 0..1. */
  rate: number;
  seed: number;
  /** Kinds to draw from, uniformly (list a kind twice to give it twice the share). Default: all. */
  kinds?: FaultKind[];
  /** For `rate-limit`: send `retry-after-ms` with this value instead of `retry-after: 1`, so tests stay fast. */
  retryAfterMs?: number;
  /** Only requests whose messages contain this text get faults (e.g. a phrase of one prompt). */
  only?: string;
}

/** What happened to each attempt at one distinct request body, in order. */
export interface FaultHistoryEntry {
  /** The dataset input the request was about (task requests), else null. */
  input: string | null;
  outcomes: (FaultKind | 'ok')[];
}

/** Kinds that need a response body to corrupt; the rest are decided before the answer is computed. */
const CONTENT_KINDS: ReadonlySet<FaultKind> = new Set([
  'length',
  'refusal',
  'content-filter',
  'empty',
  'invalid-json',
]);

export function checkFaultOptions(opts: FaultOptions): Required<
  Omit<FaultOptions, 'retryAfterMs' | 'only'>
> & {
  retryAfterMs?: number;
  only?: string;
} {
  if (!Number.isFinite(opts.rate) || opts.rate < 0 || opts.rate > 1) {
    throw new ConfigError(`simulator fault rate: expected a number from 0 to 1, got ${opts.rate}`);
  }
  if (!Number.isFinite(opts.seed))
    throw new ConfigError(`simulator fault seed: expected a number, got ${opts.seed}`);
  const kinds = opts.kinds ?? [...FAULT_KINDS];
  if (kinds.length === 0) throw new ConfigError('simulator fault kinds: expected at least one kind');
  for (const kind of kinds) {
    if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
      throw new ConfigError(`simulator fault kind "${kind}": expected one of ${FAULT_KINDS.join(', ')}`);
    }
  }
  const { retryAfterMs } = opts;
  if (retryAfterMs !== undefined && (!Number.isInteger(retryAfterMs) || retryAfterMs < 1)) {
    throw new ConfigError(`simulator retry-after-ms: expected an integer >= 1, got ${retryAfterMs}`);
  }
  if (opts.only !== undefined && opts.only === '') {
    throw new ConfigError('simulator fault filter: expected a non-empty text to match');
  }
  return {
    rate: opts.rate,
    seed: opts.seed,
    kinds,
    ...(retryAfterMs ? { retryAfterMs } : {}),
    ...(opts.only !== undefined ? { only: opts.only } : {}),
  };
}

export function isContentFault(kind: FaultKind): boolean {
  return CONTENT_KINDS.has(kind);
}

/** Decides faults per (body, n-th arrival) and keeps the counts and the per-body history. */
export class FaultPlan {
  private readonly opts: ReturnType<typeof checkFaultOptions>;
  private readonly bodies = new Map<string, FaultHistoryEntry>();
  private readonly injected = new Map<FaultKind, number>();

  constructor(opts: FaultOptions) {
    this.opts = checkFaultOptions(opts);
  }

  get retryAfterMs(): number | undefined {
    return this.opts.retryAfterMs;
  }

  /**
   * The fault for this arrival of `body`, or null. `json` says whether the request asked for JSON
   * (only then can `invalid-json` apply); `text` is its messages' text, for the `only` filter. Call
   * record() once the outcome is known.
   */
  decide(body: string, json: boolean, text = ''): { key: string; kind: FaultKind | null } {
    const key = createHash('sha256').update(body).digest('hex');
    if (this.opts.only !== undefined && !text.includes(this.opts.only)) return { key, kind: null };
    const n = this.bodies.get(key)?.outcomes.length ?? 0;
    const applicable = this.opts.kinds.filter((k) => json || k !== 'invalid-json');
    if (applicable.length === 0 || hashUnit(this.opts.seed, 'fault', key, n) >= this.opts.rate) {
      return { key, kind: null };
    }
    const pick = Math.floor(hashUnit(this.opts.seed, 'fault-kind', key, n) * applicable.length);
    return { key, kind: applicable[pick]! };
  }

  /** Draws in [0, 1) for the details of one fault (where to cut, which corruption). */
  unit(key: string, ...parts: string[]): number {
    return hashUnit(
      this.opts.seed,
      'fault-detail',
      key,
      this.bodies.get(key)?.outcomes.length ?? 0,
      ...parts,
    );
  }

  record(key: string, input: string | null, outcome: FaultKind | 'ok'): void {
    const entry = this.bodies.get(key) ?? { input, outcomes: [] };
    entry.input ??= input;
    entry.outcomes.push(outcome);
    this.bodies.set(key, entry);
    if (outcome !== 'ok') this.injected.set(outcome, (this.injected.get(outcome) ?? 0) + 1);
  }

  counts(): Partial<Record<FaultKind, number>> {
    return Object.fromEntries([...this.injected].sort(([a], [b]) => a.localeCompare(b)));
  }

  history(): FaultHistoryEntry[] {
    return [...this.bodies.values()].map((e) => ({ input: e.input, outcomes: [...e.outcomes] }));
  }
}

function errorBody(message: string, type: string, code: string | null): string {
  return JSON.stringify({ error: { message, type, param: null, code } });
}

const HTML_PAGE =
  '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n';

/**
 * Sends a transport or HTTP fault (every kind but the content kinds). `hang` returns without
 * answering: the caller keeps the response so close() can destroy its socket.
 */
export function sendTransportFault(
  kind: FaultKind,
  res: ServerResponse,
  full: string,
  retryAfterMs: number | undefined,
): void {
  const json = { 'content-type': 'application/json' };
  switch (kind) {
    case 'rate-limit':
    case 'rate-limit-bare': {
      const headers: Record<string, string> = { ...json };
      if (kind === 'rate-limit') {
        if (retryAfterMs) headers['retry-after-ms'] = String(retryAfterMs);
        else headers['retry-after'] = '1';
      }
      res.writeHead(429, headers);
      res.end(
        errorBody(
          'Rate limit reached for requests. Please try again later.',
          'requests',
          'rate_limit_exceeded',
        ),
      );
      return;
    }
    case 'http-500':
    case 'http-502':
    case 'http-503': {
      const status = Number(kind.slice(5));
      res.writeHead(status, json);
      res.end(
        errorBody(`The server had an error while processing your request (${status}).`, 'server_error', null),
      );
      return;
    }
    case 'hang':
      return;
    case 'reset':
    case 'truncated': {
      const bytes = Buffer.from(full);
      res.writeHead(200, { ...json, 'content-length': bytes.length });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      // flushHeaders/write are queued; cut the connection once they are on the wire.
      const socket = res.socket;
      if (!socket) return;
      if (kind === 'reset') socket.write('', () => socket.resetAndDestroy());
      else socket.end();
      return;
    }
    case 'non-json':
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(HTML_PAGE);
      return;
    default:
      throw new Error(`sim-faults: ${kind} is a content fault, not a transport fault`);
  }
}

export interface CorruptedMessage {
  content: string | null;
  refusal: string | null;
  finishReason: 'stop' | 'length' | 'content_filter';
}

/** The message a content fault puts in place of the real answer. `unit` in [0, 1) picks the variant. */
export function corruptAnswer(kind: FaultKind, answer: string, unit: number): CorruptedMessage {
  if (kind === 'length') {
    // Cut inside the answer, never at its end, so the missing part is the part that matters.
    const cut = Math.max(0, Math.floor(answer.length * (0.2 + 0.5 * unit)));
    return { content: answer.slice(0, cut), refusal: null, finishReason: 'length' };
  }
  if (kind === 'refusal') {
    return { content: null, refusal: "I'm sorry, but I can't help with that request.", finishReason: 'stop' };
  }
  if (kind === 'content-filter') return { content: null, refusal: null, finishReason: 'content_filter' };
  if (kind === 'empty') return { content: '', refusal: null, finishReason: 'stop' };
  if (kind === 'invalid-json') {
    // Half of them do not parse (an unterminated object); the other half parse but hold none of the schema's fields.
    const content = unit < 0.5 ? '{"answer": "The answer is' : '{"note": "no answer"}';
    return { content, refusal: null, finishReason: 'stop' };
  }
  throw new Error(`sim-faults: ${kind} is not a content fault`);
}
