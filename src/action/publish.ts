import * as core from '@actions/core';
import { upsertSummaryComment } from '../github/comment.js';
import { botIdentity } from '../github/identity.js';
import type { GitHubClient } from '../github/octokit.js';
import { existingSuggestionComments, postReview } from '../github/review.js';
import type { Logger } from '../github/types.js';
import { MARKER, renderSummary, type SuggestionDelivery } from '../render/comment.js';
import type { ReviewReport } from '../review/model.js';
import { type PlannedReview, planReview } from '../render/plan.js';
import type { ReviewSources } from '../vcs/sources.js';
import type { RunEvent } from './event.js';

/**
 * Posts the review with the suggestions, then the summary comment, which can then say truthfully which
 * suggestions are on the pull request. A failed review still gets the comment (the verdict must reach
 * the PR) before its error fails the step. `delivered` learns what is on the PR as soon as it is known,
 * for the job summary, even when a later write fails.
 */
export async function publishToPullRequest(args: {
  octokit: GitHubClient;
  event: RunEvent;
  report: ReviewReport;
  sources: ReviewSources;
  headTexts: Map<string, string>;
  jobSummaryUrl?: string;
  logger: Logger;
  delivered: (delivery: SuggestionDelivery) => void;
}): Promise<void> {
  const { octokit, event, report } = args;
  const { owner, repo } = event;
  const pull_number = event.pullNumber!;
  const identity = await botIdentity(octokit, { logger: args.logger });
  const patches = new Map(args.sources.changed.map((c) => [c.path, c.patch]));
  const existing = (
    await existingSuggestionComments(octokit, { owner, repo, pull_number, identity })
  ).flatMap((c) =>
    c.line === null ? [] : [{ path: c.path, line: c.line, start_line: c.start_line, body: c.body }],
  );
  const plan = planReview(report, args.headTexts, patches, existing, args.jobSummaryUrl);
  let delivery: SuggestionDelivery = { posted: new Set(plan.paths), why: 'nothing new to post' };
  let failure: unknown;
  if (plan.review) {
    try {
      await postSuggestions(args, plan.review);
    } catch (error) {
      failure = error;
      delivery = { posted: new Set(), why: 'posting the review failed' };
    }
  } else core.info('no new suggestion to post');
  args.delivered(delivery);
  const body = renderSummary(report, {
    delivery,
    ...(args.jobSummaryUrl ? { jobSummaryUrl: args.jobSummaryUrl } : {}),
  });
  const comment = await upsertSummaryComment(octokit, {
    owner,
    repo,
    issue_number: pull_number,
    body,
    marker: MARKER,
    identity,
  });
  core.info(`summary comment ${comment.action}: ${comment.url}`);
  if (failure !== undefined) throw failure;
}

async function postSuggestions(
  args: { octokit: GitHubClient; event: RunEvent; logger: Logger },
  plan: PlannedReview,
): Promise<void> {
  const { owner, repo } = args.event;
  const posted = await postReview(
    args.octokit,
    {
      owner,
      repo,
      pull_number: args.event.pullNumber!,
      commit_id: args.event.headSha,
      body: plan.body,
      comments: plan.comments.map(({ path, line, start_line, body }) => ({
        path,
        line,
        ...(start_line !== undefined ? { start_line } : {}),
        body,
      })),
      fallbackBody: plan.fallbackBody,
    },
    args.logger,
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
