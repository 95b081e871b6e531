import { ConfigError } from '../core/errors.js';

// One typed settings object for everything that talks to the model endpoint. Built once, at the
// boundary (CLI flags or Action inputs), so nothing below re-reads the environment.

export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
export const DEFAULT_TASK_MODEL = 'gpt-4.1-mini';
/** Enough to keep a hosted endpoint busy without tripping typical per-minute rate limits. */
export const DEFAULT_CONCURRENCY = 8;
/** Above this, one runner's sockets and the endpoint's limits make more parallelism counter-productive. */
const MAX_CONCURRENCY = 256;
export const DEFAULT_CACHE_DIR = '.lpo-cache';
/** 1 MiB: far above any chat completion, far below what would strain a runner (see llm/http-fetch.ts). */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
const MAX_RESPONSE_BYTES_CEILING = 1024 * 1024 * 1024;

export interface EndpointSettings {
  baseURL: string;
  apiKey: string;
  taskModel: string;
  concurrency: number;
  /** null turns the response cache off. */
  cacheDir: string | null;
  /** A response body over this size is an error of its request, and is not read further. */
  maxResponseBytes: number;
}

export interface RawEndpointInput {
  baseUrl?: string;
  apiKey?: string;
  taskModel?: string;
  concurrency?: string;
  cacheDir?: string;
  noCache?: boolean;
  maxResponseBytes?: string;
}

/** `what` names the input in errors: `--concurrency` for the CLI, `input concurrency` for the Action. */
export function parsePositiveInt(raw: string, what: string, max = Number.MAX_SAFE_INTEGER): number {
  const trimmed = raw.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < 1 || Number(trimmed) > max) {
    throw new ConfigError(`${what}: expected an integer from 1 to ${max}, got "${raw}"`);
  }
  return Number(trimmed);
}

export function parseBaseUrl(raw: string, what: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError(`${what}: expected an http(s) URL such as ${DEFAULT_BASE_URL}, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${what}: expected an http(s) URL, got "${raw}"`);
  }
  return url.toString().replace(/\/+$/, '');
}

function isLocal(baseURL: string): boolean {
  const host = new URL(baseURL).hostname;
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
}

/**
 * `names` maps each field to how the user spells it (flag or input name), so errors point at what
 * they typed. A key is required except for local endpoints (Ollama, vLLM, the simulator).
 */
export function endpointSettings(
  raw: RawEndpointInput,
  env: NodeJS.ProcessEnv,
  names: Record<'baseUrl' | 'apiKey' | 'taskModel' | 'concurrency' | 'maxResponseBytes', string>,
): EndpointSettings {
  const baseURL = parseBaseUrl(raw.baseUrl || env.OPENAI_BASE_URL || DEFAULT_BASE_URL, names.baseUrl);
  const apiKey = raw.apiKey || env.OPENAI_API_KEY || '';
  if (!apiKey && !isLocal(baseURL)) {
    throw new ConfigError(
      `${names.apiKey}: no API key for ${baseURL}; pass ${names.apiKey} or set OPENAI_API_KEY`,
    );
  }
  const taskModel = (raw.taskModel || DEFAULT_TASK_MODEL).trim();
  if (!taskModel) throw new ConfigError(`${names.taskModel}: expected a model name`);
  const concurrency = raw.concurrency
    ? parsePositiveInt(raw.concurrency, names.concurrency, MAX_CONCURRENCY)
    : DEFAULT_CONCURRENCY;
  const cacheDir = raw.noCache ? null : raw.cacheDir || DEFAULT_CACHE_DIR;
  const maxResponseBytes = raw.maxResponseBytes
    ? parsePositiveInt(raw.maxResponseBytes, names.maxResponseBytes, MAX_RESPONSE_BYTES_CEILING)
    : DEFAULT_MAX_RESPONSE_BYTES;
  return { baseURL, apiKey, taskModel, concurrency, cacheDir, maxResponseBytes };
}
