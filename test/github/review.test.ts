import { describe, expect, it } from 'vitest';
import { GitHubApiError } from '../../src/github/errors.js';
import { botIdentity } from '../../src/github/identity.js';
import { existingSuggestionComments, postReview, type ReviewRequest } from '../../src/github/review.js';
import { BASE, expectNoViolations, failure, HEAD, PR, PROMPT_FILE, startHarness } from './helpers/setup.js';

const suggestion = (text: string) => `Suggested by LPO:\n\`\`\`suggestion\n${text}\n\`\`\``;

function request(repo: { owner: string; repo: string }, extra: Partial<ReviewRequest> = {}): ReviewRequest {
  return {
    ...repo,
    pull_number: PR,
    commit_id: HEAD,
    body: 'LPO review: 2 suggestions',
    comments: [
      { path: PROMPT_FILE.filename, line: 2, body: suggestion('Answer with one number only.') },
      { path: PROMPT_FILE.filename, start_line: 20, line: 22, body: suggestion('Work it out.\n\nAnswer:') },
    ],
    fallbackBody: 'LPO review\n```diff\n-Answer with a number only.\n+Answer with one number only.\n```',
    ...extra,
  };
}

const reviewPosts = (requests: { method: string; path: string; status: number }[]) =>
  requests.filter((r) => r.method === 'POST' && r.path.endsWith('/reviews'));

describe('postReview', () => {
  it('submits a COMMENT review on the head SHA with single- and multi-line anchors', async () => {
    const { fake, client, repo, logger } = await startHarness();
    const posted = await postReview(client(), request(repo), logger);

    expect(posted).toMatchObject({ outcome: 'inline' });
    expect(posted.rejected).toBeUndefined();
    const [review] = fake.reviews(PR);
    expect(review).toMatchObject({
      id: posted.id,
      state: 'COMMENTED',
      commit_id: HEAD,
      html_url: posted.url,
    });
    expect(fake.reviewComments(PR).map((c) => [c.start_line, c.line, c.side, c.commit_id])).toEqual([
      [null, 2, 'RIGHT', HEAD],
      [20, 22, 'RIGHT', HEAD],
    ]);
    expect(logger.warnings).toEqual([]);
    expectNoViolations(fake);
  });

  it('on 422 retries once without inline comments, posting the fallback body', async () => {
    const { fake, client, repo, logger } = await startHarness();
    const outside = request(repo, {
      comments: [
        { path: PROMPT_FILE.filename, line: 2, body: suggestion('ok') },
        { path: PROMPT_FILE.filename, line: 10, body: suggestion('line 10 is outside every hunk') },
      ],
    });

    const posted = await postReview(client(), outside, logger);

    expect(posted.outcome).toBe('fallback');
    expect(posted.rejected).toBe('Unprocessable Entity: Line could not be resolved');
    expect(fake.reviews(PR).map((r) => [r.state, r.body, r.commit_id])).toEqual([
      ['COMMENTED', outside.fallbackBody, HEAD],
    ]);
    expect(fake.reviewComments(PR)).toEqual([]);
    expect(reviewPosts(fake.requests).map((r) => r.status)).toEqual([422, 200]);
    expect(logger.warnings).toEqual([
      expect.stringMatching(/rejected the review's 2 inline comment\(s\) \(.*Line could not be resolved\)/),
    ]);
    // The fake records the rejected first attempt; that rejection is what this test provokes.
    expect(fake.violations).toEqual([
      expect.stringContaining('review rejected: comments[1] prompts/math.prompt.md:10'),
    ]);
  });

  it('gives up after the one retry, with both of GitHub’s reasons', async () => {
    const { fake, client, repo, logger } = await startHarness();
    const stale = request(repo, { commit_id: BASE });
    const error = await failure(postReview(client(), stale, logger));
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error.status).toBe(422);
    expect(error.message).toBe(
      `GitHub rejected the review (422): Unprocessable Entity: No commit found for SHA: ${BASE} ` +
        `(the first attempt, with inline comments, was rejected: Unprocessable Entity: No commit found for SHA: ${BASE})`,
    );
    expect(reviewPosts(fake.requests)).toHaveLength(2);
    expect(fake.reviews(PR)).toEqual([]);
    expect(fake.violations).toHaveLength(2);
  });

  it('does not retry a 422 when there were no inline comments to drop', async () => {
    const { fake, client, repo, logger } = await startHarness();
    const error = await failure(postReview(client(), request(repo, { body: '', comments: [] }), logger));
    expect(error.message).toBe(
      'GitHub rejected the review (422): Unprocessable Entity: Body is required when using COMMENT',
    );
    expect(reviewPosts(fake.requests)).toHaveLength(1);
    expect(fake.violations).toHaveLength(1);
  });
});

describe('existingSuggestionComments', () => {
  it("returns only the bot's own inline comments, across pages", async () => {
    const { fake, client, repo, logger } = await startHarness();
    const human = client('pat-token');
    const bot = client('bot-token');
    // 101 human notes push the bot's comments onto page 2.
    const notes = Array.from({ length: 101 }, (_, i) => ({
      path: PROMPT_FILE.filename,
      line: 3,
      body: `note ${i}`,
    }));
    await postReview(human, request(repo, { body: 'human', comments: notes }), logger);
    await postReview(bot, request(repo), logger);

    const mine = await existingSuggestionComments(bot, {
      ...repo,
      pull_number: PR,
      identity: await botIdentity(bot),
    });

    expect(mine).toEqual([
      {
        id: expect.any(Number),
        path: PROMPT_FILE.filename,
        line: 2,
        start_line: null,
        body: suggestion('Answer with one number only.'),
      },
      {
        id: expect.any(Number),
        path: PROMPT_FILE.filename,
        line: 22,
        start_line: 20,
        body: suggestion('Work it out.\n\nAnswer:'),
      },
    ]);
    const pages = fake.requests
      .filter((r) => r.path.includes('/pulls/7/comments'))
      .map((r) => r.path.split('?')[1]);
    expect(pages).toEqual(['per_page=100', 'per_page=100&page=2']);
    expectNoViolations(fake);
  });
});
