// Checks of the client's own options, made once when it is built: a bad one is a ConfigError.
import { ConfigError } from '../core/errors.js';
import { endpointId } from './cache.js';

export function checkBaseURL(baseURL: string): string {
  try {
    const url = new URL(baseURL);
    if (url.protocol === 'http:' || url.protocol === 'https:') return endpointId(baseURL);
  } catch {
    // reported below
  }
  throw new ConfigError(
    `LLM baseURL ${JSON.stringify(baseURL)} is not an http(s) URL (expected e.g. https://api.openai.com/v1)`,
  );
}

export function checkInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`LLM option ${name} is ${value}; expected an integer >= ${min}`);
  }
  return value;
}
