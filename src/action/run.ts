import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { reviewApp } from '../app/review-app.js';
import { clientFor, reviewCeilings } from '../app/settings.js';
import { ConfigError, errorMessage } from '../core/errors.js';
import { createOctokit } from './octokit.js';
import { renderJobSummary, type SuggestionDelivery } from '../render/comment.js';
import { toReviewJson } from '../render/json-report.js';
import { failureMessage, inconclusiveWarning } from '../review/outcome.js';
import { cacheKeys, PersistentCache } from './cache.js';
import { readEvent, type RunEvent } from './event.js';
import { logger, maskApiKey, redact, redactData, redactRequests } from './mask.js';
import { type ActionSettings, readSettings } from './inputs.js';
import { publishToPullRequest } from './publish.js';
import { commitSources, pullRequestSources } from './sources.js';
import type { ReviewReport } from '../review/model.js';
import type { ReviewSources } from '../vcs/sources.js';

function jobSummaryUrl(settings: ActionSettings, event: RunEvent): string | undefined {
  const { serverUrl, runId } = settings.runner;
  return serverUrl && runId ? `${serverUrl}/${event.owner}/${event.repo}/actions/runs/${runId}` : undefined;
}

/**
 * The job summary is a copy of the report, not the verdict's only home: a runner without job summaries
 * (GITHUB_STEP_SUMMARY unset, e.g. an older GitHub Enterprise Server) must still get the PR comment.
 */
async function writeJobSummary(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    core.warning(`LPO review: could not write the job summary (${errorMessage(error)})`);
  }
}

async function skip(reason: string): Promise<undefined> {
  core.notice(redact(reason));
  await writeJobSummary(() => core.summary.addHeading('LPO review', 2).addRaw(redact(reason), true).write());
  core.setOutput('regressed', 'false');
  return undefined;
}

/**
 * When to stop starting new work: early enough to post what is done. The margin is 20 % of the
 * deadline, at most a minute, which covers the comment, the review and the job summary.
 */
function stopAt(started: number, deadlineMs: number): number {
  return started + deadlineMs - Math.min(60_000, deadlineMs * 0.2);
}

const NO_KEY_FORK =
  'LPO review skipped: this pull request comes from a fork, and GitHub gives fork PRs no secrets, so no API key is available. A maintainer can run the review from a branch in this repository.';
const FORK_TARGET =
  "LPO review skipped: this pull_request_target run is for a pull request from a fork. pull_request_target runs with this repository's secrets and a write token, and the evaluation would use the fork's prompts, config and datasets (whatever the workflow checked out), so the fork could get the secrets or the verdict it wants. Review the PR and run it from a branch here, or set allow-pull-request-target: true if the workflow never checks out or reads the fork's files.";
const NO_KEY =
  'LPO review skipped: no API key. Set the api-key input (for example from secrets.OPENAI_API_KEY) or the OPENAI_API_KEY environment variable.';

/** Why the run must not evaluate, decided before any file of the checkout is read; else undefined. */
function refusal(settings: ActionSettings, event: RunEvent): string | undefined {
  // On pull_request_target a fork's files would be evaluated with this repository's secrets.
  if (event.target && event.fromFork && !settings.allowPullRequestTarget) return FORK_TARGET;
  if (!settings.hasApiKey) return event.fromFork && !event.target ? NO_KEY_FORK : NO_KEY;
  return undefined;
}

/** The whole Action; returns the failure message when the gate fails the check, after posting. */
async function review(): Promise<string | undefined> {
  const started = Date.now();
  const settings = readSettings(core.getInput, process.env);
  const { run, runner } = settings;
  maskApiKey(run.endpoint.apiKey);
  const event = readEvent(github.context, settings.baseRef);
  const refused = refusal(settings, event);
  if (refused) return skip(refused);
  const workspace = runner.workspace;
  const octokit =
    event.kind === 'pull_request'
      ? redactRequests(createOctokit(settings.githubToken, { baseUrl: runner.apiUrl, logger }))
      : null;
  const sources = octokit
    ? await pullRequestSources(octokit, event, workspace, logger)
    : await commitSources(event, workspace);
  const { endpoint } = run;
  // Absolute, outside the workspace (inputs.ts).
  const { cacheDir } = endpoint;
  let persistent: PersistentCache | null = null;
  const result = await reviewApp({
    settings: run,
    baseSha: event.baseRef,
    headSha: event.headSha,
    sources,
    logger,
    client: async () => {
      if (cacheDir) {
        // From the commits, like everything the review reads: the checkout is the PR's to shape.
        const configText =
          (await sources.readBase(run.configPath)) ?? (await sources.readHead(run.configPath)) ?? '';
        const models = [endpoint.baseURL, endpoint.taskModel, run.optimizerModel];
        const keys = cacheKeys(configText, models, runner.runId ?? 'local', runner.runAttempt);
        persistent = await PersistentCache.open(cacheDir, keys, workspace);
      }
      return clientFor(endpoint, workspace, reviewCeilings(run));
    },
    ...(settings.deadlineMs !== undefined ? { stopAt: stopAt(started, settings.deadlineMs) } : {}),
  });
  const { report, outcome, headTexts } = result;
  if (outcome.kind === 'skipped') return skip(`LPO review: ${outcome.reason}.`);
  await (persistent as PersistentCache | null)?.save(report.usage);
  if (report.partial) core.warning('LPO review: the deadline was reached; the results are partial');
  report.repository = `${event.owner}/${event.repo}`;
  if (event.pullNumber !== undefined) report.pullNumber = event.pullNumber;
  const reportPath = path.join(runner.tempDir, 'lpo-review', 'report.json');
  await mkdir(path.dirname(reportPath), { recursive: true });
  await writeFile(reportPath, `${JSON.stringify(redactData(toReviewJson(report)), null, 2)}\n`);
  core.setOutput('report', reportPath);
  // Outputs and the verdict come before posting, so a GitHub failure cannot hide them.
  core.setOutput('regressed', String(outcome.kind === 'regressed'));
  const verdict = failureMessage(outcome);
  const unsure = inconclusiveWarning(outcome);
  if (unsure) core.warning(redact(`LPO review: ${unsure}`));
  const url = jobSummaryUrl(settings, event);
  await publish({
    octokit,
    event,
    report,
    sources,
    headTexts,
    verdict,
    ...(url ? { jobSummaryUrl: url } : {}),
  });
  return verdict;
}

/**
 * Posts to the pull request when the token can, then writes the job summary: after posting, so it
 * says which suggestions are on the PR, and whatever posting did.
 */
async function publish(args: {
  octokit: ReturnType<typeof createOctokit> | null;
  event: RunEvent;
  report: ReviewReport;
  sources: ReviewSources;
  headTexts: Map<string, string>;
  verdict: string | undefined;
  jobSummaryUrl?: string;
}): Promise<void> {
  const { octokit, event, verdict } = args;
  let delivery: SuggestionDelivery = { posted: new Set(), why: notPostedWhy(event) };
  try {
    if (octokit && event.fromFork && !event.target) {
      core.notice(
        'LPO review: fork pull request, so the token is read-only; the results are in the job summary.',
      );
    } else if (octokit) {
      const { verdict: _, ...rest } = args;
      await publishToPullRequest({ ...rest, octokit, logger, delivered: (d) => (delivery = d) });
    }
  } catch (error) {
    // The step fails with GitHub's error; the regression must not vanish behind it.
    if (verdict) core.error(redact(verdict));
    throw error;
  } finally {
    const text = renderJobSummary(args.report, { delivery });
    await writeJobSummary(() => core.summary.addRaw(redact(text), true).write());
  }
}

/** Why a run that reviewed nothing on a pull request posted no suggestion. */
function notPostedWhy(event: RunEvent): string {
  if (event.kind !== 'pull_request') return `a ${event.kind} run has no pull request to post them on`;
  if (event.fromFork && !event.target) return "a fork pull request's token cannot post";
  return 'posting did not happen';
}

/** The one place that catches and fails the step. User mistakes read as one line; bugs keep their stack. */
export async function run(): Promise<void> {
  try {
    const failure = await review();
    if (failure) core.setFailed(redact(failure));
  } catch (error) {
    if (error instanceof ConfigError) core.setFailed(redact(error.message));
    else
      core.setFailed(
        redact(
          `LPO review failed unexpectedly (a bug): ${error instanceof Error ? error.stack : errorMessage(error)}`,
        ),
      );
  }
}
