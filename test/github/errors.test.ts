import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { describeGitHubError, GitHubApiError, withGitHubError } from '../../src/github/errors.js';
import { BOT, expectNoViolations, failure, PR, startHarness } from './helpers/setup.js';

describe('describeGitHubError on real GitHub answers', () => {
  it('403 on listing files names both read permissions', async () => {
    const { fake, client, repo } = await startHarness();
    fake.failNext({
      pathRegex: /\/files$/,
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    });
    const error = await failure(client().rest.pulls.listFiles({ ...repo, pull_number: PR }));
    expect(describeGitHubError(error, 'list the changed files')).toMatch(
      /^GitHub refused to list the changed files \(403 Resource not accessible by integration\)\. This needs `pull-requests: read` and `contents: read`: declare it under `permissions:`/,
    );
    // An action the table does not know still points at `permissions:`.
    expect(describeGitHubError(error, 'do something new')).toMatch(
      /refused to do something new .*under `permissions:`/,
    );
    expectNoViolations(fake);
  });

  it('404 says the repository or PR is missing or invisible to the token', async () => {
    const { fake, client } = await startHarness();
    const error = await failure(
      client().rest.pulls.get({ owner: 'someone', repo: 'private', pull_number: PR }),
    );
    expect(describeGitHubError(error, 'read the pull request')).toBe(
      'GitHub answered 404 when trying to read the pull request: the repository or pull request does not exist, ' +
        'or the token cannot see it (a private repository needs `contents: read`; a token for another repository cannot read this one).',
    );
    expect(fake.violations).toEqual([expect.stringContaining('is not octo-org/prompts')]);
  });

  it("422 carries GitHub's message and errors; token-shaped text is redacted", async () => {
    const leaked = `ghs_${'A1b2'.repeat(9)}`;
    const { fake, client, repo } = await startHarness({ tokens: { [leaked]: BOT } });
    fake.failNext({
      pathRegex: /\/files$/,
      status: 422,
      body: {
        message: 'Validation Failed',
        errors: [{ resource: 'PullRequest', code: 'invalid', field: 'x' }, `token ${leaked} was\nused`],
      },
    });
    const error = await failure(client(leaked).rest.pulls.listFiles({ ...repo, pull_number: PR }));
    const line = describeGitHubError(error, 'list the changed files');
    expect(line).toBe(
      'GitHub rejected the request to list the changed files (422): Validation Failed: PullRequest x invalid: token [REDACTED] was used',
    );
    expect(line).not.toContain(leaked);
    expectNoViolations(fake);
  });
});

describe('withGitHubError', () => {
  it('wraps failures in a one-line GitHubApiError (a ConfigError) keeping the status and cause', async () => {
    const cause = Object.assign(new Error('Bad credentials'), { status: 401 });
    const error = await failure(withGitHubError('post the review', () => Promise.reject(cause)));
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ status: 401, cause });
    expect(error.message).not.toContain('\n');
    expect(await withGitHubError('post the review', async () => 42)).toBe(42);
  });

  it('describes a failure that is not an HTTP answer', () => {
    expect(describeGitHubError(new TypeError('fetch failed'), 'read a file')).toBe(
      'Could not read a file: fetch failed',
    );
  });
});
