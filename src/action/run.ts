import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { reviewApp } from '../app/review-app.js';
import { clientFor } from '../app/settings.js';
import { loadConfig } from '../config/load.js';
import { ConfigError, errorMessage } from '../core/errors.js';
import { createOctokit } from './octokit.js';
import type { Logger } from '../github/types.js';
import { renderJobSummary } from '../render/comment.js';
import { toReviewJson } from '../render/json-report.js';
import { failureMessage } from '../review/outcome.js';
import { cacheKeys, PersistentCache } from './cache.js';
import { readEvent, type RunEvent } from './event.js';
import { type ActionSettings, readSettings } from './inputs.js';
import { publishToPullRequest } from './publish.js';
import { commitSources, pullRequestSources } from './sources.js';

const logger: Logger = { info: core.info, warning: core.warning, debug: core.debug };

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
  core.notice(reason);
  await writeJobSummary(() => core.summary.addHeading('LPO review', 2).addRaw(reason, true).write());
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
const NO_KEY =
  'LPO review skipped: no API key. Set the api-key input (for example from secrets.OPENAI_API_KEY) or the OPENAI_API_KEY environment variable.';

/** The whole Action; returns the failure message when the gate fails the check, after posting. */
async function review(): Promise<string | undefined> {
  const started = Date.now();
  const settings = readSettings(core.getInput, process.env);
  const { run, runner } = settings;
  if (run.endpoint.apiKey) core.setSecret(run.endpoint.apiKey);
  const event = readEvent(github.context, settings.baseRef);
  if (!settings.hasApiKey) return skip(event.fromFork ? NO_KEY_FORK : NO_KEY);
  const workspace = runner.workspace;
  // Config errors surface here, before any model call or any write to the PR.
  const config = await loadConfig(run.configPath, workspace);
  const octokit =
    event.kind === 'pull_request'
      ? createOctokit(settings.githubToken, { baseUrl: runner.apiUrl, logger })
      : null;
  const sources = octokit
    ? await pullRequestSources(octokit, event, workspace, logger)
    : await commitSources(event, workspace);
  const { endpoint } = run;
  const cacheDir = endpoint.cacheDir ? path.resolve(workspace, endpoint.cacheDir) : null;
  let persistent: PersistentCache | null = null;
  const result = await reviewApp({
    settings: run,
    config,
    rootDir: workspace,
    baseSha: event.baseRef,
    headSha: event.headSha,
    sources,
    logger,
    client: async () => {
      if (cacheDir) {
        const configText = await readFile(path.resolve(workspace, run.configPath), 'utf8');
        const models = [endpoint.baseURL, endpoint.taskModel, run.optimizerModel];
        persistent = new PersistentCache(
          cacheDir,
          cacheKeys(configText, models, runner.runId ?? 'local', runner.runAttempt),
        );
        await persistent.restore();
      }
      return clientFor(endpoint, workspace);
    },
    ...(settings.deadlineMs !== undefined ? { stopAt: stopAt(started, settings.deadlineMs) } : {}),
  });
  const { report, outcome, headTexts } = result;
  if (outcome.kind === 'skipped') return skip(`LPO review: ${outcome.reason}.`);
  await (persistent as PersistentCache | null)?.save(report.usage.calls);
  if (report.partial) core.warning('LPO review: the deadline was reached; the results are partial');
  report.repository = `${event.owner}/${event.repo}`;
  if (event.pullNumber !== undefined) report.pullNumber = event.pullNumber;
  const reportPath = path.join(runner.tempDir, 'lpo-review', 'report.json');
  await mkdir(path.dirname(reportPath), { recursive: true });
  await writeFile(reportPath, `${JSON.stringify(toReviewJson(report), null, 2)}\n`);
  core.setOutput('report', reportPath);
  await writeJobSummary(() => core.summary.addRaw(renderJobSummary(report), true).write());
  // Outputs and the verdict come before posting, so a GitHub failure cannot hide them.
  core.setOutput('regressed', String(outcome.kind === 'regressed'));
  const verdict = failureMessage(outcome);
  if (octokit && event.fromFork) {
    core.notice(
      'LPO review: fork pull request, so the token is read-only; the results are in the job summary.',
    );
  } else if (octokit) {
    const url = jobSummaryUrl(settings, event);
    try {
      await publishToPullRequest({
        octokit,
        event,
        report,
        sources,
        headTexts,
        logger,
        ...(url ? { jobSummaryUrl: url } : {}),
      });
    } catch (error) {
      // The step fails with GitHub's error; the regression must not vanish behind it.
      if (verdict) core.error(verdict);
      throw error;
    }
  }
  return verdict;
}

/** The one place that catches and fails the step. User mistakes read as one line; bugs keep their stack. */
export async function run(): Promise<void> {
  try {
    const failure = await review();
    if (failure) core.setFailed(failure);
  } catch (error) {
    if (error instanceof ConfigError) core.setFailed(error.message);
    else
      core.setFailed(
        `LPO review failed unexpectedly (a bug): ${error instanceof Error ? error.stack : errorMessage(error)}`,
      );
  }
}
