// One typed settings object for a review run, whichever front end reads it: the Action from its
// inputs, the CLI from its flags. Every default is defined once, here or in the module it belongs
// to (endpoint: config/settings.ts, gate: review/gate.ts, optimizer: optimize/types.ts).
import path from 'node:path';
import { DEFAULT_CONFIG_PATH } from '../config/load.js';
import { parseLimits, type RunLimits } from '../config/limits.js';
import type { Ceilings } from '../llm/ceiling.js';
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
  /**
   * Off (the default): the base commit's config defines each prompt's test, so the PR under review
   * cannot change its own test. On: the PR's config is used, for repositories whose PR authors the
   * owner trusts with the gate.
   */
  trustPrConfig: boolean;
  limits: RunLimits;
}

/** The switches each front end reads its own way (a boolean flag, or a true/false input). */
export interface RunSwitches {
  optimize: boolean;
  trustPrConfig: boolean;
}

/** The settings both front ends spell alike (`--fail-on` and input `fail-on`). */
export const RUN_KEYS = [
  'optimizer-model',
  'config',
  'fail-on',
  'min-delta',
  'min-detectable-drop',
  'min-accuracy',
  'fail-on-inconclusive',
  'min-judge-agreement',
  'allowed-models',
  'max-output-tokens',
  'max-examples',
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
  switches: RunSwitches,
): RunSettings {
  const given = (key: RunKey) => get(key)?.trim() || undefined;
  return {
    endpoint,
    optimizerModel: optimizerModelOf(get('optimizer-model'), endpoint.taskModel),
    configPath: given('config') ?? DEFAULT_CONFIG_PATH,
    gate: parseGate(
      {
        failOn: given('fail-on'),
        minDelta: given('min-delta'),
        minDetectableDrop: given('min-detectable-drop'),
        minAccuracy: given('min-accuracy'),
        failOnInconclusive: given('fail-on-inconclusive'),
        minJudgeAgreement: given('min-judge-agreement'),
      },
      name,
    ),
    optimize: switches.optimize,
    optimizeOptions: parseOptimizeOptions(given, name),
    trustPrConfig: switches.trustPrConfig,
    limits: parseLimits(given, name),
  };
}

/** The models a run may call: the two the owner named, and those it allows besides. */
export function allowedModels(settings: RunSettings): string[] {
  const { endpoint, optimizerModel, limits } = settings;
  return [...new Set([endpoint.taskModel, optimizerModel, ...limits.allowedModels])];
}

/**
 * A review's ceilings: max-calls and max-tokens bound every request of the run, evaluation and
 * optimizer alike; the models and the output length are held where every request passes.
 */
export function reviewCeilings(settings: RunSettings): Ceilings {
  const { maxCalls, maxTokens } = settings.optimizeOptions;
  return {
    maxCalls,
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    maxOutputTokens: settings.limits.maxOutputTokens,
    models: allowedModels(settings),
  };
}

/** The one place a client is built from settings; a relative cache folder is under `rootDir`. */
export function clientFor(endpoint: EndpointSettings, rootDir: string, ceilings?: Ceilings): LlmClient {
  return new LlmClient({
    baseURL: endpoint.baseURL,
    apiKey: endpoint.apiKey,
    concurrency: endpoint.concurrency,
    cacheDir: endpoint.cacheDir ? path.resolve(rootDir, endpoint.cacheDir) : null,
    maxResponseBytes: endpoint.maxResponseBytes,
    ...(ceilings ? { ceilings } : {}),
  });
}
