// One typed settings object for a review run, whichever front end reads it: the Action from its
// inputs, the CLI from its flags. Every default is defined once, here or in the module it belongs
// to (endpoint: config/settings.ts, gate: review/gate.ts, optimizer: optimize/types.ts).
import path from 'node:path';
import { DEFAULT_CONFIG_PATH } from '../config/load.js';
import { LlmClient } from '../llm/client.js';
import type { EndpointSettings } from '../config/settings.js';
import { OPTIMIZE_KEYS, parseOptimizeOptions } from '../optimize/options.js';
import type { OptimizeOptions } from '../optimize/types.js';
import { type GatePolicy, parseGate } from '../review/gate.js';

export interface RunSettings {
  endpoint: EndpointSettings;
  optimizerModel: string;
  /** The config file, relative to the repository root. */
  configPath: string;
  gate: GatePolicy;
  optimize: boolean;
  optimizeOptions: OptimizeOptions;
}

/** The settings both front ends spell alike (`--fail-on` and input `fail-on`). */
export const RUN_KEYS = [
  'optimizer-model',
  'config',
  'fail-on',
  'min-delta',
  'min-accuracy',
  ...OPTIMIZE_KEYS,
] as const;
export type RunKey = (typeof RUN_KEYS)[number];

/** An empty or unset optimizer model means the task model, in every front end. */
export function optimizerModelOf(raw: string | undefined, taskModel: string): string {
  return raw?.trim() || taskModel;
}

/**
 * `get(key)` is the raw text a user gave (undefined or empty when unset), `name(key)` how they spell
 * it, so errors read `--steps: …` on the command line and `input steps: …` in the Action.
 */
export function runSettings(
  get: (key: RunKey) => string | undefined,
  name: (key: RunKey) => string,
  endpoint: EndpointSettings,
  optimize: boolean,
): RunSettings {
  const given = (key: RunKey) => get(key)?.trim() || undefined;
  return {
    endpoint,
    optimizerModel: optimizerModelOf(get('optimizer-model'), endpoint.taskModel),
    configPath: given('config') ?? DEFAULT_CONFIG_PATH,
    gate: parseGate(
      { failOn: given('fail-on'), minDelta: given('min-delta'), minAccuracy: given('min-accuracy') },
      name,
    ),
    optimize,
    optimizeOptions: parseOptimizeOptions(given, name),
  };
}

/** The one place a client is built from settings; a relative cache folder is under `rootDir`. */
export function clientFor(endpoint: EndpointSettings, rootDir: string): LlmClient {
  return new LlmClient({
    baseURL: endpoint.baseURL,
    apiKey: endpoint.apiKey,
    concurrency: endpoint.concurrency,
    cacheDir: endpoint.cacheDir ? path.resolve(rootDir, endpoint.cacheDir) : null,
  });
}
