import { endpointSettings, type EndpointSettings } from '../config/settings.js';
import { ConfigError } from '../errors.js';
import { parseOptimizeOptions } from '../optimize/options.js';
import type { OptimizeOptions } from '../optimize/types.js';
import type { FailOn, GatePolicy } from '../review/model.js';

// Every Action input, parsed once into one typed object. `getInput` is injected so this module can be
// tested without the Actions runtime; the names are exactly those of action.yml.

export interface ActionSettings {
  endpoint: EndpointSettings;
  /** False when no key is available (a fork PR gets no secrets): the run is skipped, not failed. */
  hasApiKey: boolean;
  optimizerModel: string;
  configPath: string;
  githubToken: string;
  gate: GatePolicy;
  optimize: boolean;
  optimizeOptions: OptimizeOptions;
  baseRef?: string;
  /** From deadline-minutes: the run stops starting new work in time to post what it has. */
  deadlineMs?: number;
}

type GetInput = (name: string) => string;

const FAIL_ON: FailOn[] = ['significant-regression', 'regression', 'never'];
/** The conventional significance level; the paired test is exact, so no further correction is applied. */
const ALPHA = 0.05;

function bool(raw: string, name: string): boolean {
  const value = raw.trim().toLowerCase();
  if (['true', 'on', 'yes', '1'].includes(value)) return true;
  if (['false', 'off', 'no', '0'].includes(value)) return false;
  throw new ConfigError(`input ${name}: expected true or false, got "${raw}"`);
}

function number(raw: string, name: string, min: number, max: number, unit = ''): number {
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(`input ${name}: expected a number from ${min} to ${max}${unit}, got "${raw}"`);
  }
  return value;
}

export function readSettings(getInput: GetInput, env: NodeJS.ProcessEnv): ActionSettings {
  const input = (name: string) => getInput(name).trim();
  const apiKey = input('api-key') || env.OPENAI_API_KEY || '';
  const failOn = (input('fail-on') || 'significant-regression') as FailOn;
  if (!FAIL_ON.includes(failOn)) {
    throw new ConfigError(`input fail-on: expected one of ${FAIL_ON.join(', ')}, got "${input('fail-on')}"`);
  }
  const names = {
    baseUrl: 'input base-url',
    apiKey: 'input api-key',
    taskModel: 'input task-model',
    concurrency: 'input concurrency',
  };
  let endpoint: EndpointSettings;
  let hasApiKey = true;
  try {
    endpoint = endpointSettings(
      {
        baseUrl: input('base-url'),
        apiKey,
        taskModel: input('task-model'),
        concurrency: input('concurrency'),
        cacheDir: input('cache-dir'),
      },
      env,
      names,
    );
  } catch (error) {
    // A missing key is the one endpoint problem that must not fail the check (fork PRs); re-validate without it.
    if (!(error instanceof ConfigError) || apiKey) throw error;
    hasApiKey = false;
    endpoint = endpointSettings(
      {
        baseUrl: 'http://127.0.0.1',
        apiKey: '',
        taskModel: input('task-model'),
        concurrency: input('concurrency'),
      },
      {},
      names,
    );
    endpoint = { ...endpoint, baseURL: input('base-url') || 'https://api.openai.com/v1' };
  }
  const minAccuracy = input('min-accuracy');
  const gate: GatePolicy = {
    failOn,
    minDelta: input('min-delta')
      ? number(input('min-delta'), 'min-delta', 0, 100, ' (percentage points)')
      : 2,
    alpha: ALPHA,
    ...(minAccuracy ? { minAccuracy: number(minAccuracy, 'min-accuracy', 0, 100, ' (percent)') / 100 } : {}),
  };
  const settings: ActionSettings = {
    endpoint,
    hasApiKey,
    optimizerModel: input('optimizer-model') || endpoint.taskModel,
    configPath: input('config') || '.github/lpo.yml',
    githubToken: input('github-token'),
    gate,
    optimize: input('optimize') ? bool(input('optimize'), 'optimize') : true,
    optimizeOptions: parseOptimizeOptions(
      (key) => input(key) || undefined,
      (key) => `input ${key}`,
    ),
  };
  if (input('base-ref')) settings.baseRef = input('base-ref');
  if (input('deadline-minutes')) {
    settings.deadlineMs =
      number(input('deadline-minutes'), 'deadline-minutes', 0.1, 24 * 60, ' (minutes)') * 60_000;
  }
  return settings;
}
