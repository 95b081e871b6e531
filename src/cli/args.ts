import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs, with its TypeErrors turned into one-line user errors that name the command. */
export function parseFlags<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError(`lpo ${command}: ${message}`);
  }
}

/** The flags every command that calls a model accepts. */
export const ENDPOINT_FLAGS = {
  'base-url': { type: 'string' },
  'api-key': { type: 'string' },
  'task-model': { type: 'string' },
  concurrency: { type: 'string' },
  'cache-dir': { type: 'string' },
  'no-cache': { type: 'boolean' },
} as const;

export const ENDPOINT_NAMES = {
  baseUrl: '--base-url',
  apiKey: '--api-key',
  taskModel: '--task-model',
  concurrency: '--concurrency',
} as const;
