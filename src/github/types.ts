// Shapes shared by the GitHub layer. The layer never imports @actions/core: callers hand it a Logger.
import type { Logger as CoreLogger } from '../core/types.js';

/**
 * Where messages go; the Action passes @actions/core's functions, the CLI and tests their own. The
 * core Logger with `debug` required: the GitHub layer logs each request's retries there.
 */
export type Logger = Required<CoreLogger>;

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface PullRef extends RepoRef {
  pull_number: number;
}

/** Who the token writes as; used to find (and only ever touch) the bot's own comments. */
export interface BotIdentity {
  login: string;
  /** Null when GitHub did not say; then only the login is compared. */
  type: 'User' | 'Bot' | 'Organization' | null;
  /** `api`: read from GET /user. `fallback`: assumed, because the token cannot read GET /user. */
  source: 'api' | 'fallback';
}

/** GitHub logins are case-insensitive; `type` is compared only when both sides know it. */
export function isAuthor(
  user: { login: string; type?: string } | null | undefined,
  me: BotIdentity,
): boolean {
  if (!user) return false;
  if (user.login.toLowerCase() !== me.login.toLowerCase()) return false;
  return me.type === null || user.type === undefined || user.type === me.type;
}
