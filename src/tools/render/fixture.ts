// The review the picture test renders: a pull request that edits both prompts of examples/, reviewed
// by what users run (the built CLI's `lpo review`, the Action's bundle on a push) against the offline
// simulator, so every figure in the screenshots was computed, and is labelled simulated.
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';

const run = promisify(execFile);

/** The fixture PR's edits: each drops the words the simulator rewards, so both prompts have a story. */
const EDITS: { file: string; from: string; to: string }[] = [
  { file: 'prompts/math.txt', from: 'Work through it step by step', to: 'Guess the answer quickly' },
  {
    file: 'prompts/boolean.prompt.yml',
    from: 'Think step by step, then end',
    to: 'Answer at once, then end',
  },
];

/** Fixed names and dates: the same tree gives the same SHAs, so screenshots differ only by layout. */
const GIT_ENV = {
  PATH: process.env.PATH ?? '',
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Octo Cat',
  GIT_AUTHOR_EMAIL: 'octocat@example.com',
  GIT_COMMITTER_NAME: 'Octo Cat',
  GIT_COMMITTER_EMAIL: 'octocat@example.com',
  GIT_AUTHOR_DATE: '2024-05-01T12:00:00Z',
  GIT_COMMITTER_DATE: '2024-05-01T12:00:00Z',
};

export interface FixtureReview {
  /** The PR comment, as `lpo review --out` writes it. */
  comment: string;
  /** The job summary the Action wrote on a push run of the same commits. */
  summary: string;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, stdio: ['ignore', 'pipe', 'pipe'] })
    .toString()
    .trim();
}

/** examples/ as a repository: a base commit on main, then the PR's commit on top. */
export function makeRepo(root: string, dir: string): { base: string; head: string } {
  cpSync(path.join(root, 'examples'), dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  const base = git(dir, 'rev-parse', 'HEAD');
  for (const e of EDITS) {
    const file = path.join(dir, e.file);
    const text = readFileSync(file, 'utf8');
    if (!text.includes(e.from)) throw new Error(`${e.file} no longer contains "${e.from}"`);
    writeFileSync(file, text.replace(e.from, e.to));
  }
  git(dir, 'commit', '-q', '-am', 'Shorter prompts');
  return { base, head: git(dir, 'rev-parse', 'HEAD') };
}

/** The CLI's simulator on a free port, answering for the repository's config. */
export async function startSimulator(cli: string, repo: string): Promise<{ url: string; stop(): void }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [cli, 'simulate', '--config', '.github/lpo.yml', '--port', '0'],
    { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`the simulator exited with code ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/** A child's output; exit 1 is the gate's "regression found", which the fixture PR is meant to show. */
async function finished(child: Promise<{ stdout: string }>): Promise<string> {
  try {
    return (await child).stdout;
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    if (e.code === 1) return e.stdout ?? '';
    throw new Error(`exit code ${String(e.code)}: ${e.stderr || e.stdout || ''}`.trim());
  }
}

/** A log past execFile's default 1 MB cap would end the child. */
const LOG_BYTES = 64 * 1024 * 1024;
const CLEAN_ENV = { PATH: process.env.PATH ?? '', HOME: '/nonexistent', NO_PROXY: '127.0.0.1,localhost' };

async function comment(cli: string, repo: string, url: string, work: string): Promise<string> {
  const out = path.join(work, 'comment.md');
  const args = ['review', '--repo', repo, '--base', 'main~1', '--head', 'main', '--out', out];
  const endpoint = ['--base-url', url, '--task-model', 'gpt-4.1-mini', '--no-cache'];
  await finished(
    run(process.execPath, [cli, ...args, ...endpoint], { cwd: repo, env: CLEAN_ENV, maxBuffer: LOG_BYTES }),
  );
  return readFileSync(out, 'utf8');
}

/** Every input at its action.yml default, as the runner sets them before a workflow's `with:`. */
function inputDefaults(root: string): Record<string, string> {
  const manifest = parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: unknown }>;
  };
  return Object.fromEntries(
    Object.entries(manifest.inputs).map(([name, input]) => [
      `INPUT_${name.toUpperCase()}`,
      String(input.default ?? ''),
    ]),
  );
}

async function jobSummary(root: string, repo: string, url: string, work: string): Promise<string> {
  const files = {
    event: path.join(work, 'event.json'),
    summary: path.join(work, 'summary.md'),
    output: path.join(work, 'output.txt'),
  };
  const head = git(repo, 'rev-parse', 'HEAD');
  writeFileSync(files.event, JSON.stringify({ before: git(repo, 'rev-parse', 'HEAD~1'), after: head }));
  writeFileSync(files.summary, '');
  writeFileSync(files.output, '');
  mkdirSync(path.join(work, 'runner'), { recursive: true });
  const env = {
    ...CLEAN_ENV,
    ...inputDefaults(root),
    'INPUT_API-KEY': 'sk-render-fixture',
    'INPUT_BASE-URL': url,
    'INPUT_GITHUB-TOKEN': '',
    'INPUT_CACHE-DIR': '',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: 'octo-org/prompts',
    GITHUB_SHA: head,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_WORKSPACE: repo,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_OUTPUT: files.output,
    RUNNER_TEMP: path.join(work, 'runner'),
  };
  const log = await finished(
    run(process.execPath, [path.join(root, 'dist', 'index.js')], { cwd: repo, env, maxBuffer: LOG_BYTES }),
  );
  const summary = readFileSync(files.summary, 'utf8');
  // The runner's log is the only place a run that wrote no summary says why.
  if (!summary.trim()) throw new Error(`the Action wrote no job summary:\n${log}`);
  return summary;
}

/** Builds the fixture PR in `work` and reviews it both ways. */
export async function fixtureReview(root: string, work: string): Promise<FixtureReview> {
  const repo = path.join(work, 'repo');
  makeRepo(root, repo);
  const cli = path.join(root, 'dist', 'cli', 'index.js');
  const sim = await startSimulator(cli, repo);
  try {
    return {
      comment: await comment(cli, repo, sim.url, work),
      summary: await jobSummary(root, repo, sim.url, work),
    };
  } finally {
    sim.stop();
  }
}
