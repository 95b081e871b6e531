// Posting the review that carries the inline suggestions, and reading back the bot's earlier
// inline comments so a new push does not repeat a suggestion already on the PR.
import { asGitHubApiError, GitHubApiError, gitHubSays, httpStatus, withGitHubError } from './errors.js';
import type { GitHubClient } from './octokit.js';
import { PER_PAGE } from './pr.js';
import { type BotIdentity, isAuthor, type Logger, type PullRef } from './types.js';

/** One inline comment anchored on the head side of the diff (lines of the new file). */
export interface InlineComment {
  path: string;
  /** Last line of the range, in the head version of the file. */
  line: number;
  /** First line of a multi-line range; omit for a single line. */
  start_line?: number;
  body: string;
}

export interface ReviewRequest extends PullRef {
  /** The PR head SHA from the event payload: GITHUB_SHA is a merge commit the diff does not know. */
  commit_id: string;
  body: string;
  comments: InlineComment[];
  /** The review body to post instead if GitHub rejects the inline comments (suggestions inlined). */
  fallbackBody: string;
}

export interface PostedReview {
  id: number;
  url: string;
  /** `inline`: posted with its comments. `fallback`: GitHub refused them; fallbackBody was posted. */
  outcome: 'inline' | 'fallback';
  /** GitHub's reason for refusing the inline comments, when outcome is `fallback`. */
  rejected?: string;
}

function toApiComment(c: InlineComment) {
  // Suggestions replace lines of the new file, so both ends sit on the RIGHT side.
  return c.start_line !== undefined && c.start_line < c.line
    ? {
        path: c.path,
        body: c.body,
        line: c.line,
        side: 'RIGHT' as const,
        start_line: c.start_line,
        start_side: 'RIGHT' as const,
      }
    : { path: c.path, body: c.body, line: c.line, side: 'RIGHT' as const };
}

async function create(
  octokit: GitHubClient,
  request: ReviewRequest,
  body: string,
  comments: InlineComment[],
) {
  const { owner, repo, pull_number, commit_id } = request;
  const { data } = await octokit.rest.pulls.createReview({
    owner,
    repo,
    pull_number,
    commit_id,
    body,
    // Always submitted: a pending review is a draft only its author sees, and its suggestions
    // cannot be applied. COMMENT never blocks merging; the Action's check status does that.
    event: 'COMMENT',
    ...(comments.length > 0 ? { comments: comments.map(toApiComment) } : {}),
  });
  return { id: data.id, url: data.html_url };
}

/**
 * Posts one COMMENT review. GitHub rejects a whole review (422) when any comment's anchor falls
 * outside the diff; then it retries once without inline comments, posting `fallbackBody`, so the
 * suggestions still reach the PR.
 */
export async function postReview(
  octokit: GitHubClient,
  request: ReviewRequest,
  logger: Logger,
): Promise<PostedReview> {
  try {
    const posted = await create(octokit, request, request.body, request.comments);
    return { ...posted, outcome: 'inline' };
  } catch (error) {
    if (httpStatus(error) !== 422 || request.comments.length === 0) {
      throw asGitHubApiError(error, 'post the review');
    }
    const rejected = gitHubSays(error);
    logger.warning(
      `GitHub rejected the review's ${request.comments.length} inline comment(s) (${rejected}); posting the suggestions in the review body instead.`,
    );
    try {
      const posted = await create(octokit, request, request.fallbackBody, []);
      return { ...posted, outcome: 'fallback', rejected };
    } catch (retryError) {
      const line = asGitHubApiError(retryError, 'post the review').message;
      throw new GitHubApiError(
        `${line} (the first attempt, with inline comments, was rejected: ${rejected})`,
        httpStatus(retryError) ?? 0,
        { cause: retryError },
      );
    }
  }
}

export interface ExistingComment {
  id: number;
  path: string;
  /** Null when the comment no longer maps to a line of the current diff (outdated). */
  line: number | null;
  start_line: number | null;
  body: string;
}

/** The bot's own inline comments on the PR, for de-duplicating suggestions across pushes. */
export async function existingSuggestionComments(
  octokit: GitHubClient,
  pull: PullRef & { identity: BotIdentity },
): Promise<ExistingComment[]> {
  const { owner, repo, pull_number, identity } = pull;
  const comments = await withGitHubError('list the review comments', () =>
    octokit.paginate(octokit.rest.pulls.listReviewComments, { owner, repo, pull_number, per_page: PER_PAGE }),
  );
  return comments
    .filter((c) => isAuthor(c.user, identity))
    .map((c) => ({
      id: c.id,
      path: c.path,
      line: c.line ?? null,
      start_line: c.start_line ?? null,
      body: c.body,
    }));
}
