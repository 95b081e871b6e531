import { readFile, rm } from 'node:fs/promises';
import { applyPatch } from 'diff';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keyFromConfig } from '../../src/tools/simulator/sim-keys.js';
import { type SimulatorHandle, startSimulator } from '../../src/tools/simulator/simulator.js';
import { DEFAULT_OPTIONS } from '../../src/optimize/index.js';
import { ReviewJsonSchema } from '../../src/render/json-report.js';
import { ROOT, reviewArgs, runCli } from '../helpers/cli.js';
import { TempRepo } from '../helpers/git-repo.js';

let sim: SimulatorHandle;
let repo: TempRepo;

beforeAll(async () => {
  sim = await startSimulator({
    answerKey: await keyFromConfig('.github/lpo.yml', path.join(ROOT, 'examples')),
    seed: 1,
  });
});
afterAll(() => sim.close());
afterEach(() => repo?.remove());

async function review(base: string, head: string, extra: string[] = []) {
  const out = path.join(repo.dir, '..', `${path.basename(repo.dir)}-review.md`);
  const json = path.join(repo.dir, '..', `${path.basename(repo.dir)}-report.json`);
  const res = await runCli([
    ...reviewArgs({ repo: repo.dir, base, head, out, json, baseUrl: sim.url }),
    ...extra,
  ]);
  const markdown = await readFile(out, 'utf8').catch(() => '');
  const report =
    [0, 1, 4].includes(res.code) && markdown
      ? ReviewJsonSchema.parse(JSON.parse(await readFile(json, 'utf8')))
      : null;
  return { ...res, markdown, report };
}

describe('lpo review on a local repository', () => {
  it('finds a regression, writes the comment and the JSON report, and exits 1', async () => {
    repo = new TempRepo();
    const base = repo.git('rev-parse', 'HEAD');
    repo.edit('prompts/math.txt', 'Work through it step by step', 'Guess the answer quickly');
    repo.write('README.md', 'docs only\n');
    const head = repo.commit('worse prompt');
    const suggestionsDir = `${repo.dir}-suggested`;
    const res = await review(base, head, ['--suggestions-out', suggestionsDir]);
    expect(res.stderr).not.toMatch(/bug/);
    expect(res.code).toBe(1);
    expect(res.markdown.startsWith('<!-- lpo-review:summary -->')).toBe(true);
    expect(res.markdown).toContain('regression');
    expect(res.markdown).toMatch(/\| dev \|/);
    expect(res.markdown).toMatch(/\| test \|/);
    expect(res.markdown).toContain('Simulated');
    const report = res.report!;
    expect(report.regressed).toBe(true);
    // What the run used of the ceilings, as counted where every request passes, and shown on top.
    const { usage } = report;
    expect(report.budget).toEqual({
      requests: usage.calls + usage.failedCalls,
      maxRequests: DEFAULT_OPTIONS.maxCalls,
      tokens: usage.promptTokens + usage.completionTokens,
      maxTokens: null,
    });
    const n = (x: number) => x.toLocaleString('en-US');
    expect(res.markdown).toContain(
      `budget used: ${n(report.budget!.requests)} of ${n(DEFAULT_OPTIONS.maxCalls)} requests (`,
    );
    // Only the prompt: README.md is not a prompt file.
    expect(report.prompts.map((p) => p.path)).toEqual(['prompts/math.txt']);
    const p = report.prompts[0]!;
    expect(p.regressed).toBe(true);
    const baseTest = p.base!.splits.test!;
    const headTest = p.head!.splits.test!;
    expect(baseTest.total).toBe(headTest.total);
    expect(p.delta.test!.pp).toBeCloseTo(
      (headTest.correct / headTest.total - baseTest.correct / baseTest.total) * 100,
      6,
    );
    expect(p.delta.test!.pValue).toBeLessThan(0.05);
    // The suggestion is scored on the same examples, and reported against head.
    expect(p.suggestion?.vsHead.test?.n).toBe(headTest.total);
    // It can be seen before any PR: the whole file under --suggestions-out at its repository path, and
    // in the comment as a diff that turns the head file into it. Nothing claims it was posted.
    expect(p.suggestion!.withheld).toBeUndefined();
    const written = await readFile(path.join(suggestionsDir, 'prompts/math.txt'), 'utf8');
    await rm(suggestionsDir, { recursive: true, force: true });
    expect(written).toBe(p.suggestion!.text);
    expect(res.stderr).toContain(`wrote 1 suggested prompt file under ${suggestionsDir}`);
    const diff = /^```diff\n([\s\S]*?)^```$/m.exec(res.markdown)?.[1];
    expect(applyPatch(repo.read('prompts/math.txt'), diff!)).toBe(written);
    expect(res.markdown).not.toContain('posted as review suggestions');
    expect(res.markdown).toContain(
      `not posted: lpo review posts nothing; the suggested file was written under ${suggestionsDir}.`,
    );
  });

  it('passes an improvement and follows a rename', async () => {
    repo = new TempRepo();
    // Enough unchanged lines that git (like GitHub) still sees a rename after the edit.
    const context =
      'You are a careful tutor for grade-school mathematics.\nRead the question twice.\nUse the numbers given.\nState units where they matter.\n';
    repo.write('prompts/math.txt', `${context}Guess quickly.\n`);
    const base = repo.commit('weak prompt');
    repo.edit('prompts/math.txt', 'Guess quickly', 'Work it out step by step');
    repo.move('prompts/math.txt', 'prompts/arithmetic.txt');
    const head = repo.commit('better prompt, new name');
    const res = await review(base, head, ['--no-optimize']);
    expect(res.code).toBe(0);
    const p = res.report!.prompts[0]!;
    expect(p.path).toBe('prompts/arithmetic.txt');
    expect(p.previousPath).toBe('prompts/math.txt');
    expect(p.status).toBe('renamed');
    expect(p.delta.test!.pp).toBeGreaterThan(0);
    expect(p.verdict).toMatch(/improvement/);
    expect(p.suggestion).toBeUndefined();
  });

  it('re-evaluates the prompts of a changed dataset, notes a deleted prompt, and evaluates a new one head-only', async () => {
    repo = new TempRepo();
    const base = repo.git('rev-parse', 'HEAD');
    repo.write('data/gsm8k.jsonl', `${repo.read('data/gsm8k.jsonl').split('\n').slice(0, 100).join('\n')}\n`);
    repo.git('rm', '-q', 'prompts/boolean.prompt.yml');
    repo.write('prompts/new.txt', 'Answer with the final number. Think step by step.\n');
    const head = repo.commit('data and prompts');
    // The unchanged math prompt shows no change. Asked to detect 2 pp drops, its test split is too
    // small: inconclusive, exit 4, with what the split could detect.
    const strict = await review(base, head, ['--no-optimize', '--min-detectable-drop', '2']);
    expect(strict.code, strict.stderr).toBe(4);
    const said =
      /^error: prompts\/math\.txt: inconclusive: n = (\d+) can only detect drops ≥ ([\d.]+) pp/m.exec(
        strict.stderr,
      );
    const strictTest = strict.report!.prompts.find((p) => p.path === 'prompts/math.txt')!.delta.test!;
    expect(Number(said?.[1])).toBe(strictTest.n);
    expect(Number(said?.[2])).toBeCloseTo(strictTest.detectableDropPp!, 1);
    const allowed = await review(base, head, [
      '--no-optimize',
      '--min-detectable-drop',
      '2',
      '--fail-on-inconclusive',
      'false',
    ]);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stderr).toMatch(/^warning: inconclusive, not failing the check: prompts\/math\.txt/m);
    // By default (10 pp) its 60 test examples decide: no change, exit 0.
    const res = await review(base, head, ['--no-optimize']);
    expect(res.code, res.stderr).toBe(0);
    // The gate used the base commit's 120 rows (60 test examples), not the PR's 100, and says so.
    const math = res.report!.prompts.find((p) => p.path === 'prompts/math.txt')!;
    expect(math.delta.test!.n).toBe(60);
    expect(math.verdictKind).toBe('no-change');
    expect(math.testChanges).toEqual(['dataset data/gsm8k.jsonl: +0 rows, −20 rows']);
    expect(res.markdown).toMatch(
      /prompts\/math\.txt: this PR changes its test \(dataset data\/gsm8k\.jsonl: \+0 rows, −20 rows\); the gate used the base commit's/,
    );
    const byPath = Object.fromEntries(res.report!.prompts.map((p) => [p.path, p]));
    expect(byPath['prompts/math.txt']!.status).toBe('reevaluated');
    expect(byPath['prompts/math.txt']!.reason).toMatch(/dataset data\/gsm8k\.jsonl changed/);
    expect(byPath['prompts/boolean.prompt.yml']!.status).toBe('removed');
    expect(byPath['prompts/boolean.prompt.yml']!.head).toBeNull();
    expect(byPath['prompts/new.txt']!.status).toBe('added');
    expect(byPath['prompts/new.txt']!.base).toBeNull();
    expect(byPath['prompts/new.txt']!.head!.splits.test!.total).toBeGreaterThan(0);
  });

  it('rejects a bad --fail-on before any model call', async () => {
    repo = new TempRepo();
    const before = sim.stats().total;
    const res = await review('HEAD', 'HEAD', ['--fail-on', 'sometimes']);
    expect(res.code).toBe(2);
    expect(res.stderr.trim()).toBe(
      'error: --fail-on: expected significant-regression, regression or never, got "sometimes"',
    );
    expect(sim.stats().total).toBe(before);
  });
});
