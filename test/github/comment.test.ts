import { describe, expect, it } from 'vitest';
import { hasMarker, upsertSummaryComment } from '../../src/github/comment.js';
import { botIdentity } from '../../src/github/identity.js';
import { BOT, expectNoViolations, PAT_USER, PR, startHarness } from './helpers/setup.js';

const MARKER = '<!-- lpo-review:summary -->';

describe('hasMarker', () => {
  it('looks at the first line only', () => {
    expect(hasMarker(`${MARKER}\n## Summary`, MARKER)).toBe(true);
    expect(hasMarker(`## LPO ${MARKER}\nbody`, MARKER)).toBe(true);
    expect(hasMarker(`> quoting\n${MARKER}`, MARKER)).toBe(false);
    expect(hasMarker(null, MARKER)).toBe(false);
  });
});

describe('upsertSummaryComment', () => {
  it("finds the bot's comment on page 3 of 3+ pages and edits it in place", async () => {
    const { fake, client, repo } = await startHarness();
    fake.seedComments(PR, 230, { login: 'alice' });
    const [mine] = fake.seedComments(PR, 1, { ...BOT, body: () => `${MARKER}\nold summary` });
    fake.seedComments(PR, 90, { login: 'bob' });
    const octokit = client();

    const result = await upsertSummaryComment(octokit, {
      ...repo,
      issue_number: PR,
      body: `${MARKER}\nnew summary`,
      marker: MARKER,
      identity: await botIdentity(octokit),
    });

    expect(result).toEqual({ id: mine!.id, action: 'updated', url: mine!.html_url });
    const pages = fake.requests.filter((r) => r.path.includes('/issues/7/comments')).map((r) => r.path);
    expect(pages).toHaveLength(4);
    expect(pages[2]).toContain('page=3');
    expect(fake.issueComments(PR)).toHaveLength(321);
    expect(fake.issueComments(PR).find((c) => c.id === mine!.id)?.body).toBe(`${MARKER}\nnew summary`);
    expect(fake.requests.filter((r) => r.method !== 'GET').map((r) => r.method)).toEqual(['PATCH']);
    expectNoViolations(fake);
  });

  it('never edits a comment by someone else that carries the marker; creates its own instead', async () => {
    const { fake, client, repo } = await startHarness();
    const [forged] = fake.seedComments(PR, 1, { login: 'mallory', body: () => `${MARKER}\nlooks official` });
    // Same login, different account type: a user named like the bot is still not the bot.
    const [lookalike] = fake.seedComments(PR, 1, {
      login: BOT.login,
      id: 1234,
      type: 'User',
      body: () => `${MARKER}\nalso fake`,
    });
    const octokit = client();

    const result = await upsertSummaryComment(octokit, {
      ...repo,
      issue_number: PR,
      body: `${MARKER}\nreal summary`,
      marker: MARKER,
      identity: await botIdentity(octokit),
    });

    expect(result.action).toBe('created');
    const comments = fake.issueComments(PR);
    expect(comments.map((c) => c.body)).toEqual([
      `${MARKER}\nlooks official`,
      `${MARKER}\nalso fake`,
      `${MARKER}\nreal summary`,
    ]);
    expect(comments[2]).toMatchObject({ id: result.id, user: { login: BOT.login, type: 'Bot' } });
    expect([forged!.id, lookalike!.id]).not.toContain(result.id);
    expectNoViolations(fake);
  });

  it('creates on the first run and updates the same comment on the second (PAT identity)', async () => {
    const { fake, client, repo } = await startHarness();
    // The bot's own reply quoting the marker further down is not the summary.
    fake.seedComments(PR, 1, { ...PAT_USER, body: () => `Thanks!\n> ${MARKER}` });
    const octokit = client('pat-token');
    const identity = await botIdentity(octokit);
    expect(identity).toMatchObject({ login: PAT_USER.login, type: 'User', source: 'api' });
    const target = { ...repo, issue_number: PR, marker: MARKER, identity };

    const first = await upsertSummaryComment(octokit, { ...target, body: 'run 1' });
    const second = await upsertSummaryComment(octokit, { ...target, body: 'run 2' });

    expect(first.action).toBe('created');
    expect(second).toEqual({ id: first.id, action: 'updated', url: first.url });
    // A body without the marker gets it prepended, or the next run could not find the comment.
    expect(fake.issueComments(PR).map((c) => c.body)).toEqual([`Thanks!\n> ${MARKER}`, `${MARKER}\nrun 2`]);
    expect(fake.requests.filter((r) => r.method !== 'GET').map((r) => r.method)).toEqual(['POST', 'PATCH']);
    expectNoViolations(fake);
  });
});
