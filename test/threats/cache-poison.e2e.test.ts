// Issue 11: a cache the pull request can write never decides a verdict. The PR controls every file in
// the checkout, and the response cache's keys are computable from the open source, so a PR could
// commit `.lpo-cache/` entries answering every question right (a 57 pp drop passed with 116 cache
// hits), or commit `.lpo-cache` as a symlink and have the run write its cache anywhere.
import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, it, type TestContext } from 'vitest';
import { cacheKey, ResponseCache } from '../../src/llm/cache.js';
import { keyFromConfig } from '../../src/tools/simulator/sim-keys.js';
import { finalAnswer } from '../../src/tools/simulator/sim-model.js';
import { EXAMPLES } from '../action/git-fixture.js';
import { MATH, mathPrompt, removeActionCopy, runAction, type World } from '../action/harness.js';
import { readReport, regress, summaries, TEST_ROW_DROP, world } from '../action/scenarios.js';
import { startModelProxy } from '../hostile/model-proxy.js';

afterAll(removeActionCopy);

const IGNORED = /(\d+) cache entries ignored \(not written by this key\)/;
const NOT_USED = /\.lpo-cache.* in the workspace is not used: the pull request controls every file/;

async function scratch(ctx: TestContext, name: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `lpo-threat-${name}-`));
  ctx.onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Every file under `dir`, relative to it, with its text. */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!name.isFile()) continue;
    const file = path.join(name.parentPath, name.name);
    out[path.relative(dir, file)] = await readFile(file, 'utf8');
  }
  return out;
}

/**
 * What an attacker does: record the requests the Action makes for this PR (through a proxy in front
 * of the model), compute each one's cache key with our own code, and write the right answer under it
 * with the cache's own writer, which needs a key: they do not know the owner's, so they guess one.
 */
async function forgeEntries(ctx: TestContext, w: World, into: string): Promise<number> {
  const proxy = await startModelProxy(w.sim.url);
  ctx.onTestFinished(() => proxy.close());
  const recon = await runAction(w, { inputs: { 'base-url': proxy.url, optimize: 'false' } });
  ctx.expect(recon.code, recon.stdout + recon.stderr).toBe(1);
  const answers = await keyFromConfig('.github/lpo.yml', EXAMPLES);
  const forger = new ResponseCache(into, { apiKey: 'sk-attacker-guess', baseURL: w.sim.url });
  const keys = new Set<string>();
  for (const request of proxy.requests.filter((r) => r.path.endsWith('/chat/completions'))) {
    const body = JSON.parse(request.body);
    const asked = String(body.messages.at(-1).content);
    const row = answers.find((a) => asked.includes(a.input));
    if (!row) continue;
    const { temperature, max_tokens, top_p, seed } = body;
    const key = cacheKey({
      baseURL: w.sim.url,
      model: body.model,
      messages: body.messages,
      params: { temperature, max_tokens, top_p, seed },
      response_format: body.response_format,
    });
    keys.add(key);
    const text = `The answer is ${finalAnswer(row.target)}.`;
    await forger.set(key, { text, finishReason: 'stop', promptTokens: 20, completionTokens: 5 });
  }
  return keys.size;
}

describe.concurrent('a pull request poisoning the response cache', () => {
  it('commits forged .lpo-cache entries for a regressing prompt: never read, the regression stands', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, { edits: { [MATH]: regress(await mathPrompt()) } });
    const forged = await scratch(ctx, 'forged');
    const count = await forgeEntries(ctx, w, forged);
    expect(count).toBeGreaterThan(100);
    const files = await tree(forged);
    await w.push(Object.fromEntries(Object.entries(files).map(([f, text]) => [`.lpo-cache/${f}`, text])));

    const run = await runAction(w, { inputs: { optimize: 'false' } });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.outputs['regressed']).toBe('true');
    expect(run.errors.filter((e) => /regression/.test(e))).toHaveLength(1);
    expect(run.summary).toMatch(TEST_ROW_DROP);
    const report = await readReport(run.outputs['report']!);
    // Not one answer came from the PR's folder, which is left exactly as committed.
    expect(report.usage.cacheHits).toBe(0);
    expect(report.usage.calls).toBeGreaterThanOrEqual(count);
    expect(await tree(path.join(w.repo.workspace, '.lpo-cache'))).toEqual(files);
    expect(run.notices.filter((n) => NOT_USED.test(n))).toHaveLength(1);
    expect(summaries(w)).toHaveLength(1);
  }, 180_000);

  it('finds forged entries in its own cache folder: ignored, counted and said, the regression stands', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, { edits: { [MATH]: regress(await mathPrompt()) } });
    // As if restored from a cache someone else could write: outside the workspace, but not ours.
    const cacheDir = await scratch(ctx, 'restored');
    const count = await forgeEntries(ctx, w, cacheDir);

    const run = await runAction(w, { inputs: { optimize: 'false', 'cache-dir': cacheDir } });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.outputs['regressed']).toBe('true');
    expect(run.summary).toMatch(TEST_ROW_DROP);
    const report = await readReport(run.outputs['report']!);
    expect(report.usage.cacheHits).toBe(0);
    expect(report.usage.cacheIgnored).toBe(count);
    const [comment] = summaries(w);
    expect(comment!.body.match(IGNORED)?.[1]).toBe(String(count));
    expect(run.warnings.filter((m) => IGNORED.test(m) && m.includes(String(count)))).toHaveLength(1);
    // Replaced by the run's own answers: a second run reads them and ignores nothing.
    const again = await runAction(w, { inputs: { optimize: 'false', 'cache-dir': cacheDir } });
    expect(again.code).toBe(1);
    const second = await readReport(again.outputs['report']!);
    expect(second.usage.cacheIgnored).toBe(0);
    expect(second.usage.cacheHits).toBeGreaterThanOrEqual(count);
  }, 180_000);

  it('commits .lpo-cache as a symlink to a folder outside: nothing is written or read there', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, { edits: { [MATH]: regress(await mathPrompt()) } });
    const outside = await scratch(ctx, 'outside');
    await mkdir(path.join(outside, 'keep'));
    await symlink(outside, path.join(w.repo.workspace, '.lpo-cache'));
    await w.push({});

    const run = await runAction(w, { inputs: { optimize: 'false' } });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.outputs['regressed']).toBe('true');
    expect(await readdir(outside, { recursive: true })).toEqual(['keep']);
    expect(run.notices.filter((n) => NOT_USED.test(n) && n.includes('(a symlink)'))).toHaveLength(1);

    // Naming the folder in the workflow does not help the PR either: refused before any model call.
    const calls = w.sim.stats().total;
    const named = await runAction(w, { inputs: { optimize: 'false', 'cache-dir': '.lpo-cache' } });
    expect(named.code).toBe(1);
    expect(named.errors).toHaveLength(1);
    expect(named.errors[0]).toMatch(/^input cache-dir: \.lpo-cache .* overlaps the workspace/);
    expect(w.sim.stats().total).toBe(calls);
    expect(await readdir(outside, { recursive: true })).toEqual(['keep']);
  }, 180_000);
});
