import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENTRY = path.join(ROOT, 'src', 'cli', 'index.ts');
// By URL, so the loader resolves whatever the child's working directory is.
const TSX = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from source as its own process (tsx), exactly as a user's shell would. */
export function runCli(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return runNode(['--import', TSX, ENTRY, ...args], opts);
}

/** Node with these arguments, no endpoint settings inherited from the environment, output collected. */
export function runNode(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** `lpo review` on a local repository against an endpoint, writing the comment and the JSON report. */
export function reviewArgs(o: {
  repo: string;
  base: string;
  head: string;
  out: string;
  json: string;
  baseUrl: string;
}) {
  return [
    'review',
    '--repo',
    o.repo,
    '--base',
    o.base,
    '--head',
    o.head,
    '--out',
    o.out,
    '--json',
    o.json,
    '--base-url',
    o.baseUrl,
    '--no-cache',
  ];
}
