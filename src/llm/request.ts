// What a model call sends and gets back, and how it fails: the shapes the client and its callers
// share, apart from the client's own machinery.
import { maskKeyLike, Redactor } from '../core/secrets.js';
import type { ChatMessage } from '../core/types.js';

/** Server error texts can be whole HTML pages; one line of this length is enough to diagnose. */
const MAX_DETAIL_CHARS = 300;

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
  seed?: number;
  response_format?: unknown;
}

export interface ChatResult {
  text: string;
  finishReason: string;
  cached: boolean;
  promptTokens: number;
  completionTokens: number;
  refusal?: string;
}

export interface LlmOptions {
  baseURL: string;
  apiKey: string;
  timeoutMs?: number;
  maxRetries?: number;
  concurrency?: number;
  cacheDir?: string | null;
  fetch?: typeof fetch;
  /** Largest response body read; a larger one is a `protocol` error (see http-fetch.ts). */
  maxResponseBytes?: number;
}

/** `protocol`: a reply that breaks the API (not JSON, no choices, bad token counts, over the size limit). */
/** `budget`: not sent, because the owner's ceiling on the run's requests or tokens was reached (ceiling.ts). */
export type LlmErrorKind =
  | 'http'
  | 'timeout'
  | 'connection'
  | 'protocol'
  | 'refusal'
  | 'length'
  | 'invalid'
  | 'budget';

/** A model call that gave no usable answer. The message is one line and never contains the API key. */
export class LlmError extends Error {
  override name = 'LlmError';
  status?: number;
  kind: LlmErrorKind;

  constructor(kind: LlmErrorKind, message: string, status?: number) {
    super(message);
    this.kind = kind;
    if (status !== undefined) this.status = status;
  }
}

let lastRedactor: { key: string; redactor: Redactor } | undefined;

/** The redactor for one API key; a run has one key, so the last one is kept. */
export function redactorFor(apiKey: string): Redactor {
  if (lastRedactor?.key !== apiKey) lastRedactor = { key: apiKey, redactor: new Redactor([apiKey]) };
  return lastRedactor.redactor;
}

/** C0/C1 controls (terminal escapes), bidi controls and line separators: none belong in one log line. */
const UNPRINTABLE = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

/**
 * One line, bounded, with the key in any form (base64, spaced out, see core/secrets.ts) and anything
 * shaped like a key masked. Masking comes first, so no cut can leave half a key behind.
 */
export function cleanDetail(text: string, apiKey: string): string {
  const out = maskKeyLike(redactorFor(apiKey).redact(text))
    .replace(UNPRINTABLE, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (out.length <= MAX_DETAIL_CHARS) return out;
  const cut = /[\uD800-\uDBFF]/.test(out[MAX_DETAIL_CHARS - 1]!) ? MAX_DETAIL_CHARS - 1 : MAX_DETAIL_CHARS;
  return `${out.slice(0, cut)}…`;
}

/** An answer with the key masked in any form: an endpoint can echo it, and answers are shown and cached. */
export function scrubAnswer(result: ChatResult, apiKey: string): ChatResult {
  const redactor = redactorFor(apiKey);
  if (redactor.empty) return result;
  const text = redactor.redact(result.text);
  const refusal = result.refusal === undefined ? undefined : redactor.redact(result.refusal);
  if (text === result.text && refusal === result.refusal) return result;
  return { ...result, text, ...(refusal === undefined ? {} : { refusal }) };
}

/** An error and its causes, with their codes (ECONNREFUSED, …), in one line. */
export function causeChain(error: Error): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error && parts.length < 4; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${e.message} (${code})` : e.message);
  }
  return parts.join(': ');
}

export function isOpenAIHosted(endpoint: string): boolean {
  const host = endpoint.split('/')[0]?.split(':')[0] ?? '';
  return host === 'api.openai.com' || /\.(openai|services\.ai|cognitiveservices)\.azure\.com$/.test(host);
}

export function toCount(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}
