// The one place that loads @actions/github: it builds one Octokit per run, with the retry and
// throttling behaviour src/github/octokit.ts defines.
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { type GitHubClient, type OctokitOptions, octokitOptions } from '../github/octokit.js';

/** Builds the client once per run; every GitHub call of the Action goes through it. */
export function createOctokit(token: string, options: OctokitOptions): GitHubClient {
  return getOctokit(
    token,
    octokitOptions(options),
    // Order matters: a plugin listed later wraps the ones before it. Throttling innermost means a
    // rate-limited 403/429 first waits the time GitHub asks for; the retry plugin only sees what
    // throttling gave up on, instead of hammering a rate limit with its own 1 s, 4 s backoff.
    throttling,
    retry,
  );
}
