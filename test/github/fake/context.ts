// What a handler sees of a request that passed the OpenAPI check, and the lookups most handlers share.
import { GitHubError } from './http.js';
import type { Store } from './store.js';
import type { FakePull, FakePullFile, TokenIdentity } from './types.js';

export interface HandlerContext {
  /** Path and query parameters, typed by their schemas. */
  params: Record<string, unknown>;
  body: Record<string, unknown> | undefined;
  identity: TokenIdentity;
  url: URL;
  accept: string;
  store: Store;
  defaultBranch: string;
  contents: Record<string, Record<string, string>>;
  compare: Record<string, FakePullFile[]>;
}

export function requirePull(ctx: HandlerContext, key: 'pull_number' | 'issue_number'): FakePull {
  const number = ctx.params[key] as number;
  const pull = ctx.store.pulls.get(number);
  if (!pull) throw new GitHubError(404, 'Not Found', { violation: `no pull request #${number} in the fake` });
  return pull;
}

export function bodyTooLong(resource: string): GitHubError {
  const message = 'Body is too long (maximum is 65536 characters)';
  return new GitHubError(422, 'Validation Failed', {
    errors: [{ resource, code: 'unprocessable', field: 'data', message }],
    violation: `${resource} ${message}`,
  });
}
