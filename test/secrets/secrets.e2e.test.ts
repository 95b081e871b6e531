// A full run with a distinctive API key, then a grep of everything the run left behind: logs, step
// summary, outputs, the JSON report, the review, the response cache (names and contents), what GitHub
// received and what the model endpoint received. The key may appear only in the runner's mask
// command and in the Authorization header sent to the model endpoint.
import { createServer } from 'node:http';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, type ExpectStatic, it } from 'vitest';
import { keyFromConfig } from '../../src/tools/simulator/sim-keys.js';
import { startSimulator } from '../../src/tools/simulator/simulator.js';
import { MATH, mathPrompt, PR, removeActionCopy, runAction } from '../action/harness.js';
import { QUICK_LPO, regress } from '../action/scenarios.js';
import { runCli } from '../helpers/cli.js';
import { TempRepo } from '../helpers/git-repo.js';
import { type ModelProxy, startModelProxy } from '../hostile/model-proxy.js';
import { proxiedWorld } from '../hostile/world.js';
import { scanTree } from './scan.js';

afterAll(removeActionCopy);

const KEY = 'sk-test-LPO-SECRET-7f3a9c';

/** The key only as the model endpoint's bearer token; in no other header, in no body. */
function checkModelRequests(expect: ExpectStatic, proxy: ModelProxy): void {
  expect(proxy.requests.length).toBeGreaterThan(0);
  for (const r of proxy.requests) {
    expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
    const others = Object.entries(r.headers).filter(([name]) => name !== 'authorization');
    expect(JSON.stringify(others), `${r.method} ${r.path}`).not.toContain(KEY);
    expect(r.path).not.toContain(KEY);
    expect(r.body).not.toContain(KEY);
  }
}

describe.concurrent('the API key never leaks', () => {
  it('the Action masks it first and it is nowhere in what the run leaves', async (ctx) => {
    const { expect } = ctx;
    const w = await proxiedWorld(ctx, { edits: { [MATH]: regress(await mathPrompt()) } });
    const run = await runAction(w, { inputs: { ...QUICK_LPO, 'api-key': KEY } });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    // Registered with the runner before any other output, and printed nowhere else.
    expect(run.stdout.split('\n')[0]).toBe(`::add-mask::${KEY}`);
    expect(run.stdout.split(KEY)).toHaveLength(2);
    expect(run.stderr).not.toContain(KEY);
    for (const text of [run.summary, JSON.stringify(run.outputs)]) expect(text).not.toContain(KEY);
    expect(await readFile(run.outputs['report']!, 'utf8')).not.toContain(KEY);

    // RUNNER_TEMP (event, outputs, summary, report, HOME, the response cache) and the workspace.
    for (const dir of [...w.temps, w.repo.workspace]) {
      const scan = await scanTree(dir, KEY);
      expect(scan.files).toBeGreaterThan(0);
      expect(scan.leaks, dir).toEqual([]);
    }
    const cache = path.join(w.temps[0]!, 'lpo-cache');
    expect((await readdir(cache)).length).toBeGreaterThan(0);

    // What GitHub received and keeps: the comment, the review and its inline suggestions.
    const posted = [w.fake.issueComments(PR), w.fake.reviews(PR), w.fake.reviewComments(PR)];
    expect(posted.every((list) => list.length > 0)).toBe(true);
    expect(JSON.stringify(posted)).not.toContain(KEY);
    expect(JSON.stringify(w.fake.requests)).not.toContain(KEY);
    checkModelRequests(expect, w.proxy);
  }, 180_000);

  it('lpo review and lpo eval --json keep it out of their output, reports and cache', async (ctx) => {
    const { expect, onTestFinished } = ctx;
    const repo = new TempRepo();
    onTestFinished(() => repo.remove());
    const base = repo.git('rev-parse', 'HEAD');
    repo.edit(MATH, 'Work through it step by step', 'Guess the answer quickly');
    const head = repo.commit('worse prompt');
    const sim = await startSimulator({
      answerKey: await keyFromConfig('.github/lpo.yml', repo.dir),
      seed: 2,
    });
    const proxy = await startModelProxy(sim.url);
    onTestFinished(async () => {
      await proxy.close();
      await sim.close();
    });
    const outDir = `${repo.dir}-out`;
    onTestFinished(() => rm(outDir, { recursive: true, force: true }));
    const endpoint = ['--base-url', proxy.url, '--api-key', KEY, '--cache-dir', '.lpo-cache'];
    const review = await runCli(
      [
        'review',
        ...['--repo', repo.dir, '--base', base, '--head', head],
        ...['--out', `${outDir}/review.md`, '--json', `${outDir}/review.json`],
        ...['--steps', '1', '--beam', '2', '--candidates', '2'],
        ...endpoint,
      ],
      { cwd: repo.dir },
    );
    expect(review.code, review.stderr).toBe(1);
    const evaluated = await runCli(['eval', '--json', `${outDir}/eval.json`, ...endpoint], { cwd: repo.dir });
    expect(evaluated.code, evaluated.stderr).toBe(0);
    for (const res of [review, evaluated]) {
      expect(res.stdout).not.toContain(KEY);
      expect(res.stderr).not.toContain(KEY);
    }
    const out = await scanTree(outDir, KEY);
    expect(out.files).toBe(3);
    expect(out.leaks).toEqual([]);
    // The repository, with the response cache both commands wrote.
    expect((await readdir(path.join(repo.dir, '.lpo-cache'))).length).toBeGreaterThan(0);
    const tree = await scanTree(repo.dir, KEY);
    expect(tree.leaks).toEqual([]);
    checkModelRequests(expect, proxy);
  }, 180_000);

  it('an endpoint that echoes the key in its error message does not get it into the output', async (ctx) => {
    const { expect, onTestFinished } = ctx;
    // Like a misconfigured gateway: 401 with the whole bearer token in the message.
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: {
              message: `Incorrect API key provided: ${token}`,
              type: 'invalid_request_error',
              code: 'invalid_api_key',
            },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as { port: number };
    const repo = new TempRepo();
    onTestFinished(() => repo.remove());
    const json = `${repo.dir}-eval.json`;
    onTestFinished(() => rm(json, { force: true }));
    const res = await runCli(
      [
        'eval',
        'prompts/math.txt',
        '--json',
        json,
        '--base-url',
        `http://127.0.0.1:${port}/v1`,
        '--api-key',
        KEY,
      ],
      { cwd: repo.dir },
    );
    expect(res.stdout).toMatch(/HTTP 401/);
    // Every call failed: no accuracy exists, so the command says so and exits 3, not 0.
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/^error: evaluation could not run for prompts\/math\.txt: .*HTTP 401/m);
    expect(res.stdout + res.stderr).not.toContain(KEY);
    expect(await readFile(json, 'utf8')).not.toContain(KEY);
    expect((await scanTree(repo.dir, KEY)).leaks).toEqual([]);
  }, 90_000);

  it('a fork PR, which gets no secrets, is skipped: no model call, nothing posted', async (ctx) => {
    const { expect } = ctx;
    const w = await proxiedWorld(ctx, { edits: { [MATH]: regress(await mathPrompt()) } });
    const event = w.fake.event(PR, 'opened');
    const pr = event['pull_request'] as { head: { repo: Record<string, unknown> } };
    pr.head.repo = { ...pr.head.repo, full_name: 'forker/prompts', fork: true };
    const run = await runAction(w, {
      event,
      inputs: { 'api-key': '', 'base-url': 'https://api.openai.com/v1' },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.notices.join('\n')).toMatch(/fork/);
    expect(run.commands.some((c) => c.command === 'add-mask')).toBe(false);
    expect(w.proxy.requests).toEqual([]);
    expect(w.fake.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  }, 90_000);
});
