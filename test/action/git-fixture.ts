// A pull request as a real git history, built from examples/: a base commit on main, a head commit on
// a branch, and the test-merge commit GitHub builds for a PR. The workspace is left the way
// actions/checkout leaves it: HEAD detached at the merge commit (fetch-depth: 0), or a depth-1 clone
// of the merge commit where base and head are absent (the default fetch-depth: 1).
import { execFile } from 'node:child_process';
import { cp, lstat, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FakePullFile } from '../github/fake-github.js';

const exec = promisify(execFile);
export const EXAMPLES = path.resolve(import.meta.dirname, '../../examples');

/** The clean environment git runs in, so the developer's own config cannot change the commits. */
const GIT_ENV = {
  PATH: process.env.PATH ?? '',
  HOME: tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Octo Cat',
  GIT_AUTHOR_EMAIL: 'octocat@example.com',
  GIT_COMMITTER_NAME: 'GitHub',
  GIT_COMMITTER_EMAIL: 'noreply@github.com',
  GIT_AUTHOR_DATE: '2024-05-01T12:00:00Z',
  GIT_COMMITTER_DATE: '2024-05-01T12:00:00Z',
};

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await exec('git', args, { cwd, env: GIT_ENV, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** path -> new text, or null to delete the file. */
/** A file's new text, null to delete it, or a symlink (committed as one, mode 120000) to `target`. */
export type Edits = Record<string, string | null | { symlink: string }>;

export interface PrRepo {
  /** The workspace: cwd and GITHUB_WORKSPACE of the Action. */
  workspace: string;
  baseSha: string;
  headSha: string;
  /** GITHUB_SHA: the test-merge commit, which is neither base nor head. */
  mergeSha: string;
  /** pulls/list-files as GitHub serves it. */
  files: FakePullFile[];
  /** For the fake's contents API: every file's text at the base and at the head commit. */
  contents: Record<string, Record<string, string>>;
}

async function applyEdits(dir: string, edits: Edits): Promise<void> {
  for (const [file, text] of Object.entries(edits)) {
    const target = path.join(dir, file);
    if (text === null) await rm(target);
    // Raw bytes (test/hostile passes Buffers) are file contents, not a symlink.
    else if (typeof text === 'object' && !Buffer.isBuffer(text)) {
      await mkdir(path.dirname(target), { recursive: true });
      await rm(target, { force: true });
      await symlink(text.symlink, target);
    } else {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, text);
    }
  }
}

/** Every file's text at a commit, in one `git cat-file --batch` (a process per file is slow). */
async function treeTexts(dir: string, sha: string): Promise<Record<string, string>> {
  const entries = (await git(dir, 'ls-tree', '-r', '-z', sha))
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta, name] = line.split('\t');
      return { blob: meta!.split(' ')[2]!, name: name! };
    });
  const out = await new Promise<Buffer>((resolve, reject) => {
    const child = execFile(
      'git',
      ['cat-file', '--batch'],
      { cwd: dir, env: GIT_ENV, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
    child.stdin!.end(entries.map((e) => `${e.blob}\n`).join(''));
  });
  // Each object: "<sha> blob <size>\n<bytes>\n".
  const texts: Record<string, string> = {};
  let at = 0;
  for (const { name } of entries) {
    const eol = out.indexOf(10, at);
    const size = Number(out.subarray(at, eol).toString('utf8').split(' ')[2]);
    texts[name] = out.subarray(eol + 1, eol + 1 + size).toString('utf8');
    at = eol + 1 + size + 1;
  }
  return texts;
}

const PULL_STATUS: Record<string, FakePullFile['status']> = {
  A: 'added',
  M: 'modified',
  D: 'removed',
  R: 'renamed',
};

/** GitHub's `patch`: the file's hunks without the diff headers and without a final newline. */
async function pullFiles(dir: string, base: string, head: string): Promise<FakePullFile[]> {
  const parts = (await git(dir, 'diff', '--name-status', '-M', '-z', base, head)).split('\0');
  const files: FakePullFile[] = [];
  for (let i = 0; i < parts.length - 1; ) {
    const code = parts[i++]!;
    const renamed = code.startsWith('R');
    const previous = renamed ? parts[i++]! : undefined;
    const filename = parts[i++]!;
    const diff = await git(
      dir,
      'diff',
      '-M',
      '--no-color',
      base,
      head,
      '--',
      ...(previous ? [previous] : []),
      filename,
    );
    const start = diff.indexOf('@@');
    const patch = start === -1 ? undefined : diff.slice(start).replace(/\n$/, '');
    const lines = patch?.split('\n') ?? [];
    const additions = lines.filter((l) => l.startsWith('+')).length;
    const deletions = lines.filter((l) => l.startsWith('-')).length;
    const status = PULL_STATUS[code[0]!] ?? 'modified';
    const blob = status === 'removed' ? base : head;
    const sha = (await git(dir, 'rev-parse', `${blob}:${filename}`)).trim();
    files.push({
      filename,
      status,
      additions,
      deletions,
      changes: additions + deletions,
      sha,
      ...(patch !== undefined ? { patch } : {}),
      ...(previous ? { previous_filename: previous } : {}),
    });
  }
  return files;
}

/**
 * Builds the PR's history in a fresh temp directory. `shallow` clones only the merge commit
 * (depth 1), so the Action must read the base and head versions through the contents API.
 */
export async function makePrRepo(opts: {
  edits: Edits;
  baseEdits?: Edits;
  shallow?: boolean;
  /** The repository's files (default examples/). */
  source?: string;
}): Promise<PrRepo> {
  const root = await mkdtemp(path.join(tmpdir(), 'lpo-e2e-repo-'));
  const origin = path.join(root, 'origin');
  const source = opts.source ?? EXAMPLES;
  // Dereferenced, and checked: git must never run in the project's own examples/ through a symlink.
  await cp(source, origin, { recursive: true, dereference: true });
  if (!(await lstat(origin)).isDirectory() || (await lstat(path.join(origin, 'prompts'))).isSymbolicLink()) {
    throw new Error(`${origin} is not a plain copy of ${source}`);
  }
  await applyEdits(origin, opts.baseEdits ?? {});
  await git(origin, 'init', '--quiet', '--initial-branch=main');
  await git(origin, 'add', '--all');
  await git(origin, 'commit', '--quiet', '-m', 'Base prompts');
  const baseSha = (await git(origin, 'rev-parse', 'HEAD')).trim();
  await git(origin, 'switch', '--quiet', '-c', 'feature');
  await applyEdits(origin, opts.edits);
  await git(origin, 'add', '--all');
  await git(origin, 'commit', '--quiet', '-m', 'Edit prompts');
  const headSha = (await git(origin, 'rev-parse', 'HEAD')).trim();
  const mergeSha = await testMerge(origin, baseSha, headSha);
  const files = await pullFiles(origin, baseSha, headSha);
  const contents = {
    [baseSha]: await treeTexts(origin, baseSha),
    [headSha]: await treeTexts(origin, headSha),
  };
  let workspace = origin;
  if (opts.shallow) {
    workspace = path.join(root, 'workspace');
    await git(root, 'clone', '--quiet', '--depth=1', '--branch=pr-merge', `file://${origin}`, workspace);
  }
  await git(workspace, 'checkout', '--quiet', '--detach', mergeSha);
  return { workspace, baseSha, headSha, mergeSha, files, contents };
}

/** What GitHub does for refs/pull/N/merge: the head merged into the base, never fast-forwarded. */
async function testMerge(dir: string, baseSha: string, headSha: string): Promise<string> {
  await git(dir, 'switch', '--quiet', '--force-create', 'pr-merge', baseSha);
  await git(dir, 'merge', '--quiet', '--no-ff', '-m', `Merge ${headSha} into ${baseSha}`, headSha);
  return (await git(dir, 'rev-parse', 'HEAD')).trim();
}

/**
 * A push to the PR branch (a `synchronize` event): a new head commit, a new test merge, the workspace
 * checked out at it. Updates `repo` in place; a full (not shallow) workspace only.
 */
export async function pushToPr(repo: PrRepo, edits: Edits): Promise<void> {
  const dir = repo.workspace;
  await git(dir, 'switch', '--quiet', 'feature');
  await applyEdits(dir, edits);
  await git(dir, 'add', '--all');
  await git(dir, 'commit', '--quiet', '-m', 'Edit prompts again');
  repo.headSha = (await git(dir, 'rev-parse', 'HEAD')).trim();
  repo.mergeSha = await testMerge(dir, repo.baseSha, repo.headSha);
  repo.files = await pullFiles(dir, repo.baseSha, repo.headSha);
  repo.contents[repo.headSha] = await treeTexts(dir, repo.headSha);
  await git(dir, 'checkout', '--quiet', '--detach', repo.mergeSha);
}

/** Deletes the repository and its workspace. */
export async function removeRepo(repo: PrRepo): Promise<void> {
  await rm(path.dirname(repo.workspace), { recursive: true, force: true });
}
