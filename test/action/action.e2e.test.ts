// The bundled Action end to end, run as GitHub runs it (see harness.ts): a real git checkout at the
// test-merge commit, the runner's environment, a fake GitHub that rejects what GitHub would reject,
// and the simulator as the model. Tests run concurrently: each has its own repository and servers.
import { readFile } from 'node:fs/promises';
import { afterAll, describe, it, type TestContext } from 'vitest';
import { ReviewJsonSchema } from '../../src/review/json-report.js';
import type { IssueComment } from '../github/fake-github.js';
import { git } from './git-fixture.js';
import {
  BOT,
  MATH,
  mathPrompt,
  PAT_TOKEN,
  PAT_USER,
  PR,
  removeActionCopy,
  runAction,
  startWorld,
  type World,
} from './harness.js';

const MARKER = '<!-- lpo-review:summary -->';
const STEP = 'Work through it step by step';
/** The simulator scores "guess" and "quickly" far below "step by step": a significant drop on test. */
const regress = (text: string) => text.replace(STEP, 'Guess the answer quickly');
/** "check" adds to the simulated accuracy: a gain. */
const improve = (text: string) => text.replace(STEP, `${STEP}, check each step`);

afterAll(removeActionCopy);

/** A world closed when its test ends, pass or fail (tests run concurrently, so not in afterEach). */
async function world(ctx: TestContext, opts: Parameters<typeof startWorld>[0]): Promise<World> {
  const w = await startWorld(opts);
  ctx.onTestFinished(() => w.close());
  return w;
}

const modelCalls = (w: World) => w.sim.stats().total + w.sim.stats().errors;
const summaries = (w: World) => w.fake.issueComments(PR).filter((c) => c.body.startsWith(MARKER));
const writes = (w: World, from = 0) =>
  w.fake.requests.slice(from).filter((r) => r.method !== 'GET' && r.method !== 'HEAD');

/** The `report` output, checked against the published schema of the JSON report. */
/** A small optimizer budget where a test needs a suggestion but not the default search. */
const QUICK_LPO = { steps: '1', beam: '2', candidates: '2' };

const readReport = async (path: string) => ReviewJsonSchema.parse(JSON.parse(await readFile(path, 'utf8')));

describe.concurrent('the bundled Action on a pull_request run', () => {
  it('reports a regressed prompt once, suggests a fix, fails the check after posting; a re-run repeats nothing', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, {
      edits: { [MATH]: regress(await mathPrompt()), 'README.md': '# Prompts\n\nNow with a new README.\n' },
    });
    const run = await runAction(w);

    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/regression/);
    expect(run.errors[0]).toContain(MATH);
    // The runner masks the key only if the Action registers it before anything could print it.
    expect(run.commands[0]).toEqual({ command: 'add-mask', message: 'sk-e2e-test-key' });
    expect(run.stdout.split('sk-e2e-test-key')).toHaveLength(2);
    // The verdict is on the PR before the step fails: the error comes after both writes.
    expect(run.stdout.indexOf('::error::')).toBeGreaterThan(run.stdout.indexOf('summary comment created'));
    expect(run.stdout.indexOf('::error::')).toBeGreaterThan(run.stdout.indexOf('review posted'));
    expect(writes(w).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `POST /repos/octo-org/prompts/issues/${PR}/comments 201`,
      `POST /repos/octo-org/prompts/pulls/${PR}/reviews 200`,
    ]);

    const [comment, ...others] = summaries(w);
    expect(others).toEqual([]);
    expect(w.fake.issueComments(PR)).toHaveLength(1);
    expect(comment!.user.login).toBe(BOT.login);
    const body = comment!.body;
    expect(body.split('\n')[0]).toBe(MARKER);
    expect(body).toMatch(/\| split \| n \| base \| head \| Δ \(pp\) \|/);
    expect(body).toMatch(/^\| dev \| \d+ \| \d+\.\d % \| \d+\.\d % \| -\d+\.\d \|/m);
    expect(body).toMatch(/^\| test \| \d+ \| \d+\.\d % \| \d+\.\d % \| -\d+\.\d \|/m);
    expect(body).toContain('regression');
    expect(body).toContain(w.repo.headSha.slice(0, 12));
    expect(body).not.toContain('README.md');

    // The step summary carries the same report, without the marker.
    expect(run.summary.trim()).toBe(body.slice(MARKER.length).trim());

    const reviews = w.fake.reviews(PR);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]!.state).toBe('COMMENTED');
    expect(reviews[0]!.commit_id).toBe(w.repo.headSha);
    expect(reviews[0]!.commit_id).not.toBe(w.repo.mergeSha);
    const inline = w.fake.reviewComments(PR);
    expect(inline.length).toBeGreaterThan(0);
    for (const c of inline) {
      expect(c.path).toBe(MATH);
      expect(c.side).toBe('RIGHT');
      expect(c.commit_id).toBe(w.repo.headSha);
      expect(c.body).toMatch(/```suggestion\n[^`]*step by step[^`]*\n```/);
    }

    expect(run.outputs['regressed']).toBe('true');
    const report = await readReport(run.outputs['report']!);
    expect(report.regressed).toBe(true);
    expect(report.baseSha).toBe(w.repo.baseSha);
    expect(report.headSha).toBe(w.repo.headSha);
    expect(report.prompts.map((p) => p.path)).toEqual([MATH]);
    const [math] = report.prompts;
    expect(math!.regressed).toBe(true);
    expect(math!.verdict).toMatch(/regression/);
    for (const split of ['dev', 'test'] as const) {
      expect(math!.head!.splits[split]!.accuracy!).toBeLessThan(math!.base!.splits[split]!.accuracy!);
      expect(math!.delta[split]!.pp).toBeLessThan(0);
    }
    expect(math!.delta.test!.pValue).toBeLessThan(0.05);
    expect(w.fake.violations).toEqual([]);

    // A re-run (same PR, same head): the comment is edited in place, no suggestion is repeated.
    const again = await runAction(w);
    expect(again.code).toBe(1);
    expect(writes(w, again.firstRequest).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `PATCH /repos/octo-org/prompts/issues/comments/${comment!.id} 200`,
    ]);
    expect(summaries(w)).toHaveLength(1);
    expect(w.fake.reviews(PR)).toHaveLength(1);
    expect(w.fake.reviewComments(PR)).toHaveLength(inline.length);
    expect(w.fake.violations).toEqual([]);
  }, 150_000);

  it('after a push to the PR, updates the one comment and suggests for the new head', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, { edits: { [MATH]: regress(await mathPrompt()) } });
    const first = await runAction(w, { inputs: QUICK_LPO });
    expect(first.code, first.stdout + first.stderr).toBe(1);
    const firstHead = w.repo.headSha;
    const [comment] = summaries(w);
    const suggested = w.fake.reviewComments(PR).map((c) => c.body);
    expect(suggested).toHaveLength(1);

    await w.push({ [MATH]: (await mathPrompt()).replace(STEP, 'Guess the answer') });
    expect(w.repo.headSha).not.toBe(firstHead);
    const second = await runAction(w, { event: w.fake.event(PR, 'synchronize'), inputs: QUICK_LPO });
    expect(second.code, second.stdout + second.stderr).toBe(1);
    expect(summaries(w)).toHaveLength(1);
    expect(summaries(w)[0]!.id).toBe(comment!.id);
    expect(summaries(w)[0]!.body).toContain(w.repo.headSha.slice(0, 12));
    const reviews = w.fake.reviews(PR);
    expect(reviews.map((r) => r.commit_id)).toEqual([firstHead, w.repo.headSha]);
    const inline = w.fake.reviewComments(PR);
    expect(inline).toHaveLength(2);
    expect(inline[1]!.body).not.toBe(inline[0]!.body);
    expect(inline[1]!.commit_id).toBe(w.repo.headSha);
    expect(w.fake.violations).toEqual([]);
  }, 150_000);

  it('puts a suggestion outside the diff hunks in the review body as a diff, not inline', async (ctx) => {
    const { expect } = ctx;
    const lines = [
      'Solve the grade-school math problem below.',
      'Read the question twice.',
      'Note every quantity it gives.',
      'Keep track of the units.',
      'Write down each intermediate result.',
      'Use plain arithmetic.',
      'Work through it step by step.',
      'Then give the final answer as a number.',
    ];
    const base = `${lines.join('\n')}\n`;
    // Dropping "step by step" at line 7: the (simulated) optimizer then puts it back on line 1,
    // which is outside the hunk (lines 4-8), so GitHub would refuse it as an inline comment.
    const w = await world(ctx, {
      baseEdits: { [MATH]: base },
      edits: { [MATH]: base.replace('Work through it step by step.', 'Work through it.') },
    });
    expect(w.pull.files[0]!.patch).toMatch(/^@@ -4,5 \+4,5 @@/);
    const run = await runAction(w, { inputs: QUICK_LPO });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.warnings).toEqual([]);
    const reviews = w.fake.reviews(PR);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]!.state).toBe('COMMENTED');
    expect(w.fake.reviewComments(PR)).toEqual([]);
    expect(reviews[0]!.body).toMatch(
      /```+diff\n[\s\S]*\+Solve the grade-school math problem below\..*step by step/,
    );
    expect(w.fake.violations).toEqual([]);
  }, 150_000);

  it('evaluates a fork PR against a local endpoint but posts nothing with its read-only token', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, { edits: { [MATH]: regress(await mathPrompt()) } });
    const event = w.fake.event(PR, 'opened');
    const pr = event['pull_request'] as { head: { repo: Record<string, unknown> } };
    pr.head.repo = { ...pr.head.repo, full_name: 'forker/prompts', fork: true };
    // A self-hosted model needs no key, so the review runs; the results can only go to the job summary.
    const run = await runAction(w, { event, inputs: { 'api-key': '', optimize: 'false' } });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.notices.join('\n')).toMatch(/fork/);
    expect(run.summary).toMatch(/^\| test \| \d+ \| .* \| -\d+\.\d \|/m);
    expect(modelCalls(w)).toBeGreaterThan(0);
    expect(writes(w)).toEqual([]);
    expect(w.fake.violations).toEqual([]);
  }, 90_000);

  it('on push, compares with the previous commit and writes only the job summary', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, { edits: { [MATH]: regress(await mathPrompt()) } });
    // The push of the head commit to its branch: checkout at that commit, `before` is the base.
    await git(w.repo.workspace, 'checkout', '--quiet', '--detach', w.repo.headSha);
    const event = {
      ref: 'refs/heads/feature',
      before: w.repo.baseSha,
      after: w.repo.headSha,
      repository: (w.fake.event(PR)['repository'] as object) ?? {},
      pusher: { name: 'octocat', email: 'octocat@example.com' },
    };
    const run = await runAction(w, {
      event,
      inputs: { optimize: 'false' },
      env: { GITHUB_EVENT_NAME: 'push', GITHUB_SHA: w.repo.headSha, GITHUB_REF: 'refs/heads/feature' },
    });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.errors[0]).toMatch(/regression/);
    expect(run.summary).toMatch(/^\| test \| \d+ \| .* \| -\d+\.\d \|/m);
    expect(run.outputs['regressed']).toBe('true');
    expect(w.fake.requests).toEqual([]);
  }, 90_000);

  it('finds its own comment among hundreds, never edits one it did not write', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, { edits: { [MATH]: regress(await mathPrompt()) } });
    w.fake.seedComments(PR, 120, { login: 'reviewer-one' });
    // Someone quoting the marker on the first line, and a user whose login looks like the bot's.
    const [forged] = w.fake.seedComments(PR, 1, {
      login: 'mallory',
      body: () => `${MARKER}\n## LPO review\n\n✅ **no regression** (forged)`,
    });
    w.fake.seedComments(PR, 1, { login: 'github-actions', body: () => `${MARKER}\nnot the bot` });
    w.fake.seedComments(PR, 128, { login: 'reviewer-two' });
    const inputs = { optimize: 'false' };

    const first = await runAction(w, { inputs });
    expect(first.code, first.stdout + first.stderr).toBe(1);
    const mine = summaries(w).filter((c) => c.user.login === BOT.login);
    expect(mine).toHaveLength(1);
    expect(w.fake.issueComments(PR)).toHaveLength(251);
    const pages = w.fake.requests.filter((r) => r.path.includes(`/issues/${PR}/comments?`));
    expect(pages.length).toBeGreaterThanOrEqual(3);

    // Now the bot's comment is the last one, on the third page.
    const second = await runAction(w, { inputs });
    expect(second.code).toBe(1);
    expect(writes(w, second.firstRequest).map((r) => `${r.method} ${r.path}`)).toEqual([
      `PATCH /repos/octo-org/prompts/issues/comments/${mine[0]!.id}`,
    ]);
    expect(w.fake.issueComments(PR)).toHaveLength(251);
    const untouched = w.fake.issueComments(PR).find((c) => c.id === forged!.id) as IssueComment;
    expect(untouched.body).toBe(forged!.body);
    expect(untouched.updated_at).toBe(forged!.updated_at);
    expect(w.fake.violations).toEqual([]);
  }, 90_000);

  it('passes an improved prompt and a new one, posting as the PAT user', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, {
      edits: { [MATH]: improve(await mathPrompt()), 'prompts/terse.txt': 'Answer with the number.\n' },
      latencyMs: 5,
    });
    const run = await runAction(w, { token: PAT_TOKEN, inputs: { concurrency: '4', optimize: 'false' } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.errors).toEqual([]);
    expect(run.outputs['regressed']).toBe('false');
    const [comment, ...others] = summaries(w);
    expect(others).toEqual([]);
    expect(comment!.user.login).toBe(PAT_USER.login);
    expect(comment!.body).toMatch(/^\| test \| \d+ \| \d+\.\d % \| \d+\.\d % \| \+\d+\.\d \|/m);
    expect(comment!.body).toContain('no regression');
    expect(w.fake.requests.some((r) => r.path === '/user' && r.status === 200)).toBe(true);
    const report = await readReport(run.outputs['report']!);
    expect(report.regressed).toBe(false);
    const added = report.prompts.find((p) => p.path === 'prompts/terse.txt');
    expect(added).toMatchObject({ status: 'added', base: null, regressed: false, delta: {} });
    expect(added!.head!.splits.test!.total).toBeGreaterThan(0);
    // The concurrency input reaches the model client: requests overlap, never beyond it.
    expect(w.sim.stats().maxInFlight).toBeGreaterThan(1);
    expect(w.sim.stats().maxInFlight).toBeLessThanOrEqual(4);
    expect(w.fake.violations).toEqual([]);
  }, 90_000);

  it('fail-on: never reports a regression without failing', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, { edits: { [MATH]: regress(await mathPrompt()) } });
    const run = await runAction(w, { inputs: { 'fail-on': 'never', optimize: 'false' } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.errors).toEqual([]);
    expect(run.outputs['regressed']).toBe('false');
    expect(summaries(w)).toHaveLength(1);
    expect(summaries(w)[0]!.body).toContain('never fails');
    expect(w.fake.violations).toEqual([]);
  }, 90_000);

  it('fail-on: regression fails only on a drop larger than min-delta', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, { edits: { [MATH]: regress(await mathPrompt()) } });
    const inputs = { 'fail-on': 'regression', optimize: 'false' };
    // The drop on test is about 57 pp (see the first test).
    const tolerant = await runAction(w, { inputs: { ...inputs, 'min-delta': '80' } });
    expect(tolerant.code, tolerant.stdout + tolerant.stderr).toBe(0);
    expect(tolerant.outputs['regressed']).toBe('false');
    const strict = await runAction(w, { inputs: { ...inputs, 'min-delta': '20' } });
    expect(strict.code).toBe(1);
    expect(strict.outputs['regressed']).toBe('true');
    expect(strict.errors).toHaveLength(1);
    expect(strict.errors[0]).toMatch(/regression.*more than the allowed 20 pp/);
    expect(summaries(w)).toHaveLength(1);
    expect(w.fake.violations).toEqual([]);
  }, 90_000);

  it('min-accuracy fails an improved prompt that stays below the floor', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, { edits: { [MATH]: improve(await mathPrompt()) } });
    const run = await runAction(w, { inputs: { 'min-accuracy': '95', optimize: 'false' } });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.outputs['regressed']).toBe('true');
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/below the floor: test accuracy \d+\.\d % < 95\.0 %/);
    expect(summaries(w)).toHaveLength(1);
    expect(w.fake.violations).toEqual([]);
  }, 90_000);

  it('skips a fork PR without secrets: a notice and a job summary, no comment, no model call', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, { edits: { [MATH]: regress(await mathPrompt()) } });
    const event = w.fake.event(PR, 'opened');
    const pr = event['pull_request'] as { head: { repo: Record<string, unknown> } };
    pr.head.repo = { ...pr.head.repo, full_name: 'forker/prompts', name: 'prompts', fork: true };
    // No key anywhere, and the default (hosted) endpoint, as on a fork PR.
    const run = await runAction(w, {
      event,
      inputs: { 'api-key': '', 'base-url': 'https://api.openai.com/v1' },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.errors).toEqual([]);
    expect(run.notices).toHaveLength(1);
    expect(run.notices[0]).toMatch(/fork/);
    expect(run.summary).toContain('fork');
    expect(run.outputs['regressed']).toBe('false');
    expect(w.fake.issueComments(PR)).toEqual([]);
    expect(writes(w)).toEqual([]);
    expect(modelCalls(w)).toBe(0);
    expect(w.fake.violations).toEqual([]);
  }, 60_000);

  it('ignores files that are not prompts, datasets or the config', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, { edits: { 'README.md': '# Prompts\n\nOnly the docs changed.\n' } });
    const run = await runAction(w);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.errors).toEqual([]);
    expect(run.notices.join('\n')).toMatch(/no prompt file/);
    expect(modelCalls(w)).toBe(0);
    expect(writes(w)).toEqual([]);
    expect(w.fake.violations).toEqual([]);
  }, 60_000);

  it('reads base and head through the contents API when the checkout is shallow', async (ctx) => {
    const { expect } = ctx;
    // 120 docs sort before prompts/: the prompt is on the second page of the PR's files.
    const docs = Object.fromEntries(
      Array.from({ length: 120 }, (_, i) => [`docs/page-${String(i).padStart(3, '0')}.md`, `Page ${i}\n`]),
    );
    const w = await world(ctx, { edits: { ...docs, [MATH]: regress(await mathPrompt()) }, shallow: true });
    expect(w.pull.files.findIndex((f) => f.filename === MATH)).toBeGreaterThanOrEqual(100);
    const run = await runAction(w, { inputs: { optimize: 'false' } });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/regression/);
    expect(w.fake.requests.filter((r) => r.path.includes(`/pulls/${PR}/files`))).toHaveLength(2);
    const contents = w.fake.requests.filter((r) => r.path.startsWith('/repos/octo-org/prompts/contents/'));
    expect(contents.map((r) => `${r.path} ${r.status}`).sort()).toEqual(
      [
        `/repos/octo-org/prompts/contents/prompts%2Fmath.txt?ref=${w.repo.baseSha} 200`,
        `/repos/octo-org/prompts/contents/prompts%2Fmath.txt?ref=${w.repo.headSha} 200`,
      ].sort(),
    );
    const report = await readReport(run.outputs['report']!);
    expect(report.prompts[0]!.delta.test!.pp).toBeLessThan(0);
    expect(summaries(w)).toHaveLength(1);
    expect(w.fake.violations).toEqual([]);
  }, 90_000);

  it('names the missing permission when the token may not comment, and keeps the verdict', async (ctx) => {
    const { expect } = ctx;
    // What GitHub answers when the workflow grants `pull-requests: read` only.
    const refused = {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
      status: '403',
    };
    const w = await world(ctx, {
      edits: { [MATH]: regress(await mathPrompt()) },
      fake: {
        failNext: [{ method: 'POST', pathRegex: `/issues/${PR}/comments$`, status: 403, body: refused }],
      },
    });
    const run = await runAction(w, { inputs: { optimize: 'false' } });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.errors).toHaveLength(2);
    expect(run.errors.filter((e) => /403/.test(e) && /`pull-requests: write`/.test(e))).toHaveLength(1);
    expect(run.errors.filter((e) => /^prompt regression/.test(e))).toHaveLength(1);
    expect(run.errors.join('\n')).not.toMatch(/a bug|\n\s+at /);
    expect(run.outputs['regressed']).toBe('true');
    expect(run.summary).toMatch(/^\| test \| \d+ \| .* \| -\d+\.\d \|/m);
    expect(w.fake.issueComments(PR)).toEqual([]);
    expect(w.fake.violations).toEqual([]);
  }, 90_000);

  it('still comments on a runner without job summaries', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, { edits: { [MATH]: regress(await mathPrompt()) } });
    // GitHub Enterprise Server before 3.6 sets no GITHUB_STEP_SUMMARY.
    const run = await runAction(w, { inputs: { optimize: 'false' }, env: { GITHUB_STEP_SUMMARY: '' } });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/^prompt regression/);
    expect(run.warnings.join('\n')).toMatch(/job summary/);
    expect(summaries(w)).toHaveLength(1);
    expect(w.fake.violations).toEqual([]);
  }, 90_000);

  it('fails fast on a bad input: one ::error:: line, no model call, nothing posted', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, { edits: { [MATH]: regress(await mathPrompt()) } });
    const run = await runAction(w, { inputs: { 'fail-on': 'sometimes' } });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/^input fail-on: .*"sometimes"$/);
    expect(run.errors[0]).not.toContain('\n');
    expect(modelCalls(w)).toBe(0);
    expect(w.fake.requests).toEqual([]);
    expect(w.fake.violations).toEqual([]);
  }, 60_000);
});
