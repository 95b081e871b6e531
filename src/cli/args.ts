import { parseArgs, type ParseArgsConfig } from 'node:util';
import { type EndpointSettings, endpointSettings } from '../config/settings.js';
import { ConfigError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs, with its errors turned into one-line user errors that name the command and the flag. */
export function parseFlags<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    const message = flagProblem(command, argv, options) ?? nodeMessage(error);
    throw new ConfigError(`lpo ${command}: ${message}`);
  }
}

/**
 * The first flag strict parsing rejected, said in our words: Node's text suggests `--` for positionals,
 * which is never what a mistyped flag needs. Re-reading leniently gives the tokens strict mode refused.
 */
function flagProblem(command: string, argv: string[], options: Options): string | undefined {
  const { tokens } = parseArgs({ args: argv, options, allowPositionals: true, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (!option) return unknownFlag(command, token.rawName, options);
    if (option.type === 'boolean' && token.value !== undefined) {
      return `${token.rawName} takes no value, got "${token.rawName}=${token.value}"`;
    }
    if (option.type === 'string' && token.value === undefined) return `${token.rawName} expects a value`;
    // "--split --json x": strict mode will not take a flag as a value unless it is written "--split=--json".
    if (option.type === 'string' && !token.inlineValue && token.value?.startsWith('-')) {
      return `${token.rawName} expects a value, got ${token.value} (write ${token.rawName}=${token.value} if that is the value)`;
    }
  }
  return undefined;
}

function unknownFlag(command: string, rawName: string, options: Options): string {
  const meant = rawName.startsWith('--') ? didYouMean(rawName.slice(2), Object.keys(options)) : undefined;
  const hint = meant ? `did you mean --${meant}?` : `run "lpo ${command} --help" for its flags`;
  return `unknown flag ${rawName} (${hint})`;
}

function nodeMessage(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}

/** The flags every command that calls a model accepts. */
export const ENDPOINT_FLAGS = {
  'base-url': { type: 'string' },
  'api-key': { type: 'string' },
  'task-model': { type: 'string' },
  concurrency: { type: 'string' },
  'cache-dir': { type: 'string' },
  'no-cache': { type: 'boolean' },
  'max-response-bytes': { type: 'string' },
} as const;

export const ENDPOINT_NAMES = {
  baseUrl: '--base-url',
  apiKey: '--api-key',
  taskModel: '--task-model',
  concurrency: '--concurrency',
  maxResponseBytes: '--max-response-bytes',
} as const;

/** The optimizer's settings, as `lpo optimize` and `lpo review` take them (see src/optimize/options.ts). */
export const OPTIMIZE_FLAGS = {
  method: { type: 'string' },
  mode: { type: 'string' },
  search: { type: 'string' },
  steps: { type: 'string' },
  beam: { type: 'string' },
  candidates: { type: 'string' },
  'max-edit-words': { type: 'string' },
  'optimizer-model': { type: 'string' },
  'max-calls': { type: 'string' },
  'max-tokens': { type: 'string' },
  seed: { type: 'string' },
} as const;

type EndpointValues = {
  'base-url'?: string | undefined;
  'api-key'?: string | undefined;
  'task-model'?: string | undefined;
  concurrency?: string | undefined;
  'cache-dir'?: string | undefined;
  'no-cache'?: boolean | undefined;
  'max-response-bytes'?: string | undefined;
};

/** The endpoint flags, then OPENAI_* from the environment, then the defaults. */
export function endpointFromFlags(values: EndpointValues): EndpointSettings {
  const raw: Parameters<typeof endpointSettings>[0] = { noCache: values['no-cache'] === true };
  if (values['base-url'] !== undefined) raw.baseUrl = values['base-url'];
  if (values['api-key'] !== undefined) raw.apiKey = values['api-key'];
  if (values['task-model'] !== undefined) raw.taskModel = values['task-model'];
  if (values.concurrency !== undefined) raw.concurrency = values.concurrency;
  if (values['cache-dir'] !== undefined) raw.cacheDir = values['cache-dir'];
  if (values['max-response-bytes'] !== undefined) raw.maxResponseBytes = values['max-response-bytes'];
  return endpointSettings(raw, process.env, ENDPOINT_NAMES);
}
