// Reading a pull request through the API: its changed files (with GitHub's 3,000-file cap made
// explicit) and a file's text at a given commit.
import { ConfigError } from '../core/errors.js';
import { asGitHubApiError, httpStatus, withGitHubError } from './errors.js';
import type { GitHubClient } from './octokit.js';
import type { Logger, PullRef, RepoRef } from './types.js';

/** GitHub's pulls/list-files stops here whatever the PR holds; past it only git knows the rest. */
export const LIST_FILES_CAP = 3000;

/** The most GitHub serves per page; fewer pages means fewer requests against the rate limit. */
export const PER_PAGE = 100;

export interface PullFile {
  filename: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  previous_filename?: string;
  /** Absent for binary files and very large diffs. */
  patch?: string;
}

export interface ChangedFiles {
  files: PullFile[];
  /** The PR's own count (`changed_files`), which the listing may fall short of. */
  changedFiles: number;
  /** True when GitHub listed fewer files than the PR changes: get the full list from git. */
  truncated: boolean;
}

export async function listChangedFiles(
  octokit: GitHubClient,
  pull: PullRef,
  logger: Logger,
): Promise<ChangedFiles> {
  const { owner, repo, pull_number } = pull;
  const { data: pr } = await withGitHubError('read the pull request', () =>
    octokit.rest.pulls.get({ owner, repo, pull_number }),
  );
  const listed = await withGitHubError('list the changed files', () =>
    octokit.paginate(octokit.rest.pulls.listFiles, { owner, repo, pull_number, per_page: PER_PAGE }),
  );
  const files = listed.map((f): PullFile => {
    const file: PullFile = { filename: f.filename, status: f.status };
    if (f.previous_filename !== undefined) file.previous_filename = f.previous_filename;
    if (f.patch !== undefined) file.patch = f.patch;
    return file;
  });
  const truncated = pr.changed_files > files.length;
  if (truncated) {
    logger.warning(
      `Pull request #${pull_number} changes ${pr.changed_files} files but GitHub listed only ${files.length} ` +
        `(its API stops at ${LIST_FILES_CAP.toLocaleString('en-US')}); the rest must come from git.`,
    );
  }
  logger.debug(`Pull request #${pull_number}: ${files.length} changed files listed.`);
  return { files, changedFiles: pr.changed_files, truncated };
}

export interface FileRef extends RepoRef {
  path: string;
  /** A commit SHA (or branch); the file as of that commit. */
  ref: string;
}

/** The file's text at `ref`, or null when it does not exist there. */
export async function getFileAt(octokit: GitHubClient, file: FileRef): Promise<string | null> {
  const { owner, repo, path, ref } = file;
  const request = { owner, repo, path, ref };
  let data: unknown;
  try {
    ({ data } = await octokit.rest.repos.getContent(request));
  } catch (error) {
    if (httpStatus(error) === 404) return null;
    throw asGitHubApiError(error, 'read a file');
  }
  if (Array.isArray(data) || (data as { type?: string }).type !== 'file') {
    // GitHub answers a symlink whose target is outside the repository with `type: symlink`.
    const type = Array.isArray(data) ? 'folder' : (data as { type?: string }).type;
    throw new ConfigError(
      `${path}: a ${type} at ${ref.slice(0, 7)}; prompts, configs and datasets must be regular files in the repository`,
    );
  }
  const { content, encoding } = data as { content?: string; encoding?: string };
  if (encoding === 'base64' && content !== undefined) return Buffer.from(content, 'base64').toString('utf8');
  // Above 1 MB GitHub sends no content (`encoding: none`); the raw media type serves up to 100 MB.
  const raw = await withGitHubError('read a file', () =>
    octokit.rest.repos.getContent({ ...request, mediaType: { format: 'raw' } }),
  );
  return String(raw.data);
}
