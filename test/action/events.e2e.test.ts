// The bundled Action end to end (see harness.ts) on the events and checkouts a workflow meets: fork
// PRs, push, PRs without prompts, and a shallow checkout that leaves only the contents API.
import { afterAll, describe, it } from 'vitest';
import { git } from './git-fixture.js';
import { MATH, mathPrompt, PR, removeActionCopy, runAction } from './harness.js';
import {
  improve,
  modelCalls,
  QUICK_LPO,
  readReport,
  regress,
  summaries,
  TEST_ROW_DROP,
  world,
  writes,
} from './scenarios.js';

afterAll(removeActionCopy);

describe.concurrent('the bundled Action on forks, pushes and shallow checkouts', () => {
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
    expect(run.summary).toMatch(TEST_ROW_DROP);
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
      inputs: QUICK_LPO,
      env: { GITHUB_EVENT_NAME: 'push', GITHUB_SHA: w.repo.headSha, GITHUB_REF: 'refs/heads/feature' },
    });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.errors[0]).toMatch(/regression/);
    expect(run.summary).toMatch(TEST_ROW_DROP);
    // The suggestion is in the job summary as a diff; nothing was posted, and the summary says why.
    expect(run.summary).toMatch(/^```diff\n--- a\/prompts\/math\.txt\n/m);
    expect(run.summary).not.toContain('posted as review suggestions');
    expect(run.summary).toContain('not posted: a push run has no pull request to post them on.');
    expect(run.outputs['regressed']).toBe('true');
    expect(w.fake.requests).toEqual([]);
  }, 90_000);

  it('on workflow_dispatch, compares with the given base-ref and writes only the job summary', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, { edits: { [MATH]: improve(await mathPrompt()) } });
    await git(w.repo.workspace, 'checkout', '--quiet', '--detach', w.repo.headSha);
    const event = {
      inputs: {},
      ref: 'refs/heads/feature',
      repository: (w.fake.event(PR)['repository'] as object) ?? {},
    };
    const run = await runAction(w, {
      event,
      inputs: { optimize: 'false', 'base-ref': w.repo.baseSha },
      env: {
        GITHUB_EVENT_NAME: 'workflow_dispatch',
        GITHUB_SHA: w.repo.headSha,
        GITHUB_REF: 'refs/heads/feature',
      },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.summary).toContain(w.repo.baseSha.slice(0, 12));
    expect(run.summary).toMatch(/improvement/);
    expect(run.outputs['regressed']).toBe('false');
    expect(modelCalls(w)).toBeGreaterThan(0);
    expect(w.fake.requests).toEqual([]);
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
    // The config from both commits, the dataset from the base (the PR leaves it alone), the prompt
    // from both: each once.
    expect(contents.map((r) => `${r.path} ${r.status}`).sort()).toEqual(
      [
        `/repos/octo-org/prompts/contents/.github%2Flpo.yml?ref=${w.repo.baseSha} 200`,
        `/repos/octo-org/prompts/contents/.github%2Flpo.yml?ref=${w.repo.headSha} 200`,
        `/repos/octo-org/prompts/contents/data%2Fgsm8k.jsonl?ref=${w.repo.baseSha} 200`,
        `/repos/octo-org/prompts/contents/prompts%2Fmath.txt?ref=${w.repo.baseSha} 200`,
        `/repos/octo-org/prompts/contents/prompts%2Fmath.txt?ref=${w.repo.headSha} 200`,
      ].sort(),
    );
    const report = await readReport(run.outputs['report']!);
    expect(report.prompts[0]!.delta.test!.pp).toBeLessThan(0);
    expect(summaries(w)).toHaveLength(1);
    expect(w.fake.violations).toEqual([]);
  }, 90_000);
});
