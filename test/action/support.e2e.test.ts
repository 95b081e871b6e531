// The bundled Action on examples/support (a free-text prompt graded by a judge, compared side by
// side, with a labelled subset): the verdict is the judge's pairwise one, the comment shows the
// judge's agreement with people, and LPO's suggestion is optimized against the judge.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { SUPPORT_SCENARIO } from '../../src/tools/simulator/sim-support.js';
import { EXAMPLES } from './git-fixture.js';
import { removeActionCopy, runAction } from './harness.js';
import { QUICK_LPO, readReport, summaries, world } from './scenarios.js';

afterAll(removeActionCopy);

const SUPPORT = path.join(EXAMPLES, 'support');
const REPLY = 'prompts/reply.txt';
const reply = () => readFile(path.join(SUPPORT, REPLY), 'utf8');
const TICKETS = 'data/tickets.jsonl';
const tickets = () => readFile(path.join(SUPPORT, TICKETS), 'utf8');
/** The words the support world rewards: an apology and the next step, in place of "Keep it short.". */
const careful = (text: string) =>
  text.replace(
    'Keep it short.',
    'Apologise for the trouble, and end with the next step the customer can take.',
  );
const simulator = { scenario: SUPPORT_SCENARIO, seed: 7 };

describe.concurrent('the bundled Action on a judge-graded support prompt', () => {
  it('fails a PR that makes the replies worse, on the side-by-side verdict of a trusted judge', async (ctx) => {
    const { expect } = ctx;
    const base = careful(await reply());
    const w = await world(ctx, {
      source: SUPPORT,
      simulator,
      baseEdits: { [REPLY]: base },
      // The PR also turns a person's "fail" into a "pass": the gate keeps the base commit's labels.
      edits: {
        [REPLY]: await reply(),
        [TICKETS]: (await tickets()).replace('"human": "fail"', '"human": "pass"'),
      },
    });
    const run = await runAction(w, { inputs: { optimize: 'false' } });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/significant regression on test, judged side by side/);
    const report = await readReport(run.outputs['report']!);
    const [p] = report.prompts;
    expect(p!.verdictKind).toBe('regression');
    expect(p!.pairwise!.losses).toBeGreaterThan(p!.pairwise!.wins);
    expect(p!.pairwise!.pValue).toBeLessThan(0.05);
    expect(p!.judge!.trust).toBe('trusted');
    expect(p!.judge!.kappa!).toBeGreaterThanOrEqual(0.6);
    expect(p!.testChanges).toEqual([`dataset ${TICKETS}: +1 rows, −1 rows`]);
    // Every judge call the review made reached the endpoint as a judge request (simulated world).
    expect(w.sim.stats().pairwise).toBeGreaterThan(0);
    const body = summaries(w)[0]!.body;
    expect(body).toContain('❌ regression (side by side)');
    expect(body).toContain('**Side by side**');
    expect(body).toMatch(
      /\*\*Judge vs people\*\* \(judge `[^`]+`, pass-fail, on the labelled rows' stored answers\): agreement \d+\.\d %, Cohen's κ \d\.\d\d \[/,
    );
    expect(body).toContain('test examples the judge gave to base');
    expect(w.fake.violations).toEqual([]);
  }, 180_000);

  it("passes an improving PR, with the judge's side-by-side verdict", async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, { source: SUPPORT, simulator, edits: { [REPLY]: careful(await reply()) } });
    const run = await runAction(w, { inputs: { optimize: 'false' } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const [p] = (await readReport(run.outputs['report']!)).prompts;
    expect(p!.verdictKind).toBe('improvement');
    expect(p!.pairwise!.wins).toBeGreaterThan(p!.pairwise!.losses);
    expect(summaries(w)[0]!.body).toContain('✅ improvement (side by side)');
    expect(w.fake.violations).toEqual([]);
  }, 180_000);

  it('suggests, optimized against the judge, a prompt the judge passes more often on test', async (ctx) => {
    const { expect } = ctx;
    // A PR that leaves the weak prompt weak: the optimizer has the judge's failures to work from.
    const edit = (await reply()).replace('Keep it short.', 'Keep it short. Thank the customer for writing.');
    const w = await world(ctx, { source: SUPPORT, simulator, edits: { [REPLY]: edit } });
    const run = await runAction(w, { inputs: { ...QUICK_LPO, 'fail-on-inconclusive': 'false' } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const [p] = (await readReport(run.outputs['report']!)).prompts;
    const sug = p!.suggestion!;
    expect(sug.withheld).toBeUndefined();
    expect(sug.splits.test!.accuracy!).toBeGreaterThan(p!.head!.splits.test!.accuracy!);
    expect(sug.vsHead.test!.pValue).toBeLessThan(0.05);
    // Posted as one-click suggestions on the prompt file.
    const inline = w.fake.reviewComments(7);
    expect(inline.length).toBeGreaterThan(0);
    expect(inline.every((c) => c.path === REPLY && c.body.includes('```suggestion'))).toBe(true);
    expect(w.fake.violations).toEqual([]);
  }, 240_000);

  it('does not gate on a judge people do not back (min-judge-agreement above its kappa)', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, {
      source: SUPPORT,
      simulator,
      baseEdits: { [REPLY]: careful(await reply()) },
      edits: { [REPLY]: await reply() },
    });
    const run = await runAction(w, {
      inputs: { optimize: 'false', 'min-judge-agreement': '0.99', 'fail-on-inconclusive': 'false' },
    });
    const report = await readReport(run.outputs['report']!);
    const [p] = report.prompts;
    expect(p!.judge!.trust).toBe('untrusted');
    expect(p!.verdictKind).toBe('inconclusive');
    expect(p!.regressed).toBe(false);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(summaries(w)[0]!.body).toContain('so the gate does not use its grades');
  }, 180_000);
});
