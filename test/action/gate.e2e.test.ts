// The bundled Action end to end (see harness.ts): when the check fails, and that a failure of GitHub,
// of the runner or of an input is one clear line that never hides the verdict.
import { afterAll, describe, it } from 'vitest';
import { MATH, mathPrompt, PR, removeActionCopy, runAction } from './harness.js';
import { improve, modelCalls, regress, summaries, TEST_ROW_DROP, world } from './scenarios.js';

afterAll(removeActionCopy);

describe.concurrent('the bundled Action failing the check exactly when it should', () => {
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
    expect(run.summary).toMatch(TEST_ROW_DROP);
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
