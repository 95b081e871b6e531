// Runs the committed bundle (dist/index.js) the way the Actions runner does: a child process with
// INPUT_* set from action.yml's defaults, the GITHUB_* variables of a pull_request run, file commands
// (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) in RUNNER_TEMP, and cwd at the checked-out workspace.
// GitHub is the fake REST server; the model is the simulator.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import {
  startSimulator,
  type SimulatorHandle,
  type SimulatorOptions,
} from '../../src/tools/simulator/simulator.js';
import { keyFromConfig } from '../../src/tools/simulator/sim-keys.js';
import type { FaultOptions } from '../../src/tools/simulator/sim-faults.js';
import {
  type FakeGitHub,
  type FakeGitHubOptions,
  type FakePull,
  startFakeGitHub,
} from '../github/fake-github.js';
import { parseOutputFile, type WorkflowCommand, workflowCommands } from './runner-files.js';
import { type Edits, EXAMPLES, makePrRepo, type PrRepo, pushToPr, removeRepo } from './git-fixture.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const PR = 7;
/** An installation token like GITHUB_TOKEN: GET /user answers 403. */
export const BOT_TOKEN = 'ghs_e2eInstallationToken';
export const BOT = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' as const, userEndpoint: false };
/** A personal access token: GET /user says who it is. */
export const PAT_TOKEN = 'ghp_e2ePersonalAccessToken';
export const PAT_USER = { login: 'prompt-bot', id: 777, type: 'User' as const, userEndpoint: true };
const RUN_TIMEOUT_MS = 60_000;

let actionDir: Promise<string> | undefined;
let answerKey: Promise<{ input: string; target: string }[]> | undefined;

/** The Action as a workflow uses it: action.yml, dist/ and prompts/ only, no node_modules anywhere above. */
export function actionCopy(): Promise<string> {
  actionDir ??= (async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lpo-e2e-action-'));
    try {
      for (const entry of ['action.yml', 'dist', 'prompts']) {
        // Dereferenced: a symlink back into the project would let Node find its node_modules.
        await cp(path.join(ROOT, entry), path.join(dir, entry), { recursive: true, dereference: true });
      }
    } catch (error) {
      // E.g. dist/ missing mid-rebuild: fail this run, let the next one copy again.
      await rm(dir, { recursive: true, force: true });
      actionDir = undefined;
      throw error;
    }
    return dir;
  })();
  return actionDir;
}

export async function removeActionCopy(): Promise<void> {
  const dir = await actionDir?.catch(() => undefined);
  actionDir = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
}

/** INPUT_<NAME> for every input of action.yml, as the runner sets them before any `with:` override. */
export async function inputDefaults(dir: string, token: string): Promise<Record<string, string>> {
  const manifest = parse(await readFile(path.join(dir, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  const env: Record<string, string> = {};
  for (const [name, input] of Object.entries(manifest.inputs)) {
    const value = String(input.default ?? '').replace(/\$\{\{\s*github\.token\s*\}\}/g, token);
    env[inputVar(name)] = value;
  }
  return env;
}

/** @actions/core's spelling: spaces become underscores, hyphens stay, upper case. */
export const inputVar = (name: string) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;

export interface World {
  repo: PrRepo;
  fake: FakeGitHub;
  /** The PR as the fake serves it; push() moves its head. */
  pull: FakePull;
  /** A new commit on the PR branch: new head, new test merge, and the fake's PR follows. */
  push(edits: Edits): Promise<void>;
  sim: SimulatorHandle;
  /** RUNNER_TEMP of every run, removed by close(). */
  temps: string[];
  close(): Promise<void>;
}

/** A PR repository, a fake GitHub serving that PR, and a simulator that knows the examples' answers. */
export async function startWorld(opts: {
  edits: Edits;
  baseEdits?: Edits;
  shallow?: boolean;
  fake?: Partial<FakeGitHubOptions>;
  /** Simulated model latency, to see requests overlap. */
  latencyMs?: number;
  /** Endpoint faults (see sim-faults.ts), e.g. filtered answers for one prompt's requests. */
  faults?: FaultOptions;
  /** Another repository than examples/ (its answer key is read from its own config). */
  source?: string;
  /** More simulator options (a scenario, judge behaviour). */
  simulator?: Partial<SimulatorOptions>;
}): Promise<World> {
  const repo = await makePrRepo(opts);
  const pull: FakePull = {
    number: PR,
    headSha: repo.headSha,
    baseSha: repo.baseSha,
    headRef: 'feature',
    baseRef: 'main',
    author: { login: 'octocat', id: 583231, type: 'User' },
    files: repo.files,
  };
  // The fake keeps these objects, so pushing mutates the PR it serves.
  const fake = await startFakeGitHub({
    tokens: { [BOT_TOKEN]: BOT, [PAT_TOKEN]: PAT_USER },
    pulls: [pull],
    contents: repo.contents,
    ...opts.fake,
  });
  answerKey ??= keyFromConfig('.github/lpo.yml', EXAMPLES);
  const key = opts.source ? keyFromConfig('.github/lpo.yml', opts.source) : answerKey;
  const sim = await startSimulator({
    ...opts.simulator,
    answerKey: await key,
    seed: 7,
    latencyMs: opts.latencyMs ?? 0,
    ...(opts.faults ? { faults: opts.faults } : {}),
  });
  const temps: string[] = [];
  return {
    repo,
    fake,
    pull,
    push: async (edits) => {
      await pushToPr(repo, edits);
      Object.assign(pull, { headSha: repo.headSha, files: repo.files });
    },
    sim,
    temps,
    close: async () => {
      await Promise.all([fake.close(), sim.close()]);
      await removeRepo(repo);
      for (const temp of temps) await rm(temp, { recursive: true, force: true });
    },
  };
}

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  commands: WorkflowCommand[];
  /** ::error:: messages, unescaped. */
  errors: string[];
  notices: string[];
  warnings: string[];
  outputs: Record<string, string>;
  summary: string;
  /** Index into fake.requests where this run's requests start. */
  firstRequest: number;
}

export interface RunOptions {
  /** `with:` values, by input name (e.g. `fail-on`). */
  inputs?: Record<string, string>;
  /** The workflow's github.token; defaults to the installation token. */
  token?: string;
  /** Replaces the fake's pull_request payload (e.g. a fork PR). */
  event?: Record<string, unknown>;
  env?: Record<string, string>;
}

/** One step of a workflow run: `uses: ./` with `inputs`, in a fresh RUNNER_TEMP. */
export async function runAction(world: World, opts: RunOptions = {}): Promise<ActionRun> {
  const { fake, sim, repo } = world;
  const dir = await actionCopy();
  const temp = await mkdtemp(path.join(tmpdir(), 'lpo-e2e-runner-'));
  world.temps.push(temp);
  const files = {
    event: path.join(temp, 'event.json'),
    output: path.join(temp, 'output.txt'),
    summary: path.join(temp, 'step-summary.md'),
  };
  await writeFile(files.event, JSON.stringify(opts.event ?? fake.event(PR, 'synchronize')));
  await writeFile(files.output, '');
  await writeFile(files.summary, '');
  const token = opts.token ?? BOT_TOKEN;
  const inputs: Record<string, string> = {
    'api-key': 'sk-e2e-test-key',
    'base-url': sim.url,
    ...opts.inputs,
  };
  const env: Record<string, string> = {
    // Only what a runner sets: nothing of the developer's environment (no OPENAI_API_KEY, no proxy).
    PATH: process.env.PATH ?? '',
    HOME: temp,
    NO_PROXY: '127.0.0.1,localhost',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: `${fake.owner}/${fake.repo}`,
    GITHUB_REPOSITORY_OWNER: fake.owner,
    GITHUB_SHA: repo.mergeSha,
    GITHUB_REF: `refs/pull/${PR}/merge`,
    GITHUB_HEAD_REF: 'feature',
    GITHUB_BASE_REF: 'main',
    GITHUB_WORKSPACE: repo.workspace,
    GITHUB_API_URL: fake.url,
    GITHUB_GRAPHQL_URL: `${fake.url}/graphql`,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'Prompt review',
    GITHUB_JOB: 'review',
    GITHUB_ACTION: '__self',
    GITHUB_ACTOR: 'octocat',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: temp,
    RUNNER_OS: 'Linux',
    ...(await inputDefaults(dir, token)),
    ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [inputVar(name), value])),
    ...opts.env,
  };
  const firstRequest = fake.requests.length;
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [path.join(dir, 'dist', 'index.js')],
      { cwd: repo.workspace, env, timeout: RUN_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
  const commands = workflowCommands(result.stdout);
  const of = (name: string) => commands.filter((c) => c.command === name).map((c) => c.message);
  return {
    ...result,
    commands,
    errors: of('error'),
    notices: of('notice'),
    warnings: of('warning'),
    outputs: parseOutputFile(await readFile(files.output, 'utf8')),
    summary: await readFile(files.summary, 'utf8'),
    firstRequest,
  };
}

/** The math prompt of examples/, and edits of it that the simulator scores worse or better. */
export const MATH = 'prompts/math.txt';
export async function mathPrompt(): Promise<string> {
  return readFile(path.join(EXAMPLES, MATH), 'utf8');
}
