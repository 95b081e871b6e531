import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { resolveRef } from './git.js';

const run = promisify(execFile);

/**
 * Runs `fn` with a directory holding the head commit's tree: the repository itself when it is checked
 * out there, else a temporary detached worktree, so config and datasets are read as of the head.
 */
export async function withHeadTree<T>(
  repoDir: string,
  headSha: string,
  fn: (dir: string) => Promise<T>,
): Promise<T> {
  const current = await resolveRef(repoDir, 'HEAD').catch(() => null);
  if (current === headSha) return fn(repoDir);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lpo-head-'));
  await run('git', ['worktree', 'add', '--detach', dir, headSha], { cwd: repoDir });
  try {
    return await fn(dir);
  } finally {
    await run('git', ['worktree', 'remove', '--force', dir], { cwd: repoDir }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
