// POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews with GitHub's rules: every inline comment
// must anchor inside a hunk of a file in the PR, and the whole review is rejected (422) otherwise.
// Error strings are GitHub's where known; the status codes are what the Action has to handle.
import { resolveAnchor } from './diff.js';
import { bodyTooLong, type HandlerContext, requirePull } from './context.js';
import { GitHubError, type Reply, tooLong } from './http.js';
import type { NewReviewComment } from './store.js';
import type { FakePull, Review } from './types.js';

interface CommentInput {
  path: string;
  body: string;
  position?: number;
  line?: number;
  side?: string;
  start_line?: number;
  start_side?: string;
}

const STATES: Record<string, Review['state']> = {
  APPROVE: 'APPROVED',
  REQUEST_CHANGES: 'CHANGES_REQUESTED',
  COMMENT: 'COMMENTED',
};

function unprocessable(errors: string[], violation: string): GitHubError {
  return new GitHubError(422, 'Unprocessable Entity', { errors: [...new Set(errors)], violation });
}

function anchorOf(c: CommentInput): string {
  return `${c.path}:${c.start_line !== undefined ? `${c.start_line}-` : ''}${c.line ?? '?'}`;
}

/** One inline comment as GitHub stores it, or GitHub's reasons for rejecting its anchor. */
function resolveComment(pull: FakePull, c: CommentInput): NewReviewComment | string[] {
  if (tooLong(c.body)) throw bodyTooLong('PullRequestReviewComment');
  const file = pull.files.find((f) => f.filename === c.path);
  if (!file) return ['Path could not be resolved'];
  if (c.position !== undefined) {
    // GitHub still accepts the deprecated diff `position`; the fake does not model it, so the
    // Action must use line/side, which is what the checks below verify.
    return ['fake GitHub does not model the deprecated `position`; use line and side'];
  }
  const anchor = resolveAnchor(file.patch, c);
  if ('errors' in anchor) return anchor.errors;
  const side = c.side === 'LEFT' ? 'LEFT' : 'RIGHT';
  const startSide = c.start_side === 'LEFT' || c.start_side === 'RIGHT' ? c.start_side : side;
  return {
    path: c.path,
    body: c.body,
    line: c.line!,
    side,
    start_line: c.start_line ?? null,
    start_side: c.start_line === undefined ? null : startSide,
    diff_hunk: anchor.diffHunk,
  };
}

/** GitHub creates a review all-or-nothing: one bad anchor rejects every comment. */
function resolveComments(pull: FakePull, comments: CommentInput[]): NewReviewComment[] {
  const errors: string[] = [];
  const details: string[] = [];
  const resolved: NewReviewComment[] = [];
  for (const [i, c] of comments.entries()) {
    const result = resolveComment(pull, c);
    if (!Array.isArray(result)) {
      resolved.push(result);
      continue;
    }
    errors.push(...result);
    details.push(`comments[${i}] ${anchorOf(c)}: ${result.join(', ')}`);
  }
  if (errors.length > 0) throw unprocessable(errors, `review rejected: ${details.join('; ')}`);
  return resolved;
}

export function createReview(ctx: HandlerContext): Reply {
  const pull = requirePull(ctx, 'pull_number');
  const input = ctx.body ?? {};
  const event = input['event'] as keyof typeof STATES | undefined;
  const body = (input['body'] as string | undefined) ?? '';
  const comments = (input['comments'] as CommentInput[] | undefined) ?? [];
  const commitId = (input['commit_id'] as string | undefined) ?? pull.headSha;
  const me = ctx.identity;

  if (commitId !== pull.headSha) {
    // GitHub accepts older commits of the PR but then marks comments outdated; the Action computes
    // anchors from the head diff, so anything else is a bug it must not ship.
    throw unprocessable(
      [`No commit found for SHA: ${commitId}`],
      `review commit_id ${commitId} is not the head ${pull.headSha}`,
    );
  }
  if (tooLong(body)) throw bodyTooLong('PullRequestReview');
  if (pull.author?.id === me.id && (event === 'APPROVE' || event === 'REQUEST_CHANGES')) {
    const what = event === 'APPROVE' ? 'approve' : 'request changes on';
    throw unprocessable(
      [`Can not ${what} your own pull request`],
      `${me.login} reviewed its own PR with ${event}`,
    );
  }
  if (event === 'APPROVE' && me.type === 'Bot' && me.login === 'github-actions[bot]') {
    // The repository default ("Allow GitHub Actions to create and approve pull requests" off).
    throw unprocessable(
      ['GitHub Actions is not permitted to approve pull requests.'],
      'GITHUB_TOKEN approved a PR',
    );
  }
  if ((event === 'REQUEST_CHANGES' || event === 'COMMENT') && body.trim() === '' && comments.length === 0) {
    throw unprocessable([`Body is required when using ${event}`], `${event} review without body or comments`);
  }
  const pending = ctx.store.reviews(pull.number).some((r) => r.state === 'PENDING' && r.user.id === me.id);
  if (event === undefined && pending) {
    throw unprocessable(
      ['User can only have one pending review per pull request'],
      `${me.login} created a second pending review on #${pull.number}`,
    );
  }
  const resolved = resolveComments(pull, comments);
  const state = event === undefined ? 'PENDING' : STATES[event]!;
  const review = ctx.store.addReview(pull.number, me, { body, state, commitId }, resolved);
  return { status: 200, body: review };
}
