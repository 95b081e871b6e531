import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ConfigError } from '../core/errors.js';
import type { ChangedFile } from './changes.js';

const run = promisify(execFile);
/** Prompt files and datasets can be large; git's default 1 MB buffer would cut them off. */
const MAX_BUFFER = 512 * 1024 * 1024;

async function git(repoDir: string, args: string[]): Promise<Buffer> {
  const { stdout } = await run('git', args, { cwd: repoDir, maxBuffer: MAX_BUFFER, encoding: 'buffer' });
  return stdout;
}

/** Full SHA of a ref, or a ConfigError naming it (a shallow clone is the usual cause). */
export async function resolveRef(repoDir: string, ref: string): Promise<string> {
  try {
    return (await git(repoDir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]))
      .toString('utf8')
      .trim();
  } catch {
    throw new ConfigError(
      `git ref "${ref}" not found in ${repoDir} (a shallow checkout? use actions/checkout with fetch-depth: 0)`,
    );
  }
}

/**
 * The file's text at a commit, or null when it does not exist there. Read from git's objects, never
 * the working tree: the commit is what is reviewed, and a committed symlink (mode 120000) is refused
 * instead of followed, so it cannot pull in a file from outside the repository.
 */
export async function showFile(repoDir: string, sha: string, path: string): Promise<string | null> {
  const entry = (await git(repoDir, ['--literal-pathspecs', 'ls-tree', '-z', sha, '--', path]))
    .toString('utf8')
    .split('\0')[0];
  const match = entry ? /^(\d+) (\w+) ([0-9a-f]+)\t/.exec(entry) : null;
  if (!match) return null;
  const [, mode, type, oid] = match;
  if (mode === '120000') {
    throw new ConfigError(
      `${path}: a symlink at ${sha.slice(0, 7)}; prompts, configs and datasets must be regular files in the repository`,
    );
  }
  if (type !== 'blob')
    throw new ConfigError(
      `${path}: a ${type === 'tree' ? 'folder' : type} at ${sha.slice(0, 7)}, not a file`,
    );
  return (await git(repoDir, ['cat-file', 'blob', oid!])).toString('utf8');
}

const STATUS: Record<string, ChangedFile['status']> = {
  A: 'added',
  M: 'modified',
  D: 'removed',
  R: 'renamed',
  C: 'added',
  T: 'modified',
};

/** `git diff --name-status -M` between two commits, NUL-separated so any file name survives. */
export async function changedFiles(repoDir: string, base: string, head: string): Promise<ChangedFile[]> {
  const out = (await git(repoDir, ['diff', '--name-status', '-M', '-z', base, head])).toString('utf8');
  const parts = out.split('\0');
  const files: ChangedFile[] = [];
  for (let i = 0; i < parts.length - 1; ) {
    const code = parts[i++]!;
    const status = STATUS[code[0]!] ?? 'modified';
    if (code[0] === 'R' || code[0] === 'C') {
      const from = parts[i++]!;
      const to = parts[i++]!;
      files.push(status === 'renamed' ? { path: to, status, previousPath: from } : { path: to, status });
    } else {
      files.push({ path: parts[i++]!, status });
    }
  }
  return files;
}

/** Unified diff hunks of one file, in the shape GitHub's `patch` field has (no file headers). */
export async function filePatch(
  repoDir: string,
  base: string,
  head: string,
  path: string,
  previousPath?: string,
) {
  const paths = previousPath ? [previousPath, path] : [path];
  const out = (
    await git(repoDir, ['diff', '-M', '--no-color', '--unified=3', base, head, '--', ...paths])
  ).toString('utf8');
  const start = out.indexOf('\n@@');
  return start === -1 ? undefined : out.slice(start + 1);
}

/** All files tracked at a commit, for finding every prompt a changed config or dataset affects. */
export async function listFiles(repoDir: string, sha: string): Promise<string[]> {
  const out = (await git(repoDir, ['ls-tree', '-r', '-z', '--name-only', sha])).toString('utf8');
  return out.split('\0').filter(Boolean);
}
