import { describe, expect, it } from 'vitest';
import { GitHubApiError } from '../../src/github/errors.js';
import { ACTIONS_BOT, botIdentity } from '../../src/github/identity.js';
import { expectNoViolations, failure, PAT_USER, startHarness } from './helpers/setup.js';

describe('botIdentity', () => {
  it('falls back to github-actions[bot] when GET /user answers 403 (GITHUB_TOKEN)', async () => {
    const { fake, client } = await startHarness();
    const identity = await botIdentity(client('bot-token'));
    expect(identity).toEqual({ login: 'github-actions[bot]', type: 'Bot', source: 'fallback' });
    expect(identity).toEqual(ACTIONS_BOT);
    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /user 403']);
    expectNoViolations(fake);
  });

  it('uses a configured fallback login for a GitHub App installation token', async () => {
    const { fake, client } = await startHarness();
    const identity = await botIdentity(client('bot-token'), { fallback: { login: 'lpo-review[bot]' } });
    expect(identity).toEqual({ login: 'lpo-review[bot]', type: 'Bot', source: 'fallback' });
    expectNoViolations(fake);
  });

  it("reads a PAT's user from GET /user, once per client", async () => {
    const { fake, client } = await startHarness();
    const octokit = client('pat-token');
    const [a, b] = [await botIdentity(octokit), await botIdentity(octokit)];
    expect(a).toEqual({ login: PAT_USER.login, type: 'User', source: 'api' });
    expect(b).toBe(a);
    expect(fake.requests.filter((r) => r.path === '/user')).toHaveLength(1);
    // A different client asks again: the cache is per client, not per process.
    await botIdentity(client('pat-token'));
    expect(fake.requests.filter((r) => r.path === '/user')).toHaveLength(2);
    expectNoViolations(fake);
  });

  it('does not mistake a bad token for the Actions token, and does not cache the failure', async () => {
    const { fake, client } = await startHarness();
    const octokit = client('ghp_notARealTokenButShapedLikeOne1234567890');
    const error = await failure(botIdentity(octokit));
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error.status).toBe(401);
    expect(error.message).toMatch(
      /rejected the token \(401 Bad credentials\) while trying to identify the bot/,
    );
    expect(error.message).not.toContain('ghp_');
    await failure(botIdentity(octokit));
    expect(fake.requests.filter((r) => r.path === '/user')).toHaveLength(2);
    expect(fake.violations).toEqual(['GET /user: unknown token', 'GET /user: unknown token']);
  });
});
