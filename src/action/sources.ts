import { glob } from 'tinyglobby';
import { getFileAt, listChangedFiles } from '../github/pr.js';
import type { GitHubClient } from '../github/octokit.js';
import type { Logger } from '../github/types.js';
import type { ChangedFile } from '../vcs/changes.js';
import { changedFiles, listFiles, resolveRef, showFile } from '../vcs/git.js';
import { gitSources, type ReviewSources } from '../vcs/sources.js';
import type { RunEvent } from './event.js';

const STATUS: Record<string, ChangedFile['status'] | undefined> = {
  added: 'added',
  copied: 'added',
  removed: 'removed',
  modified: 'modified',
  changed: 'modified',
  renamed: 'renamed',
};

async function hasCommit(workspace: string, ref: string): Promise<string | null> {
  try {
    return await resolveRef(workspace, ref);
  } catch {
    return null;
  }
}

/**
 * The PR's two versions. Changed files (and their patches, which anchor suggestions) come from the
 * API; file contents from the checkout's git when it has both commits (fetch-depth: 0), else from
 * the contents API at the exact SHAs.
 */
export async function pullRequestSources(
  octokit: GitHubClient,
  event: RunEvent,
  workspace: string,
  logger: Logger,
): Promise<ReviewSources> {
  const { owner, repo } = event;
  const listed = await listChangedFiles(octokit, { owner, repo, pull_number: event.pullNumber! }, logger);
  const base = await hasCommit(workspace, event.baseRef);
  const head = await hasCommit(workspace, event.headSha);
  const notes: string[] = [];
  let changed: ChangedFile[] = listed.files.flatMap((f) => {
    const status = STATUS[f.status];
    if (!status) return [];
    const file: ChangedFile = { path: f.filename, status };
    if (f.previous_filename) file.previousPath = f.previous_filename;
    if (f.patch !== undefined) file.patch = f.patch;
    return [file];
  });
  if (listed.truncated) {
    if (base && head) {
      const patches = new Map(changed.map((c) => [c.path, c.patch]));
      changed = (await changedFiles(workspace, base, head)).map((c) => {
        const patch = patches.get(c.path);
        return patch !== undefined ? { ...c, patch } : c;
      });
      notes.push(
        `GitHub lists only ${listed.files.length} of this PR's ${listed.changedFiles} files; the rest came from git.`,
      );
    } else {
      notes.push(
        `GitHub lists only ${listed.files.length} of this PR's ${listed.changedFiles} files and the checkout has no history: check out with fetch-depth: 0 to evaluate prompts among the rest.`,
      );
    }
  }
  if (!base || !head) {
    logger.info(
      'the checkout lacks the base or head commit (fetch-depth: 0 recommended); reading files through the API',
    );
  }
  // Each file once per commit: the contents API counts against the rate limit.
  const read = (sha: string | null, ref: string) => {
    const seen = new Map<string, Promise<string | null>>();
    return (path: string) => {
      if (!seen.has(path)) {
        seen.set(path, sha ? showFile(workspace, sha, path) : getFileAt(octokit, { owner, repo, path, ref }));
      }
      return seen.get(path)!;
    };
  };
  const headFiles = head
    ? await listFiles(workspace, head)
    : await glob(['**/*'], { cwd: workspace, dot: true, ignore: ['.git/**', 'node_modules/**'] });
  return {
    changed,
    headFiles,
    readBase: read(base, event.baseRef),
    readHead: read(head, event.headSha),
    notes,
  };
}

/** push and workflow_dispatch: no PR, so git must have both commits. */
export async function commitSources(event: RunEvent, workspace: string): Promise<ReviewSources> {
  const base = await resolveRef(workspace, event.baseRef);
  const head = await resolveRef(workspace, event.headSha);
  return gitSources(workspace, base, head);
}
