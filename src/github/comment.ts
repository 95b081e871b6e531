// The one summary comment per PR: found again on every push by its marker and its author, then
// edited in place, so the PR carries a single, current summary.
import { withGitHubError } from './errors.js';
import type { GitHubClient } from './octokit.js';
import { PER_PAGE } from './pr.js';
import { type BotIdentity, isAuthor, type RepoRef } from './types.js';

export interface SummaryCommentTarget extends RepoRef {
  /** The PR number (a PR is an issue for comments). */
  issue_number: number;
  body: string;
  /** Hidden tag (e.g. an HTML comment) on the comment's first line that marks it as the summary. */
  marker: string;
  identity: BotIdentity;
}

export interface UpsertResult {
  id: number;
  action: 'created' | 'updated';
  url: string;
}

interface CommentLike {
  id: number;
  body?: string | null;
  user: { login: string; type?: string } | null;
}

/** The marker counts only on the first line, so a reply quoting the summary further down is not it. */
export function hasMarker(body: string | null | undefined, marker: string): boolean {
  const firstLine = (body ?? '').trimStart().split('\n', 1)[0] ?? '';
  return firstLine.includes(marker);
}

/**
 * The bot's earlier summary: marker on the first line AND written by the bot. Anyone can paste the
 * marker into a comment; editing theirs would overwrite a human's words (GitHub allows it for
 * collaborators), so author is the deciding check.
 */
export function findSummaryComment<T extends CommentLike>(
  comments: T[],
  marker: string,
  identity: BotIdentity,
): T | undefined {
  return comments.find((c) => hasMarker(c.body, marker) && isAuthor(c.user, identity));
}

export async function upsertSummaryComment(
  octokit: GitHubClient,
  target: SummaryCommentTarget,
): Promise<UpsertResult> {
  const { owner, repo, issue_number, body, marker, identity } = target;
  if (marker.trim() === '') throw new Error('upsertSummaryComment: the marker is empty');
  const text = hasMarker(body, marker) ? body : `${marker}\n${body}`;
  // Every page: busy PRs carry hundreds of comments and the summary is usually among the oldest.
  const comments = await withGitHubError('list the PR comments', () =>
    octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number, per_page: PER_PAGE }),
  );
  const existing = findSummaryComment(comments, marker, identity);
  if (existing) {
    const { data } = await withGitHubError('update the summary comment', () =>
      octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body: text }),
    );
    return { id: data.id, action: 'updated', url: data.html_url };
  }
  const { data } = await withGitHubError('post the summary comment', () =>
    octokit.rest.issues.createComment({ owner, repo, issue_number, body: text }),
  );
  return { id: data.id, action: 'created', url: data.html_url };
}
