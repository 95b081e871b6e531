// Every model call failing: the evaluation reports only errors, and the review says evaluation could not
// run instead of claiming a regression or an improvement.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { evalTask } from '../../src/eval/task-run.js';
import { FAULT_KINDS, isContentFault } from '../../src/tools/simulator/sim-faults.js';
import { keyFromConfig } from '../../src/tools/simulator/sim-keys.js';
import { startSimulator } from '../../src/tools/simulator/simulator.js';
import { ReviewJsonSchema } from '../../src/render/json-report.js';
import { ROOT, reviewArgs, runCli } from '../helpers/cli.js';
import { TempRepo } from '../helpers/git-repo.js';
import { closeAll, faultClient, faultySimulator, gsmTask, TASK_MODEL } from './helpers.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.remove());
afterAll(closeAll);

describe('every model call failing', () => {
  it('the evaluator reports every example as an error and no accuracy', async () => {
    // Hangs cost a timeout per attempt; they are covered one by one in simulator-faults.test.ts. Content
    // faults (cut off, refused, …) bring an answer, which counts as wrong (eval-faults.test.ts).
    const kinds = FAULT_KINDS.filter((k) => k !== 'hang' && !isContentFault(k));
    const sim = await faultySimulator({ rate: 1, seed: 1, kinds, retryAfterMs: 5 });
    const client = faultClient(sim, { maxRetries: 1 });
    const report = await evalTask(gsmTask('Think step by step.'), {
      client,
      model: TASK_MODEL,
      which: 'all',
      rootDir: ROOT,
      simulated: () => client.simulated(),
    });
    expect(report.examples.length).toBe(40);
    expect(report.examples.filter((e) => e.verdict !== 'error')).toEqual([]);
    for (const e of report.examples) expect(e.error).toBeTruthy();
    for (const split of [report.splits.dev!, report.splits.test!]) {
      expect(split.errors).toBe(split.total);
      expect(split.correct).toBe(0);
      expect(split.accuracy).toBeNull();
      expect(split.interval).toBeNull();
    }
    expect(sim.stats().total).toBe(0);
  }, 20_000);

  describe('lpo review', () => {
    let res: Awaited<ReturnType<typeof runCli>>;
    let markdown: string;
    let reportText: string;
    let calls: number;

    beforeAll(async () => {
      const sim = await startSimulator({
        answerKey: await keyFromConfig('.github/lpo.yml', path.join(ROOT, 'examples')),
        seed: 1,
        // Kinds the CLI's production retries (4, with backoff) get through quickly; no content kinds,
        // which bring answers (counted wrong), not failed calls.
        faults: { rate: 1, seed: 1, kinds: ['rate-limit', 'non-json'], retryAfterMs: 5 },
      });
      try {
        repo = new TempRepo();
        const base = repo.git('rev-parse', 'HEAD');
        // A change that would be a clear regression if the model answered.
        repo.edit('prompts/math.txt', 'Work through it step by step', 'Guess the answer quickly');
        const head = repo.commit('worse prompt');
        const out = path.join(repo.dir, 'review.md');
        const json = path.join(repo.dir, 'report.json');
        res = await runCli(reviewArgs({ repo: repo.dir, base, head, out, json, baseUrl: sim.url }));
        markdown = await readFile(out, 'utf8');
        reportText = await readFile(json, 'utf8');
        calls = sim.stats().total;
      } finally {
        await sim.close();
        repo?.remove();
        repo = undefined;
      }
    }, 40_000);

    it('writes a comment saying evaluation could not run, and claims neither regression nor improvement', () => {
      expect(res.stderr).not.toMatch(/bug|\.ts:\d+/);
      expect(calls).toBe(0);
      const report = ReviewJsonSchema.parse(JSON.parse(reportText));
      expect(report.regressed).toBe(false);
      expect(report.prompts).toHaveLength(1);
      const prompt = report.prompts[0]!;
      expect(prompt.regressed).toBe(false);
      expect(prompt.error).toMatch(/^evaluation could not run: all \d+ model calls failed \(/);
      expect(markdown.startsWith('<!-- lpo-review:summary -->')).toBe(true);
      expect(markdown).toContain('**evaluation could not run**');
      expect(markdown).toMatch(/^\| prompts\/math\.txt \| — \| — \| ⚠️ could not evaluate \| — \|$/m);
      expect(markdown).toMatch(
        /<summary>⚠️ prompts\/math\.txt — could not evaluate<\/summary>[\s\S]*could not be evaluated: evaluation could not run/,
      );
      expect(markdown).not.toMatch(/regress|improve/i);
    });

    // Fails today: `lpo review` exits 0 and prints no error when nothing could be evaluated (see the report).
    it('ends with a one-line error and an exit code distinct from a regression (3)', () => {
      expect(res.stderr).toMatch(/^error: evaluation could not run for prompts\/math\.txt: .+$/m);
      expect(res.code).toBe(3);
    });
  });
});
