import * as core from '@actions/core';
import { upsertSummaryComment } from '../github/comment.js';
import { botIdentity } from '../github/identity.js';
import type { GitHubClient } from '../github/octokit.js';
import { existingSuggestionComments, postReview } from '../github/review.js';
import type { Logger } from '../github/types.js';
import { MARKER, renderSummary } from '../render/comment.js';
import type { ReviewReport } from '../review/model.js';
import { planReview } from '../render/plan.js';
import type { ReviewSources } from '../vcs/sources.js';
import type { RunEvent } from './event.js';

/**
 * Posts the summary comment, then the review with suggestions, one write after another. The comment
 * goes first: if the review fails, the verdict is already on the PR.
 */
export async function publishToPullRequest(args: {
  octokit: GitHubClient;
  event: RunEvent;
  report: ReviewReport;
  sources: ReviewSources;
  headTexts: Map<string, string>;
  jobSummaryUrl?: string;
  logger: Logger;
}): Promise<void> {
  const { octokit, event, report, logger } = args;
  const { owner, repo } = event;
  const pull_number = event.pullNumber!;
  const identity = await botIdentity(octokit, { logger });
  const body = renderSummary(report, args.jobSummaryUrl ? { jobSummaryUrl: args.jobSummaryUrl } : {});
  const comment = await upsertSummaryComment(octokit, {
    owner,
    repo,
    issue_number: pull_number,
    body,
    marker: MARKER,
    identity,
  });
  core.info(`summary comment ${comment.action}: ${comment.url}`);
  const patches = new Map(args.sources.changed.map((c) => [c.path, c.patch]));
  const existing = (
    await existingSuggestionComments(octokit, { owner, repo, pull_number, identity })
  ).flatMap((c) =>
    c.line === null ? [] : [{ path: c.path, line: c.line, start_line: c.start_line, body: c.body }],
  );
  const plan = planReview(report, args.headTexts, patches, existing, args.jobSummaryUrl);
  if (!plan) {
    core.info('no new suggestion to post');
    return;
  }
  const posted = await postReview(
    octokit,
    {
      owner,
      repo,
      pull_number,
      commit_id: event.headSha,
      body: plan.body,
      comments: plan.comments.map(({ path, line, start_line, body }) => ({
        path,
        line,
        ...(start_line !== undefined ? { start_line } : {}),
        body,
      })),
      fallbackBody: plan.fallbackBody,
    },
    logger,
  );
  if (posted.outcome === 'fallback') {
    core.warning(
      `GitHub refused the inline suggestions (${posted.rejected}); they were posted in the review body instead`,
    );
  }
  core.info(
    `review posted with ${posted.outcome === 'inline' ? plan.comments.length : 0} inline suggestion(s): ${posted.url}`,
  );
}
