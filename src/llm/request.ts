// What a model call sends and gets back, and how it fails: the shapes the client and its callers
// share, apart from the client's own machinery.
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
}

export type LlmErrorKind = 'http' | 'timeout' | 'connection' | 'refusal' | 'length' | 'empty' | 'invalid';

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

/** One line, bounded, with the key (and anything shaped like a key) masked. */
export function cleanDetail(text: string, apiKey: string): string {
  let out = text;
  if (apiKey.length >= 4) out = out.split(apiKey).join('***');
  out = out
    .replace(/\bsk-[A-Za-z0-9_-]{6,}/g, 'sk-***')
    .replace(/Bearer\s+\S+/gi, 'Bearer ***')
    .replace(/\s+/g, ' ')
    .trim();
  return out.length > MAX_DETAIL_CHARS ? `${out.slice(0, MAX_DETAIL_CHARS)}…` : out;
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
