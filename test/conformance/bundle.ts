import path from 'node:path';
import { type CliResult, ROOT, runNode } from '../helpers/cli.js';

/** The CLI bundle users install (dist/cli/index.js, rebuilt by the global setup when sources change). */
export const BUILT_CLI = path.join(ROOT, 'dist', 'cli', 'index.js');

export function runBuiltCli(
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CliResult> {
  return runNode([BUILT_CLI, ...args], opts);
}
