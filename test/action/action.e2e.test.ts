// The bundled Action end to end, run as GitHub runs it (see harness.ts): a real git checkout at the
// test-merge commit, the runner's environment, a fake GitHub that rejects what GitHub would reject,
// and the simulator as the model. Tests run concurrently: each has its own repository and servers.
// This file: the summary comment and the review on a PR, across re-runs and pushes.
import { afterAll, describe, it } from 'vitest';
import type { IssueComment } from '../github/fake-github.js';
import { BOT, MATH, mathPrompt, PAT_TOKEN, PAT_USER, PR, removeActionCopy, runAction } from './harness.js';
import {
  improve,
  MARKER,
  QUICK_LPO,
  readReport,
  regress,
  STEP,
  summaries,
  topRow,
  world,
  writes,
} from './scenarios.js';

afterAll(removeActionCopy);

describe.concurrent('the bundled Action reviewing a pull request', () => {
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
    // No Actions cache service here (as on local runs and some self-hosted runners): said once, run goes on.
    expect(run.stdout.match(/Actions cache service is not available/g)).toHaveLength(1);
    // The verdict is on the PR before the step fails: the error comes after both writes. The review
    // goes first, so the comment can say that its suggestions are on the PR.
    expect(run.stdout.indexOf('::error::')).toBeGreaterThan(run.stdout.indexOf('summary comment created'));
    expect(run.stdout.indexOf('::error::')).toBeGreaterThan(run.stdout.indexOf('review posted'));
    expect(writes(w).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `POST /repos/octo-org/prompts/pulls/${PR}/reviews 200`,
      `POST /repos/octo-org/prompts/issues/${PR}/comments 201`,
    ]);

    const [comment, ...others] = summaries(w);
    expect(others).toEqual([]);
    expect(w.fake.issueComments(PR)).toHaveLength(1);
    expect(comment!.user.login).toBe(BOT.login);
    const body = comment!.body;
    expect(body.split('\n')[0]).toBe(MARKER);
    expect(body).toContain('| split | n | base → head | Δ pp [95 % CI] | p | reading |');
    expect(body).toMatch(/^\| dev \| \d+ \| \d+\.\d % → \d+\.\d % \| -\d+\.\d \[/m);
    expect(body).toMatch(/^\| test \| \d+ \| \d+\.\d % → \d+\.\d % \| -\d+\.\d \[/m);
    expect(body).toContain('regression');
    // Before anything folded: the prompt's row with its test figures and verdict word.
    expect(body.slice(0, body.indexOf('<details>'))).toMatch(topRow(MATH, '❌ regression'));
    // The suggestion, shown as a diff, and said to be posted because the review went up first.
    expect(body).toMatch(/^```diff\n--- a\/prompts\/math\.txt\n\+\+\+ b\/prompts\/math\.txt\n@@ /m);
    expect(body).toContain('posted as review suggestions on this pull request');
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
      // The fix: the guess replaced by working it out step by step ("Step by step, work out …").
      expect(c.body).toMatch(/```suggestion\n[^`]*[Ss]tep by step[^`]*\n```/);
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
    // Nothing new was posted, but the suggestions on the PR are still this head's: the comment says so.
    expect(summaries(w)[0]!.body).toContain('posted as review suggestions on this pull request');
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
    expect(comment!.body).toMatch(/^\| test \| \d+ \| \d+\.\d % → \d+\.\d % \| \+\d+\.\d \[/m);
    expect(comment!.body).toMatch(topRow(MATH, '✅ improvement'));
    expect(comment!.body).toMatch(/^\| prompts\/terse\.txt \| — → \d+\.\d % \| — \| 🆕 new \| — \|$/m);
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
});
