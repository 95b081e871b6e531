// Who the token posts as. The bot's comments are recognised by marker AND author, so this must be
// right: a wrong login would make the bot post a new summary on every push instead of updating it.
import { asGitHubApiError, httpStatus, isRateLimit } from './errors.js';
import type { GitHubClient } from './octokit.js';
import type { BotIdentity, Logger } from './types.js';

/**
 * GITHUB_TOKEN is an installation token with no user behind it: GET /user answers 403, and what it
 * writes appears as github-actions[bot]. A GitHub App's installation token also gets 403 but writes
 * as `<app-slug>[bot]`; the caller passes that login as `fallback` when it uses such a token.
 */
export const ACTIONS_BOT: BotIdentity = { login: 'github-actions[bot]', type: 'Bot', source: 'fallback' };

const cache = new WeakMap<GitHubClient, Promise<BotIdentity>>();

export interface IdentityOptions {
  logger?: Logger;
  /** Login to assume when GET /user is forbidden; defaults to github-actions[bot]. */
  fallback?: { login: string; type?: BotIdentity['type'] };
}

async function lookup(octokit: GitHubClient, options: IdentityOptions): Promise<BotIdentity> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    const type =
      data.type === 'User' || data.type === 'Bot' || data.type === 'Organization' ? data.type : null;
    options.logger?.debug(`GitHub token belongs to ${data.login} (${data.type}).`);
    return { login: data.login, type, source: 'api' };
  } catch (error) {
    if (httpStatus(error) !== 403 || isRateLimit(error)) throw asGitHubApiError(error, 'identify the bot');
    const identity: BotIdentity = options.fallback
      ? { login: options.fallback.login, type: options.fallback.type ?? 'Bot', source: 'fallback' }
      : ACTIONS_BOT;
    options.logger?.debug(
      `GET /user is not allowed for this token; assuming it writes as ${identity.login}.`,
    );
    return identity;
  }
}

/** The token's identity, asked once per client (later calls share the first answer). */
export function botIdentity(octokit: GitHubClient, options: IdentityOptions = {}): Promise<BotIdentity> {
  let identity = cache.get(octokit);
  if (!identity) {
    identity = lookup(octokit, options);
    cache.set(octokit, identity);
    // A failed lookup (network, bad token) must not be cached: the next call may succeed.
    identity.catch(() => cache.delete(octokit));
  }
  return identity;
}
