// The comment for a prompt scored with `samples: k`: the flaky examples counted from a real run over
// the simulator, and Δ named for what it is (the net share of examples improved).
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../src/eval/compare.js';
import { evaluate } from '../../src/eval/run.js';
import { renderSummary } from '../../src/render/comment.js';
import { gsmSplits, simulated, textTask } from '../optimize/helpers.js';
import { prompt, report } from './fixtures.js';

async function splitsFor(samples?: number) {
  const { sim, client } = await simulated();
  try {
    const { test } = gsmSplits(0, 20);
    const task = (p: string) => ({
      ...textTask(p),
      params: { temperature: 0.8 },
      ...(samples ? { samples } : {}),
    });
    const base = await evaluate(task('Solve it.'), { test }, { client, model: 'simulated-model' });
    const head = await evaluate(
      task('Solve it step by step.'),
      { test },
      { client, model: 'simulated-model' },
    );
    return compareRuns(base, head);
  } finally {
    await sim.close();
  }
}

describe('a review of a prompt scored by samples', () => {
  it('says how many examples gave different answers, per side, and what Δ means', async () => {
    const splits = await splitsFor(5);
    const md = renderSummary(report([prompt({ splits })], { simulated: true }));
    const { base, head } = splits[0]!;
    expect(base!.flaky).toBeGreaterThan(0);
    expect(md).toContain(`base test: ${base!.flaky} of 20 examples gave different answers across 5 samples`);
    expect(md).toContain(`head test: ${head!.flaky} of 20 examples gave different answers across 5 samples`);
    expect(md).toContain('Δ is the net share of examples whose mean score over the samples rose');
  });

  it('says nothing of samples for a prompt asked once per example', async () => {
    const md = renderSummary(report([prompt({ splits: await splitsFor() })], { simulated: true }));
    expect(md).not.toContain('gave different answers');
    expect(md).not.toContain('net share');
  });
});
