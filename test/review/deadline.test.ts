import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlmClient } from '../../src/llm/client.js';
import { keyFromConfig } from '../../src/tools/simulator/sim-keys.js';
import { type SimulatorHandle, startSimulator } from '../../src/tools/simulator/simulator.js';
import { renderSummary } from '../../src/render/comment.js';
import { ROOT } from '../helpers/cli.js';
import { TempRepo } from '../helpers/git-repo.js';
import { reviewCommits } from './helpers.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({
    answerKey: await keyFromConfig('.github/lpo.yml', path.join(ROOT, 'examples')),
    seed: 1,
  });
});
afterAll(() => sim.close());

describe('runReview with a deadline', () => {
  it('starts nothing once the deadline has passed, and reports the prompts as not evaluated, partial', async () => {
    const repo = new TempRepo();
    try {
      const base = repo.git('rev-parse', 'HEAD');
      repo.edit('prompts/math.txt', 'Work through it step by step', 'Guess the answer quickly');
      const head = repo.commit('worse prompt');
      const client = new LlmClient({ baseURL: sim.url, apiKey: 'x', cacheDir: null });
      const before = sim.stats().total;
      const { report } = await reviewCommits(repo.dir, base, head, {
        client,
        gate: {
          failOn: 'significant-regression',
          minDelta: 2,
          minDetectableDrop: 2,
          alpha: 0.05,
          failOnInconclusive: true,
        },
        optimize: true,
        stopAt: Date.now() - 1,
      });
      expect(sim.stats().total).toBe(before);
      expect(report.partial).toBe(true);
      // Nothing measured, so nothing claimed: no regression although the edit would be one.
      expect(report.regressed).toBe(false);
      expect(report.prompts.map((p) => p.error)).toEqual([
        'not evaluated: the deadline was reached before this prompt started',
      ]);
      const comment = renderSummary(report);
      expect(comment).toContain('**Partial**');
      expect(comment).not.toMatch(/regressed|improvement/);
    } finally {
      repo.remove();
    }
  });
});
