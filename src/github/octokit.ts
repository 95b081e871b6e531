// How the GitHub client behaves: retries for GitHub's transient failures and waits for its rate
// limits. The client itself is built in src/action/octokit.ts, the one place that loads @actions/github
// with retries for GitHub's transient failures and waits for its rate limits.
import type { getOctokit } from '@actions/github';
import type { Logger } from './types.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface OctokitOptions {
  /** The REST API root: the caller passes GITHUB_API_URL so GitHub Enterprise Server works. */
  baseUrl: string;
  logger: Logger;
  /**
   * Milliseconds multiplied into the retry plugin's 1, 4, 9 … backoff. Only tests shorten it;
   * leave it unset in production.
   */
  retryBackoffMs?: number;
}

/**
 * Two retries after a rate limit: the first covers a short secondary limit, the second a limit hit
 * again right after it lifted. More than that means the job is competing with something that
 * will not stop, and failing with a clear message beats burning the job's time.
 */
export const RATE_LIMIT_RETRIES = 2;

/**
 * The longest rate-limit wait worth sitting through. A primary limit can take up to an hour to
 * reset; a CI job idling that long is worse than failing now with "rate limit exhausted".
 */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 300;

/** 5xx (and network) failures are GitHub's side and usually pass within seconds. */
export const SERVER_ERROR_RETRIES = 2;

/** Base of the retry plugin's quadratic backoff: 1 s, then 4 s. */
export const RETRY_BACKOFF_MS = 1000;

/**
 * A 4xx other than 429 says the request itself is wrong (bad token, missing permission, invalid
 * review) and will fail the same way again. 429 is "too many requests": waiting helps.
 */
export const DO_NOT_RETRY = Array.from({ length: 100 }, (_, i) => 400 + i).filter((s) => s !== 429);

interface LimitedRequest {
  method: string;
  url: string;
}

function rateLimitHandler(logger: Logger, kind: string) {
  return (retryAfter: number, options: LimitedRequest, _octokit: unknown, retryCount: number): boolean => {
    const what = `${options.method} ${options.url}`;
    if (retryCount >= RATE_LIMIT_RETRIES) {
      logger.warning(`GitHub ${kind} hit again on ${what}; giving up after ${retryCount} retries.`);
      return false;
    }
    if (retryAfter > MAX_RATE_LIMIT_WAIT_SECONDS) {
      logger.warning(
        `GitHub ${kind} on ${what} lifts in ${retryAfter}s, longer than the ${MAX_RATE_LIMIT_WAIT_SECONDS}s worth waiting; giving up.`,
      );
      return false;
    }
    logger.warning(
      `GitHub ${kind} on ${what}; retrying in ${retryAfter}s (retry ${retryCount + 1} of ${RATE_LIMIT_RETRIES}).`,
    );
    return true;
  };
}

/** The client's options: where GitHub is, where its log goes, how it retries and waits. */
export function octokitOptions(options: OctokitOptions) {
  const { baseUrl, logger } = options;
  return {
    // Not `request`: @actions/github's defaults put its proxy-aware fetch there, and Octokit
    // merges options shallowly, so setting it would drop proxy support.
    baseUrl: baseUrl.replace(/\/+$/, ''),
    log: {
      debug: (m: string) => logger.debug(m),
      info: (m: string) => logger.debug(m),
      warn: (m: string) => logger.warning(m),
      error: (m: string) => logger.warning(m),
    },
    retry: {
      doNotRetry: DO_NOT_RETRY,
      retries: SERVER_ERROR_RETRIES,
      retryAfterBaseValue: options.retryBackoffMs ?? RETRY_BACKOFF_MS,
    },
    throttle: {
      onRateLimit: rateLimitHandler(logger, 'rate limit'),
      onSecondaryRateLimit: rateLimitHandler(logger, 'secondary rate limit'),
    },
  };
}
