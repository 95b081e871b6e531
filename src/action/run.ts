import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { loadConfig } from '../config/load.js';
import { ConfigError, errorMessage } from '../errors.js';
import { createOctokit } from '../github/octokit.js';
import type { Logger } from '../github/types.js';
import { LlmClient } from '../llm/client.js';
import { renderJobSummary } from '../review/comment.js';
import { toReviewJson } from '../review/json-report.js';
import { runReview } from '../review/run.js';
import { jobsFor } from '../review/sources.js';
import { cacheKeys, PersistentCache } from './cache.js';
import { readEvent, type RunEvent } from './event.js';
import { readSettings } from './inputs.js';
import { publishToPullRequest } from './publish.js';
import { commitSources, pullRequestSources } from './sources.js';

const logger: Logger = { info: core.info, warning: core.warning, debug: core.debug };

function jobSummaryUrl(event: RunEvent): string | undefined {
  const server = process.env.GITHUB_SERVER_URL;
  const runId = process.env.GITHUB_RUN_ID;
  return server && runId ? `${server}/${event.owner}/${event.repo}/actions/runs/${runId}` : undefined;
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

/** The whole Action; returns the failure message when the gate fails the check, after posting. */
async function review(): Promise<string | undefined> {
  const started = Date.now();
  const settings = readSettings(core.getInput, process.env);
  if (settings.endpoint.apiKey) core.setSecret(settings.endpoint.apiKey);
  const event = readEvent(github.context, settings.baseRef);
  if (!settings.hasApiKey) {
    return skip(
      event.fromFork
        ? 'LPO review skipped: this pull request comes from a fork, and GitHub gives fork PRs no secrets, so no API key is available. A maintainer can run the review from a branch in this repository.'
        : 'LPO review skipped: no API key. Set the api-key input (for example from secrets.OPENAI_API_KEY) or the OPENAI_API_KEY environment variable.',
    );
  }
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  // Config errors surface here, before any model call or any write to the PR.
  const config = await loadConfig(settings.configPath, workspace);
  const octokit =
    event.kind === 'pull_request'
      ? createOctokit(settings.githubToken, {
          baseUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
          logger,
        })
      : null;
  const sources = octokit
    ? await pullRequestSources(octokit, event, workspace, logger)
    : await commitSources(event, workspace);
  const jobs = jobsFor(sources, config);
  if (jobs.length === 0)
    return skip('LPO review: no prompt file, config or dataset covered by the config changed.');
  const { endpoint } = settings;
  const cacheDir = endpoint.cacheDir ? path.resolve(workspace, endpoint.cacheDir) : null;
  const persistent = cacheDir
    ? new PersistentCache(
        cacheDir,
        cacheKeys(
          await readFile(path.resolve(workspace, settings.configPath), 'utf8'),
          [endpoint.baseURL, endpoint.taskModel, settings.optimizerModel],
          process.env.GITHUB_RUN_ID ?? 'local',
          process.env.GITHUB_RUN_ATTEMPT ?? '1',
        ),
      )
    : null;
  await persistent?.restore();
  const client = new LlmClient({
    baseURL: endpoint.baseURL,
    apiKey: endpoint.apiKey,
    concurrency: endpoint.concurrency,
    cacheDir,
  });
  const { report, headTexts } = await runReview({
    rootDir: workspace,
    config,
    baseSha: event.baseRef,
    headSha: event.headSha,
    jobs,
    notes: sources.notes,
    readBase: sources.readBase,
    readHead: sources.readHead,
    client,
    taskModel: endpoint.taskModel,
    optimizerModel: settings.optimizerModel,
    concurrency: endpoint.concurrency,
    gate: settings.gate,
    optimize: settings.optimize,
    optimizeOptions: settings.optimizeOptions,
    logger,
    ...(settings.deadlineMs !== undefined ? { stopAt: stopAt(started, settings.deadlineMs) } : {}),
  });
  await persistent?.save(report.usage.calls);
  if (report.partial) core.warning('LPO review: the deadline was reached; the results are partial');
  report.repository = `${event.owner}/${event.repo}`;
  if (event.pullNumber !== undefined) report.pullNumber = event.pullNumber;
  const reportPath = path.join(process.env.RUNNER_TEMP || workspace, 'lpo-review', 'report.json');
  await mkdir(path.dirname(reportPath), { recursive: true });
  await writeFile(reportPath, `${JSON.stringify(toReviewJson(report), null, 2)}\n`);
  core.setOutput('report', reportPath);
  await writeJobSummary(() => core.summary.addRaw(renderJobSummary(report), true).write());
  // Outputs and the verdict come before posting, so a GitHub failure cannot hide them.
  core.setOutput('regressed', String(report.regressed));
  const failed = report.prompts.filter((p) => p.regressed);
  const broken = report.prompts.filter(
    (p) => p.error !== undefined && !p.error.startsWith('not evaluated: the deadline'),
  );
  const verdict =
    failed.length > 0
      ? `prompt regression (fail-on: ${settings.gate.failOn}): ${failed.map((p) => `${p.path}: ${p.verdict}`).join('; ')}`
      : broken.length > 0
        ? `evaluation could not run for ${broken.map((p) => p.path).join(', ')}: ${broken[0]!.error}`
        : undefined;
  if (octokit && event.fromFork) {
    core.notice(
      'LPO review: fork pull request, so the token is read-only; the results are in the job summary.',
    );
  } else if (octokit) {
    const url = jobSummaryUrl(event);
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
