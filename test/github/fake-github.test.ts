import { statSync } from 'node:fs';
import { getOctokit } from '@actions/github';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOperations, OPERATIONS_FIXTURE } from './fake/spec.js';
import {
  type FakeGitHub,
  type FakeGitHubOptions,
  type FakePullFile,
  startFakeGitHub,
} from './fake-github.js';

const BOT = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' as const, userEndpoint: false };
const PAT_USER = { login: 'prompt-bot', id: 777, type: 'User' as const, userEndpoint: true };
const HEAD = 'a'.repeat(40);
const BASE = 'b'.repeat(40);
// Two hunks: RIGHT lines 1-4 (line 2 added) and RIGHT lines 20-23 (line 21 added).
const PATCH = [
  '@@ -1,3 +1,4 @@',
  ' You are a careful assistant.',
  '+Answer with a number only.',
  ' ',
  ' Question: {{question}}',
  '@@ -19,3 +20,4 @@',
  ' Think step by step.',
  '+Show your work.',
  ' ',
  ' Answer:',
].join('\n');
const FILE: FakePullFile = {
  filename: 'prompts/math.prompt.md',
  status: 'modified',
  additions: 2,
  deletions: 0,
  changes: 2,
  patch: PATCH,
  sha: 'c'.repeat(40),
};

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(extra: Partial<FakeGitHubOptions> = {}) {
  fake = await startFakeGitHub({
    tokens: { 'bot-token': BOT, 'pat-token': PAT_USER },
    pulls: [{ number: 7, headSha: HEAD, baseSha: BASE, headRef: 'tune', files: [FILE] }],
    contents: {
      [HEAD]: { 'prompts/math.prompt.md': 'Answer with a number only.\n'.repeat(20), 'data/a.csv': 'q,a\n' },
    },
    ...extra,
  });
  const octokit = (token = 'bot-token') => getOctokit(token, { baseUrl: fake!.url });
  return { fake, octokit, repo: { owner: fake.owner, repo: fake.repo } };
}

async function status(promise: Promise<unknown>): Promise<{ status: number; data: unknown }> {
  try {
    await promise;
    return { status: 200, data: null };
  } catch (error) {
    const e = error as { status: number; response?: { data: unknown } };
    return { status: e.status, data: e.response?.data };
  }
}

describe('fixture', () => {
  it('is small and holds every operation the bot uses', () => {
    expect(statSync(OPERATIONS_FIXTURE).size).toBeLessThan(1024 * 1024);
    const ops = loadOperations().map((op) => `${op.method} ${op.path}`);
    expect(ops).toHaveLength(11);
    expect(ops).toContain('POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews');
    expect(JSON.stringify(loadOperations())).not.toContain('"$ref"');
  });
});

describe('issue comments', () => {
  it('paginates with a Link header that octokit.paginate follows across 3 pages', async () => {
    const { fake, octokit, repo } = await start();
    fake.seedComments(7, 65, { login: 'alice' });
    const first = await octokit().rest.issues.listComments({ ...repo, issue_number: 7 });
    const self = `${fake.url}/repos/${repo.owner}/${repo.repo}/issues/7/comments`;
    expect(first.data).toHaveLength(30);
    expect(first.headers.link).toBe(`<${self}?page=2>; rel="next", <${self}?page=3>; rel="last"`);
    const all = await octokit().paginate(octokit().rest.issues.listComments, {
      ...repo,
      issue_number: 7,
      per_page: 30,
    });
    expect(all.map((c) => c.body)).toEqual(
      Array.from({ length: 65 }, (_, i) => `Comment ${i + 1} from alice`),
    );
    expect(fake.requests.filter((r) => r.path.includes('page=')).map((r) => r.path.split('?')[1])).toEqual([
      'per_page=30',
      'per_page=30&page=2',
      'per_page=30&page=3',
    ]);
    const big = await octokit().rest.issues.listComments({ ...repo, issue_number: 7, per_page: 500 });
    expect(big.data).toHaveLength(65);
    expect(fake.violations).toEqual([]);
  });

  it('creates and updates the bot comment', async () => {
    const { fake, octokit, repo } = await start();
    const created = await octokit().rest.issues.createComment({
      ...repo,
      issue_number: 7,
      body: '<!-- lpo --> v1',
    });
    expect(created.status).toBe(201);
    expect(created.data.user).toMatchObject({ login: BOT.login, id: BOT.id, type: 'Bot' });
    expect(created.data.html_url).toContain(`/pull/7#issuecomment-${created.data.id}`);
    await octokit().rest.issues.updateComment({
      ...repo,
      comment_id: created.data.id,
      body: '<!-- lpo --> v2',
    });
    expect(fake.issueComments(7).map((c) => c.body)).toEqual(['<!-- lpo --> v2']);
    expect(fake.violations).toEqual([]);
  });

  it("answers 403 and records a violation when editing someone else's comment", async () => {
    const { fake, octokit, repo } = await start();
    const [quoted] = fake.seedComments(7, 1, {
      login: 'alice',
      body: () => '> <!-- lpo --> quoting the bot',
    });
    const result = await status(
      octokit().rest.issues.updateComment({ ...repo, comment_id: quoted!.id, body: 'x' }),
    );
    expect(result.status).toBe(403);
    expect(fake.issueComments(7)[0]!.body).toBe('> <!-- lpo --> quoting the bot');
    expect(fake.violations).toHaveLength(1);
    expect(fake.violations[0]).toContain('written by alice');
  });

  it('rejects a body over 65536 characters like GitHub', async () => {
    const { fake, octokit, repo } = await start();
    const result = await status(
      octokit().rest.issues.createComment({ ...repo, issue_number: 7, body: 'x'.repeat(65537) }),
    );
    expect(result.status).toBe(422);
    expect(JSON.stringify(result.data)).toContain('Body is too long (maximum is 65536 characters)');
    expect(fake.violations).toHaveLength(1);
    await octokit().rest.issues.createComment({ ...repo, issue_number: 7, body: 'x'.repeat(65536) });
    expect(fake.issueComments(7)).toHaveLength(1);
  });
});

describe('reviews', () => {
  const review = (comments: object[], extra: object = {}) => ({
    owner: 'octo-org',
    repo: 'prompts',
    pull_number: 7,
    commit_id: HEAD,
    body: 'LPO review',
    event: 'COMMENT' as const,
    comments: comments as { path: string; body: string }[],
    ...extra,
  });

  it('accepts anchors inside one hunk and serves them back', async () => {
    const { fake, octokit } = await start();
    const ok = [
      { path: FILE.filename, line: 2, side: 'RIGHT', body: 'single line' },
      { path: FILE.filename, start_line: 20, line: 22, side: 'RIGHT', start_side: 'RIGHT', body: 'range' },
    ];
    const created = await octokit().rest.pulls.createReview(review(ok));
    expect(created.data.state).toBe('COMMENTED');
    const listed = await octokit().rest.pulls.listReviewComments({
      owner: 'octo-org',
      repo: 'prompts',
      pull_number: 7,
    });
    expect(listed.data.map((c) => [c.path, c.start_line, c.line, c.pull_request_review_id])).toEqual([
      [FILE.filename, null, 2, created.data.id],
      [FILE.filename, 20, 22, created.data.id],
    ]);
    expect(listed.data[0]!.diff_hunk).toBe(
      '@@ -1,3 +1,4 @@\n You are a careful assistant.\n+Answer with a number only.',
    );
    const reviews = await octokit().rest.pulls.listReviews({
      owner: 'octo-org',
      repo: 'prompts',
      pull_number: 7,
    });
    expect(reviews.data.map((r) => [r.state, r.commit_id, r.user?.login])).toEqual([
      ['COMMENTED', HEAD, BOT.login],
    ]);
    expect(fake.violations).toEqual([]);
  });

  it.each([
    [
      'a line outside every hunk',
      { path: FILE.filename, line: 10, side: 'RIGHT' },
      'Line could not be resolved',
    ],
    ['a file not in the PR', { path: 'README.md', line: 2, side: 'RIGHT' }, 'Path could not be resolved'],
    ['a range across hunks', { path: FILE.filename, start_line: 3, line: 21, side: 'RIGHT' }, 'same hunk'],
    ['start_line not before line', { path: FILE.filename, start_line: 3, line: 3, side: 'RIGHT' }, 'precede'],
  ])('rejects %s with 422 and records it', async (_, anchor, error) => {
    const { fake, octokit } = await start();
    const result = await status(octokit().rest.pulls.createReview(review([{ ...anchor, body: 'x' }])));
    expect(result.status).toBe(422);
    expect(result.data).toMatchObject({ message: 'Unprocessable Entity' });
    expect(JSON.stringify(result.data)).toContain(error);
    expect(fake.reviews(7)).toEqual([]);
    expect(fake.violations).toHaveLength(1);
  });

  it('rejects a review on a commit that is not the head', async () => {
    const { fake, octokit } = await start();
    expect((await status(octokit().rest.pulls.createReview(review([], { commit_id: BASE })))).status).toBe(
      422,
    );
    expect(fake.violations[0]).toContain('is not the head');
  });

  it('records schema violations: an unknown event and a wrongly typed field', async () => {
    const { fake, octokit } = await start();
    const bad = review([], { event: 'APPROVED' }) as unknown as Parameters<
      ReturnType<typeof octokit>['rest']['pulls']['createReview']
    >[0];
    expect((await status(octokit().rest.pulls.createReview(bad))).status).toBe(422);
    const typed = review([], { body: 42 }) as unknown as typeof bad;
    expect((await status(octokit().rest.pulls.createReview(typed))).status).toBe(422);
    expect(fake.violations).toHaveLength(2);
    expect(fake.violations[0]).toMatch(/body\.event must be equal to one of the allowed values/);
    expect(fake.violations[1]).toMatch(/body\.body must be string/);
  });

  it('keeps a review without event PENDING and visible only to its author', async () => {
    const { fake, octokit } = await start();
    const { event: _, ...pending } = review([]);
    await octokit().rest.pulls.createReview(pending);
    expect(fake.reviews(7).map((r) => r.state)).toEqual(['PENDING']);
    const asOther = await octokit('pat-token').rest.pulls.listReviews({
      owner: 'octo-org',
      repo: 'prompts',
      pull_number: 7,
    });
    expect(asOther.data).toEqual([]);
    expect((await status(octokit().rest.pulls.createReview(pending))).status).toBe(422);
  });
});

describe('identity, contents, pulls and failures', () => {
  it('answers GET /user with 403 for GITHUB_TOKEN and the user for a PAT', async () => {
    const { fake, octokit } = await start();
    const denied = await status(octokit().rest.users.getAuthenticated());
    expect(denied).toMatchObject({
      status: 403,
      data: { message: 'Resource not accessible by integration' },
    });
    const me = await octokit('pat-token').rest.users.getAuthenticated();
    expect(me.data).toMatchObject({ login: 'prompt-bot', id: 777, type: 'User' });
    expect(fake.violations).toEqual([]);
  });

  it('serves contents as base64 wrapped at 60 characters, raw on request, and 404 when missing', async () => {
    const { fake, octokit, repo } = await start();
    const text = 'Answer with a number only.\n'.repeat(20);
    const file = await octokit().rest.repos.getContent({
      ...repo,
      path: 'prompts/math.prompt.md',
      ref: HEAD,
    });
    const data = file.data as { type: string; encoding: string; content: string; size: number };
    expect(data).toMatchObject({ type: 'file', encoding: 'base64', size: text.length });
    expect(data.content.split('\n').every((l) => l.length <= 60)).toBe(true);
    expect(Buffer.from(data.content, 'base64').toString('utf8')).toBe(text);
    const raw = await octokit().rest.repos.getContent({
      ...repo,
      path: 'prompts/math.prompt.md',
      ref: HEAD,
      mediaType: { format: 'raw' },
    });
    expect(raw.data).toBe(text);
    const dir = await octokit().rest.repos.getContent({ ...repo, path: 'data', ref: HEAD });
    expect((dir.data as { path: string }[]).map((e) => e.path)).toEqual(['data/a.csv']);
    expect(
      (await status(octokit().rest.repos.getContent({ ...repo, path: 'nope.txt', ref: HEAD }))).status,
    ).toBe(404);
    expect(fake.violations).toEqual([]);
  });

  it('serves the PR, its files, a compare and a real-shaped webhook payload', async () => {
    const { fake, octokit, repo } = await start();
    const pr = await octokit().rest.pulls.get({ ...repo, pull_number: 7 });
    expect(pr.data).toMatchObject({ number: 7, head: { sha: HEAD, ref: 'tune' }, base: { sha: BASE } });
    const files = await octokit().paginate(octokit().rest.pulls.listFiles, { ...repo, pull_number: 7 });
    expect(files).toEqual([FILE]);
    const cmp = await octokit().rest.repos.compareCommitsWithBasehead({
      ...repo,
      basehead: `${BASE}...${HEAD}`,
    });
    expect(cmp.data.files).toEqual([FILE]);
    const event = fake.event(7) as {
      pull_request: { head: { sha: string } };
      repository: { full_name: string };
    };
    expect(event.pull_request.head.sha).toBe(HEAD);
    expect(event.repository.full_name).toBe('octo-org/prompts');
    expect(fake.violations).toEqual([]);
  });

  it('injects failures and records unauthenticated or unknown requests as violations', async () => {
    const { fake, octokit, repo } = await start({
      failNext: [{ method: 'GET', pathRegex: '/pulls/7$', status: 502 }],
    });
    fake.failNext({
      pathRegex: '/files',
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' },
    });
    expect((await status(octokit().rest.pulls.get({ ...repo, pull_number: 7 }))).status).toBe(502);
    expect((await octokit().rest.pulls.get({ ...repo, pull_number: 7 })).status).toBe(200);
    const limited = await status(octokit().rest.pulls.listFiles({ ...repo, pull_number: 7 }));
    expect(limited).toMatchObject({ status: 403, data: { message: expect.stringContaining('rate limit') } });
    expect(fake.violations).toEqual([]);
    await fetch(`${fake.url}/repos/octo-org/prompts/pulls/7`);
    await status(octokit().request('GET /repos/{owner}/{repo}/issues/{n}', { ...repo, n: 7 }));
    await status(octokit().rest.pulls.get({ owner: 'someone', repo: 'else', pull_number: 7 }));
    await status(octokit().rest.issues.listComments({ ...repo, issue_number: 7, since: 'yesterday' }));
    expect(fake.violations.map((v) => v.slice(v.indexOf(': ') + 2))).toEqual([
      'no Authorization header (token or Bearer)',
      'no such operation in the GitHub REST description',
      'repository someone/else is not octo-org/prompts',
      'query parameter since="yesterday" must match format "date-time"',
    ]);
  });
});
