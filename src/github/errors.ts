// Turns Octokit's failures into one line a user can act on: which permission the workflow lacks,
// which token is wrong, what GitHub said about a rejected review. Never echoes the token.
import { ConfigError } from '../core/errors.js';

/** What the Action was doing when GitHub refused, and the `permissions:` entry that allows it. */
export const GITHUB_ACTIONS = {
  'read the pull request': 'pull-requests: read',
  'list the changed files': 'pull-requests: read` and `contents: read',
  'read a file': 'contents: read',
  'list the PR comments': 'pull-requests: read',
  'post the summary comment': 'pull-requests: write',
  'update the summary comment': 'pull-requests: write',
  'post the review': 'pull-requests: write',
  'list the review comments': 'pull-requests: read',
  'identify the bot': null,
} as const satisfies Record<string, string | null>;

export type GitHubAction = keyof typeof GITHUB_ACTIONS;

/**
 * A GitHub call that failed for good (after retries). A ConfigError because the fix is outside the
 * code (permissions, token, repository settings, or just re-running), so it is shown as one line.
 */
export class GitHubApiError extends ConfigError {
  override name = 'GitHubApiError';
  constructor(
    message: string,
    /** HTTP status; 0 when GitHub could not be reached. */
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface HttpFailure {
  status: number;
  message: string;
  response?: { data?: unknown; headers?: Record<string, string | number | undefined> };
}

function isHttpFailure(error: unknown): error is HttpFailure {
  return error instanceof Error && typeof (error as { status?: unknown }).status === 'number';
}

/** GitHub token formats (classic, fine-grained, OAuth, App user/server/refresh). */
const TOKEN_PATTERN = /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g;

function redact(text: string): string {
  return text.replace(TOKEN_PATTERN, '[REDACTED]');
}

function oneLine(text: string): string {
  return redact(text)
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

/** GitHub's own explanation: `message` plus the `errors` array (strings or {message|code, field}). */
export function gitHubSays(error: unknown): string {
  if (!isHttpFailure(error)) return error instanceof Error ? oneLine(error.message) : oneLine(String(error));
  const data = error.response?.data as { message?: unknown; errors?: unknown } | undefined;
  const message = typeof data?.message === 'string' ? data.message : error.message;
  const details = Array.isArray(data?.errors)
    ? data.errors.map((e) => {
        if (typeof e === 'string') return e;
        const o = (e ?? {}) as Record<string, unknown>;
        if (typeof o['message'] === 'string') return o['message'];
        return [o['resource'], o['field'], o['code']].filter((x) => typeof x === 'string').join(' ');
      })
    : [];
  const parts = [message, ...details.filter((d) => d !== '' && d !== message)];
  return oneLine(parts.join(': '));
}

function header(error: HttpFailure, name: string): string | undefined {
  const value = error.response?.headers?.[name];
  return value === undefined ? undefined : String(value);
}

/** A 403/429 that means "slow down", as opposed to "not allowed". */
export function isRateLimit(error: unknown): boolean {
  if (!isHttpFailure(error)) return false;
  if (error.status !== 403 && error.status !== 429) return false;
  return header(error, 'x-ratelimit-remaining') === '0' || /rate limit/i.test(gitHubSays(error));
}

function resetTime(error: HttpFailure): string {
  const reset = Number(header(error, 'x-ratelimit-reset'));
  if (!Number.isFinite(reset) || reset <= 0) return '';
  return ` It resets at ${new Date(reset * 1000).toISOString().slice(11, 16)} UTC.`;
}

function permissionHint(action: string): string {
  const permission = (GITHUB_ACTIONS as Record<string, string | null>)[action];
  if (permission === undefined) {
    return ' The workflow must grant the token what this needs under `permissions:` (e.g. `pull-requests: write`).';
  }
  if (permission === null) return '';
  return ` This needs \`${permission}\`: declare it under \`permissions:\` in the workflow (a job that declares any permission gets only those it lists). On a PR from a fork, GITHUB_TOKEN is read-only whatever the workflow says.`;
}

/** One actionable line for a failed GitHub call made to `action` (e.g. 'post the review'). */
export function describeGitHubError(error: unknown, action: GitHubAction | string): string {
  if (!isHttpFailure(error)) {
    return `Could not ${action}: ${gitHubSays(error)}`;
  }
  const says = gitHubSays(error);
  const { status } = error;
  if (isRateLimit(error)) {
    return `GitHub API rate limit exhausted while trying to ${action} (${says}).${resetTime(error)} Re-run the job later, or use a token with its own quota.`;
  }
  if (status === 401) {
    return `GitHub rejected the token (401 ${says}) while trying to ${action}: it is missing, expired or revoked. Pass a valid token (the default is secrets.GITHUB_TOKEN).`;
  }
  if (status === 403) {
    return `GitHub refused to ${action} (403 ${says}).${permissionHint(action)}`;
  }
  if (status === 404) {
    return `GitHub answered 404 when trying to ${action}: the repository or pull request does not exist, or the token cannot see it (a private repository needs \`contents: read\`; a token for another repository cannot read this one).`;
  }
  if (status === 422) {
    if (action === 'post the review') return `GitHub rejected the review (422): ${says}`;
    return `GitHub rejected the request to ${action} (422): ${says}`;
  }
  if (status === 0 || (status === 500 && error.response === undefined)) {
    return `Could not reach GitHub to ${action}: ${says}. Check GITHUB_API_URL and the runner's network.`;
  }
  if (status >= 500) {
    return `GitHub failed to ${action} (${status} ${says}) and kept failing after retries; this is on GitHub's side, re-run the job later.`;
  }
  return `GitHub answered ${status} when trying to ${action}: ${says}`;
}

/** The error to throw for a failed call made to `action`; a GitHubApiError passes through as is. */
export function asGitHubApiError(error: unknown, action: GitHubAction): GitHubApiError {
  if (error instanceof GitHubApiError) return error;
  const status = isHttpFailure(error) ? error.status : 0;
  return new GitHubApiError(describeGitHubError(error, action), status, { cause: error });
}

/** Rethrows any failure of `call` as a GitHubApiError carrying describeGitHubError's line. */
export async function withGitHubError<T>(action: GitHubAction, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asGitHubApiError(error, action);
  }
}

export function httpStatus(error: unknown): number | undefined {
  return isHttpFailure(error) ? error.status : undefined;
}
