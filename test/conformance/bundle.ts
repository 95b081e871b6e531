import { spawn } from 'node:child_process';
import path from 'node:path';
import { type CliResult, ROOT } from '../helpers/cli.js';

/** The CLI bundle users install (dist/cli/index.js, rebuilt by the global setup when sources change). */
export const BUILT_CLI = path.join(ROOT, 'dist', 'cli', 'index.js');

export function runBuiltCli(
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILT_CLI, ...args], {
      cwd: opts.cwd,
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
