// pull_request_target runs with the base repository's secrets and a write token, even for a PR from a
// fork. A fork's prompts, config and datasets must not be evaluated with them: the bundled Action
// skips such a run before it reads anything, says why, and passes, unless the owner opts in.
import { afterAll, describe, it, type TestContext } from 'vitest';
import { MATH, mathPrompt, PR, removeActionCopy, runAction, type World } from '../action/harness.js';
import { modelCalls, regress, summaries, world, writes } from '../action/scenarios.js';

afterAll(removeActionCopy);

const TARGET = { GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_REF: 'refs/heads/main' };

/** The fake's PR event with the head in `headRepo`. */
function eventFrom(w: World, headRepo: string): Record<string, unknown> {
  const event = w.fake.event(PR, 'opened');
  const pr = event['pull_request'] as { head: { repo: Record<string, unknown> } };
  pr.head.repo = { ...pr.head.repo, full_name: headRepo, fork: headRepo !== 'octo-org/prompts' };
  return event;
}

async function regressedWorld(ctx: TestContext, edits: Record<string, string> = {}): Promise<World> {
  return world(ctx, { edits: { [MATH]: regress(await mathPrompt()), ...edits } });
}

describe.concurrent('pull_request_target from a fork', () => {
  it('is skipped before any file is read: a notice why, a passing check, no model call, no GitHub call', async (ctx) => {
    const { expect } = ctx;
    // The fork's config is broken: reading it at all would fail the step with a config error.
    const w = await regressedWorld(ctx, { '.github/lpo.yml': 'prompts: [unclosed\n' });
    const run = await runAction(w, { event: eventFrom(w, 'forker/prompts'), env: TARGET });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.errors).toEqual([]);
    expect(run.notices).toHaveLength(1);
    expect(run.notices[0]).toMatch(/pull_request_target/);
    expect(run.notices[0]).toMatch(/fork/);
    expect(run.notices[0]).toMatch(/secrets/);
    expect(run.notices[0]).toMatch(/allow-pull-request-target: true/);
    expect(run.summary).toMatch(/pull_request_target/);
    expect(run.outputs['regressed']).toBe('false');
    expect(modelCalls(w)).toBe(0);
    expect(w.fake.requests).toEqual([]);
  }, 60_000);

  it('is evaluated and posted when the owner sets allow-pull-request-target', async (ctx) => {
    const { expect } = ctx;
    const w = await regressedWorld(ctx);
    const run = await runAction(w, {
      event: eventFrom(w, 'forker/prompts'),
      env: TARGET,
      inputs: { optimize: 'false', 'allow-pull-request-target': 'true' },
    });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.errors[0]).toMatch(/regression/);
    expect(modelCalls(w)).toBeGreaterThan(0);
    // The token of a pull_request_target run can write, so the verdict goes on the PR.
    expect(summaries(w)).toHaveLength(1);
    expect(run.notices.join('\n')).not.toMatch(/read-only/);
  }, 90_000);

  it('a same-repository PR on pull_request_target is evaluated as usual', async (ctx) => {
    const { expect } = ctx;
    const w = await regressedWorld(ctx);
    const run = await runAction(w, {
      event: eventFrom(w, 'octo-org/prompts'),
      env: TARGET,
      inputs: { optimize: 'false' },
    });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.errors[0]).toMatch(/regression/);
    expect(run.notices.join('\n')).not.toMatch(/pull_request_target/);
    expect(modelCalls(w)).toBeGreaterThan(0);
    expect(writes(w).length).toBeGreaterThan(0);
  }, 90_000);

  it('an invalid allow-pull-request-target fails the step with one line naming the input', async (ctx) => {
    const { expect } = ctx;
    const w = await regressedWorld(ctx);
    const run = await runAction(w, {
      event: eventFrom(w, 'forker/prompts'),
      env: TARGET,
      inputs: { 'allow-pull-request-target': 'maybe' },
    });
    expect(run.code).toBe(1);
    expect(run.errors).toEqual(['input allow-pull-request-target: expected true or false, got "maybe"']);
    expect(modelCalls(w)).toBe(0);
  }, 60_000);
});
