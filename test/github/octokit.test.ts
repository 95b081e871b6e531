import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { upsertSummaryComment } from '../../src/github/comment.js';
import { GitHubApiError } from '../../src/github/errors.js';
import { botIdentity } from '../../src/github/identity.js';
import { createOctokit } from '../../src/action/octokit.js';
import { RATE_LIMIT_RETRIES, SERVER_ERROR_RETRIES } from '../../src/github/octokit.js';
import { listChangedFiles } from '../../src/github/pr.js';
import { expectNoViolations, failure, PR, recordingLogger, startHarness } from './helpers/setup.js';

const FILES = /\/pulls\/7\/files$/;
const now = () => String(Math.floor(Date.now() / 1000));
const calls = (requests: { path: string; status: number }[], pattern: RegExp) =>
  requests.filter((r) => pattern.test(r.path.split('?')[0]!)).map((r) => r.status);

describe('createOctokit retries', () => {
  it('retries a 502 once and succeeds', async () => {
    const { fake, client, repo, logger } = await startHarness({
      failNext: [{ pathRegex: FILES, status: 502 }],
    });
    const result = await listChangedFiles(client(), { ...repo, pull_number: PR }, logger);
    expect(result.files.map((f) => f.filename)).toEqual(['prompts/math.prompt.md']);
    expect(calls(fake.requests, FILES)).toEqual([502, 200]);
    expectNoViolations(fake);
  });

  it('retries a failed write too, and posts the comment once', async () => {
    const { fake, client, repo } = await startHarness();
    fake.failNext({ method: 'POST', pathRegex: /\/issues\/7\/comments$/, status: 503 });
    const octokit = client();
    const target = { ...repo, issue_number: PR, marker: '<!-- m -->', identity: await botIdentity(octokit) };
    const result = await upsertSummaryComment(octokit, { ...target, body: 'summary' });
    expect(result.action).toBe('created');
    expect(fake.issueComments(PR)).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([503, 201]);
    expectNoViolations(fake);
  });

  it(`gives up after ${SERVER_ERROR_RETRIES} retries of a persistent 5xx`, async () => {
    const { fake, client, repo, logger } = await startHarness({
      failNext: [{ pathRegex: FILES, status: 500, times: 10 }],
    });
    const error = await failure(listChangedFiles(client(), { ...repo, pull_number: PR }, logger));
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error.message).toBe(
      "GitHub failed to list the changed files (500 Internal Server Error) and kept failing after retries; this is on GitHub's side, re-run the job later.",
    );
    expect(calls(fake.requests, FILES)).toEqual([500, 500, 500]);
    expectNoViolations(fake);
  });

  it('does not retry a 403 permission error and names the missing permission', async () => {
    const { fake, client, repo } = await startHarness();
    fake.failNext({
      method: 'POST',
      pathRegex: /\/issues\/7\/comments$/,
      status: 403,
      body: { message: 'Resource not accessible by integration', status: '403' },
    });
    const octokit = client();
    const identity = await botIdentity(octokit);
    const error = await failure(
      upsertSummaryComment(octokit, { ...repo, issue_number: PR, marker: '<!-- m -->', identity, body: 'x' }),
    );
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error.message).toMatch(
      /^GitHub refused to post the summary comment \(403 Resource not accessible by integration\)\. This needs `pull-requests: write`: declare it under `permissions:`/,
    );
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expectNoViolations(fake);
  });

  it('fails fast when GitHub cannot be reached, naming GITHUB_API_URL', async () => {
    const logger = recordingLogger();
    // A port that was just free: nothing listens there any more.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise((resolve) => server.close(resolve));
    const octokit = createOctokit('bot-token', { baseUrl: url, logger, retryBackoffMs: 1 });
    const error = await failure(botIdentity(octokit));
    expect(error.message).toMatch(/^Could not reach GitHub to identify the bot: .*Check GITHUB_API_URL/);
  });
});

describe('createOctokit rate limits', () => {
  it('waits out a primary rate limit and retries, with a warning', async () => {
    const { fake, client, repo, logger } = await startHarness();
    fake.failNext({
      pathRegex: FILES,
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': now() },
    });
    const result = await listChangedFiles(client(), { ...repo, pull_number: PR }, logger);
    expect(result.files).toHaveLength(1);
    expect(calls(fake.requests, FILES)).toEqual([403, 200]);
    expect(logger.warnings).toEqual([
      expect.stringMatching(/^GitHub rate limit on GET .*; retrying in \ds \(retry 1 of 2\)/),
    ]);
    expectNoViolations(fake);
  });

  it('waits the Retry-After of a secondary rate limit (429)', async () => {
    const { fake, client, repo, logger } = await startHarness();
    fake.failNext({ pathRegex: FILES, status: 429, headers: { 'retry-after': '1' } });
    await listChangedFiles(client(), { ...repo, pull_number: PR }, logger);
    expect(calls(fake.requests, FILES)).toEqual([429, 200]);
    expect(logger.warnings).toEqual([
      expect.stringMatching(/^GitHub secondary rate limit on GET .*retrying in 1s/),
    ]);
    expectNoViolations(fake);
  });

  it(`stops after ${RATE_LIMIT_RETRIES} rate-limit retries with an actionable message`, async () => {
    const { fake, client, repo, logger } = await startHarness();
    fake.failNext({
      pathRegex: FILES,
      status: 403,
      times: 5,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': now() },
    });
    const error = await failure(listChangedFiles(client(), { ...repo, pull_number: PR }, logger));
    expect(error.message).toMatch(
      /^GitHub API rate limit exhausted while trying to list the changed files \(API rate limit exceeded for installation ID 1\.\)\. It resets at \d\d:\d\d UTC\./,
    );
    expect(calls(fake.requests, FILES)).toEqual([403, 403, 403]);
    expect(logger.warnings.at(-1)).toMatch(/giving up after 2 retries/);
    expectNoViolations(fake);
  });

  it('does not sit out a limit that resets in an hour', async () => {
    const { fake, client, repo, logger } = await startHarness();
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    fake.failNext({
      pathRegex: FILES,
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
    });
    const error = await failure(listChangedFiles(client(), { ...repo, pull_number: PR }, logger));
    expect(error.message).toMatch(/rate limit exhausted/);
    expect(calls(fake.requests, FILES)).toEqual([403]);
    expect(logger.warnings).toEqual([
      expect.stringMatching(/lifts in 360\ds, longer than the 300s worth waiting/),
    ]);
    expectNoViolations(fake);
  });
});
