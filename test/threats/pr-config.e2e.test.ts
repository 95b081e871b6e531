// Attacks by the pull request on its own test, through the bundled Action: the PR rewrites the
// config's scorer to pass everything, points its dataset at a file outside the workspace through a
// committed symlink, or commits the prompt itself as such a symlink. The base commit's config and
// datasets, read from git objects, define the test; a symlink is refused, never followed.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { MATH, mathPrompt, PR, removeActionCopy, runAction } from '../action/harness.js';
import { readReport, regress, summaries, world } from '../action/scenarios.js';
import { startModelProxy } from '../hostile/model-proxy.js';

const CONFIG = '.github/lpo.yml';
const SECRET_ROW = 'OUTSIDE-ROW-7f3a';
const SECRET_PROMPT = 'OUTSIDE-PROMPT-91c2';
let outside: string;

beforeAll(async () => {
  outside = await mkdtemp(path.join(tmpdir(), 'lpo-outside-'));
  const rows = Array.from({ length: 8 }, (_, i) =>
    JSON.stringify({ question: `${SECRET_ROW} ${i}`, answer: '#### 1' }),
  );
  await writeFile(path.join(outside, 'rows.jsonl'), `${rows.join('\n')}\n`);
  await writeFile(path.join(outside, 'prompt.txt'), `${SECRET_PROMPT}: answer with a number.\n`);
});
afterAll(async () => {
  await removeActionCopy();
  await rm(outside, { recursive: true, force: true });
});

async function examplesConfig(): Promise<string> {
  return readFile(path.resolve(import.meta.dirname, '../../examples', CONFIG), 'utf8');
}

/** Everything a run shows or sends: posted bodies, the job summary, logs. */
const shown = (
  w: Awaited<ReturnType<typeof world>>,
  run: { summary: string; stdout: string; stderr: string },
) => [...w.fake.issueComments(PR).map((c) => c.body), run.summary, run.stdout, run.stderr].join('\n');

describe.concurrent('a pull request cannot rewrite the test that judges it', () => {
  it('a scorer the PR loosens to pass everything is not used: the regression still fails the check', async (ctx) => {
    const { expect } = ctx;
    const config = (await examplesConfig()).replace(
      'scorer: numeric',
      'scorer: { type: regex, pattern: "." }',
    );
    const w = await world(ctx, { edits: { [MATH]: regress(await mathPrompt()), [CONFIG]: config } });
    const run = await runAction(w, { inputs: { optimize: 'false' } });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.outputs['regressed']).toBe('true');
    expect(run.errors.join('\n')).toMatch(/regression/);
    const report = await readReport(run.outputs['report']!);
    expect(report.configOrigin).toBe('base');
    const math = report.prompts.find((p) => p.path === MATH)!;
    expect(math.testChanges).toEqual([expect.stringMatching(/^scorer: \{"type":"numeric"\} → .*regex/)]);
    expect(summaries(w)[0]!.body).toMatch(
      /this PR changes its test \(scorer: .*the gate used the base commit's/,
    );

    // The owner may trust the PR's config: then the loosened scorer is what judges.
    const trusted = await runAction(w, {
      inputs: { optimize: 'false', 'trust-pr-config': 'true', 'fail-on-inconclusive': 'false' },
    });
    expect(trusted.code, trusted.stdout + trusted.stderr).toBe(0);
    expect((await readReport(trusted.outputs['report']!)).configOrigin).toBe('head-trusted');
  }, 120_000);

  it('a dataset the PR makes a symlink to a file outside the workspace is never read', async (ctx) => {
    const { expect } = ctx;
    const config = (await examplesConfig()).replace('data/gsm8k.jsonl', 'data/evil.jsonl');
    const w = await world(ctx, {
      edits: { [CONFIG]: config, 'data/evil.jsonl': { symlink: path.join(outside, 'rows.jsonl') } },
    });
    const proxy = await startModelProxy(w.sim.url);
    ctx.onTestFinished(() => proxy.close());
    const run = await runAction(w, {
      inputs: { optimize: 'false', 'base-url': proxy.url, 'fail-on-inconclusive': 'false' },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(proxy.requests.length).toBeGreaterThan(0);
    expect(proxy.requests.map((r) => r.body).join('\n')).not.toContain(SECRET_ROW);
    expect(shown(w, run)).not.toContain(SECRET_ROW);
    const math = (await readReport(run.outputs['report']!)).prompts.find((p) => p.path === MATH)!;
    expect(math.testChanges?.join('\n')).toMatch(/dataset: data\/gsm8k\.jsonl → data\/evil\.jsonl/);
  }, 120_000);

  it('a prompt committed as a symlink is refused in one line naming it, before any model call', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, {
      edits: { 'prompts/leak.txt': { symlink: path.join(outside, 'prompt.txt') } },
    });
    const proxy = await startModelProxy(w.sim.url);
    ctx.onTestFinished(() => proxy.close());
    const run = await runAction(w, { inputs: { optimize: 'false', 'base-url': proxy.url } });
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      expect.stringMatching(/^prompts\/leak\.txt: a symlink at [0-9a-f]{7}; .*regular files/),
    ]);
    expect(proxy.requests).toEqual([]);
    expect(shown(w, run)).not.toContain(SECRET_PROMPT);
    expect(w.fake.issueComments(PR)).toEqual([]);
  }, 120_000);
});
