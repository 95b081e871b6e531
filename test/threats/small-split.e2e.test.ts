// Too little data is not a pass: a config whose test split holds 3 examples cannot show any drop as
// significant (losing all 3 gives p = 0.25), so a prompt going from 100 % to 0 % used to pass as "no
// significant change". Through the bundled Action: the verdict is now inconclusive and fails the
// check, and `fail-on-inconclusive: false` passes it, still marked ⚠️.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { MATH, mathPrompt, removeActionCopy, runAction } from '../action/harness.js';
import { readReport, regress, summaries, world } from '../action/scenarios.js';

const CONFIG = '.github/lpo.yml';
const SMALL = /n = 3 cannot detect any drop \(losing all 3 gives p = 0\.25\)/;

afterAll(removeActionCopy);

/** The examples' config with every split of the math entry capped at 3 examples, in the base commit. */
async function smallConfig(): Promise<string> {
  const text = await readFile(path.resolve(import.meta.dirname, '../../examples', CONFIG), 'utf8');
  const capped = text.replace('max-examples: 60', 'max-examples: 3');
  if (capped === text) throw new Error(`${CONFIG} of examples/ no longer caps the math split at 60`);
  return capped;
}

describe.concurrent('a test split too small to detect a drop', () => {
  it('fails the check as inconclusive, and passes with ⚠️ when the owner allows it', async (ctx) => {
    const { expect } = ctx;
    const config = await smallConfig();
    const w = await world(ctx, {
      baseEdits: { [CONFIG]: config },
      edits: { [MATH]: regress(await mathPrompt()) },
    });
    const run = await runAction(w, { inputs: { optimize: 'false' } });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.outputs['regressed']).toBe('false');
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(
      /^too little test data to judge \(fail-on-inconclusive: true, min-detectable-drop: 10 pp\)/,
    );
    expect(run.errors[0]).toMatch(new RegExp(`${MATH}: inconclusive: ${SMALL.source}`));

    const report = await readReport(run.outputs['report']!);
    const math = report.prompts.find((p) => p.path === MATH)!;
    // The harm the small split hid: every test example the base got right, the head gets wrong.
    expect(math.base!.splits.test).toMatchObject({ total: 3, correct: 3 });
    expect(math.head!.splits.test).toMatchObject({ total: 3, correct: 0 });
    expect(math.delta.test).toMatchObject({ n: 3, pp: -100, lost: 3, gained: 0, detectableDropPp: null });
    expect(math.delta.test!.pValue).toBeCloseTo(0.25, 12);
    // One method: the interval of Δ includes 0 beside p = 0.25.
    expect(math.delta.test!.interval![0]).toBeLessThan(0);
    expect(math.delta.test!.interval![1]).toBeGreaterThanOrEqual(0);
    expect(math).toMatchObject({ verdictKind: 'inconclusive', regressed: false });

    const [comment, ...others] = summaries(w);
    expect(others).toEqual([]);
    expect(comment!.body).toContain(
      '⚠️ **inconclusive**: 1 prompt with too little test data to detect a 10 pp drop',
    );
    expect(comment!.body).toMatch(new RegExp(`⚠️ inconclusive: ${SMALL.source}`));
    expect(comment!.body).toMatch(
      /\| test \| 3 \| 100\.0 % → 0\.0 % \| -100\.0 \[.*\] \| 0\.25 \| ⚠️ inconclusive \|/,
    );
    expect(comment!.body).not.toMatch(/✅|no significant change/);
    expect(run.summary).toMatch(SMALL);

    const allowed = await runAction(w, { inputs: { optimize: 'false', 'fail-on-inconclusive': 'false' } });
    expect(allowed.code, allowed.stdout + allowed.stderr).toBe(0);
    expect(allowed.errors).toEqual([]);
    expect(
      allowed.warnings.filter((m) => /inconclusive, not failing the check/.test(m) && SMALL.test(m)),
    ).toHaveLength(1);
    const updated = summaries(w);
    expect(updated).toHaveLength(1);
    expect(updated[0]!.body).toContain('⚠️ **inconclusive**');
    expect(updated[0]!.body).toContain('not failing the check');
    expect(updated[0]!.body).not.toContain('✅');
    expect(w.fake.violations).toEqual([]);
  }, 150_000);

  it('rejects a fail-on-inconclusive that is not a boolean before any model call', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, { edits: { [MATH]: regress(await mathPrompt()) } });
    const run = await runAction(w, { inputs: { 'fail-on-inconclusive': 'sometimes' } });
    expect(run.code).toBe(1);
    expect(run.errors).toEqual(['input fail-on-inconclusive: expected true or false, got "sometimes"']);
    expect(w.sim.stats().total).toBe(0);
    expect(w.fake.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  }, 60_000);
});
