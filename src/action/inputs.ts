import { runSettings, type RunKey, type RunSettings } from '../app/settings.js';
import { DEFAULT_BASE_URL, endpointSettings, type EndpointSettings } from '../config/settings.js';
import { ConfigError } from '../core/errors.js';
import { actionCacheDir } from './cache-dir.js';

// Every Action input and every environment variable the Action reads, parsed once into one typed
// object. `getInput` and `env` are injected so this module can be tested without the Actions runtime;
// the input names are exactly those of action.yml.

/** What the runner tells the step through its environment. */
export interface RunnerEnv {
  workspace: string;
  apiUrl: string;
  /** With runId, for the link to the job summary; both absent outside a real run. */
  serverUrl?: string;
  runId?: string;
  runAttempt: string;
  /** Where the JSON report is written. */
  tempDir: string;
}

export interface ActionSettings {
  run: RunSettings;
  /** False when no key is available (a fork PR gets no secrets): the run is skipped, not failed. */
  hasApiKey: boolean;
  githubToken: string;
  baseRef?: string;
  /** allow-pull-request-target: evaluate fork PRs on pull_request_target, with the secrets. */
  allowPullRequestTarget: boolean;
  /** From deadline-minutes: the run stops starting new work in time to post what it has. */
  deadlineMs?: number;
  runner: RunnerEnv;
}

type GetInput = (name: string) => string;

function bool(raw: string, name: string): boolean {
  const value = raw.trim().toLowerCase();
  if (['true', 'on', 'yes', '1'].includes(value)) return true;
  if (['false', 'off', 'no', '0'].includes(value)) return false;
  throw new ConfigError(`input ${name}: expected true or false, got "${raw}"`);
}

function minutes(raw: string): number {
  const value = Number(raw.trim());
  if (!Number.isFinite(value) || value < 0.1 || value > 24 * 60) {
    throw new ConfigError(
      `input deadline-minutes: expected a number from 0.1 to ${24 * 60} (minutes), got "${raw}"`,
    );
  }
  return value;
}

const NAMES = {
  baseUrl: 'input base-url',
  apiKey: 'input api-key',
  taskModel: 'input task-model',
  concurrency: 'input concurrency',
  maxResponseBytes: 'input max-response-bytes',
};

/** The endpoint, and whether a key is there at all: a missing key skips the run (fork PRs). */
function endpointOf(input: (name: string) => string, env: NodeJS.ProcessEnv): [EndpointSettings, boolean] {
  const apiKey = input('api-key') || env.OPENAI_API_KEY || '';
  const raw = {
    baseUrl: input('base-url'),
    apiKey,
    taskModel: input('task-model'),
    concurrency: input('concurrency'),
    maxResponseBytes: input('max-response-bytes'),
    // Outside the workspace, which the PR controls (see cache-dir.ts).
    cacheDir: actionCacheDir(input('cache-dir'), env.GITHUB_WORKSPACE || process.cwd(), env.RUNNER_TEMP),
  };
  try {
    return [endpointSettings(raw, env, NAMES), true];
  } catch (error) {
    // The one endpoint problem that must not fail the check; the rest is re-validated without it.
    if (!(error instanceof ConfigError) || apiKey) throw error;
    const keyless = endpointSettings({ ...raw, baseUrl: 'http://127.0.0.1' }, {}, NAMES);
    return [{ ...keyless, baseURL: input('base-url') || env.OPENAI_BASE_URL || DEFAULT_BASE_URL }, false];
  }
}

function runnerEnv(env: NodeJS.ProcessEnv): RunnerEnv {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  return {
    workspace,
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    ...(env.GITHUB_SERVER_URL ? { serverUrl: env.GITHUB_SERVER_URL } : {}),
    ...(env.GITHUB_RUN_ID ? { runId: env.GITHUB_RUN_ID } : {}),
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    tempDir: env.RUNNER_TEMP || workspace,
  };
}

export function readSettings(getInput: GetInput, env: NodeJS.ProcessEnv): ActionSettings {
  const input = (name: string) => getInput(name).trim();
  const [endpoint, hasApiKey] = endpointOf(input, env);
  const optimize = input('optimize') ? bool(input('optimize'), 'optimize') : true;
  const trustPrConfig = input('trust-pr-config') ? bool(input('trust-pr-config'), 'trust-pr-config') : false;
  const run = runSettings(
    (key: RunKey) => input(key),
    (key) => `input ${key}`,
    endpoint,
    { optimize, trustPrConfig },
  );
  const settings: ActionSettings = {
    run,
    hasApiKey,
    githubToken: input('github-token'),
    allowPullRequestTarget: input('allow-pull-request-target')
      ? bool(input('allow-pull-request-target'), 'allow-pull-request-target')
      : false,
    runner: runnerEnv(env),
  };
  if (input('base-ref')) settings.baseRef = input('base-ref');
  if (input('deadline-minutes')) settings.deadlineMs = minutes(input('deadline-minutes')) * 60_000;
  return settings;
}
