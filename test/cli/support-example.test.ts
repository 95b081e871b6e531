// examples/support as a user runs it: the built CLI from a folder outside the project, absolute
// paths, against `lpo simulate --scenario support` started the same way.
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryFor, loadConfig } from '../../src/config/load.js';
import { buildTask } from '../../src/config/task.js';
import type { EvalTask, Example } from '../../src/core/types.js';
import { loadSplits } from '../../src/dataset/examples.js';
import { EvalReportSchema } from '../../src/eval/report.js';
import { judgeRequest, parseJudgeText } from '../../src/eval/judge.js';
import { pairwiseMessage, parseVerdictText } from '../../src/eval/pairwise.js';
import { agreement } from '../../src/eval/agreement.js';
import { ROOT, run, type Server, startServer, userEnv } from '../package/process.js';

const REPO = path.join(ROOT, 'examples', 'support');
const CONFIG = path.join(REPO, '.github', 'lpo.yml');
const CLI = path.join(ROOT, 'dist', 'cli', 'index.js');
const BETTER_LINES =
  'Start by apologising for the trouble, refer to the details the customer gave, and end with the ' +
  'next step the customer should take.';

let tmp: string;
let task: EvalTask;
let examples: Example[];
let splits: { dev: Example[]; test: Example[] };
const servers: Server[] = [];

const lpo = (args: string[]) => run(process.execPath, [CLI, ...args], { cwd: tmp, env: userEnv() });
async function simulate(flags: string[]): Promise<Server> {
  const args = [CLI, 'simulate', '--config', CONFIG, '--scenario', 'support', ...flags];
  const server = await startServer(process.execPath, args, { cwd: tmp });
  servers.push(server);
  return server;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lpo-support-'));
  const config = await loadConfig(CONFIG, REPO);
  const promptText = await readFile(path.join(REPO, 'prompts', 'reply.txt'), 'utf8');
  const entry = entryFor(config, 'prompts/reply.txt');
  task = buildTask({ promptPath: 'prompts/reply.txt', promptText, entry, rootDir: REPO });
  const map = {
    input: task.input,
    target: task.target,
    ...(task.calibration ? { labelled: task.calibration } : {}),
  };
  splits = await loadSplits(task.datasetPath!, map, task.split);
  examples = [...splits.dev, ...splits.test];
});
afterAll(async () => {
  for (const server of servers) await server.stop();
});

describe('the example repository', () => {
  it('loads as a judged, pairwise, calibrated prompt with enough rows in each split', () => {
    expect(task.scorer).toMatchObject({ type: 'judge', reference: 'reference', scale: 'pass-fail' });
    expect(task).toMatchObject({
      compare: 'pairwise',
      calibration: { label: 'human', output: 'sample_reply' },
    });
    expect(splits.dev.length).toBeGreaterThanOrEqual(40);
    expect(splits.test.length).toBeGreaterThanOrEqual(40);
    const labels = examples.flatMap((e) => (e.labelled ? [e.labelled.label] : []));
    expect(labels.length).toBeGreaterThanOrEqual(30);
    expect(new Set(labels)).toEqual(new Set(['pass', 'fail']));
  });
});

describe('lpo eval on examples/support against lpo simulate --scenario support', () => {
  async function evalCopy(name: string, extra: string | null, url: string) {
    const repo = path.join(tmp, name);
    await cp(REPO, repo, { recursive: true });
    const prompt = path.join(repo, 'prompts', 'reply.txt');
    if (extra !== null) {
      const weak = await readFile(prompt, 'utf8');
      await writeFile(prompt, `${weak.replace('Keep it short.', '')}${extra}\n`);
    }
    const json = path.join(tmp, `${name}.json`);
    const args = ['eval', '--config', path.join(repo, '.github', 'lpo.yml'), '--json', json];
    const res = await lpo([...args, '--base-url', url, '--task-model', 'sim', '--no-cache']);
    expect(res.code, res.stderr).toBe(0);
    return EvalReportSchema.parse(JSON.parse(await readFile(json, 'utf8')));
  }

  it('gives a judge accuracy strictly between 0 and 1, higher for the better prompt, from replies', async () => {
    const sim = await simulate([]);
    const weak = await evalCopy('weak', null, sim.url);
    const better = await evalCopy('better', BETTER_LINES, sim.url);
    const all = (r: typeof weak) => {
      const accuracy = r.splits.all?.accuracy;
      if (accuracy === null || accuracy === undefined) throw new Error('no accuracy on all');
      return accuracy;
    };
    for (const report of [weak, better]) {
      expect(report.simulated).toBe(true);
      expect(all(report)).toBeGreaterThan(0);
      expect(all(report)).toBeLessThan(1);
      expect(report.examples.length).toBe(examples.length);
      for (const e of report.examples) expect(e.output).not.toMatch(/the answer is/i);
    }
    expect(all(better)).toBeGreaterThan(all(weak));
    // The judge's reasons name the missing rubric points of the failed replies.
    const reasons = weak.examples.filter((e) => e.verdict === 'wrong').map((e) => e.judge?.reason ?? '');
    expect(reasons.some((r) => r.includes('"sorry"'))).toBe(true);
  });

  it("shows the judge's agreement with the people who labelled the stored replies", async () => {
    const sim = await simulate([]);
    const report = await evalCopy('agreement', null, sim.url);
    const labelled = examples.filter((e) => e.labelled);
    expect(report.judge).toMatchObject({ labelled: labelled.length, n: labelled.length, trust: 'trusted' });
    // The same κ from the judge's requests, as the simulator answers them, against the labels.
    if (task.scorer.type !== 'judge') throw new Error('judged');
    const spec = task.scorer;
    const client = new OpenAI({ baseURL: sim.url, apiKey: 'x' });
    const graded = await Promise.all(
      labelled.map(async (e) => {
        const shown = { input: e.fields.ticket!, output: e.labelled!.output, reference: e.target };
        const { messages, temperature } = judgeRequest(spec, shown, 'sim', false);
        const reply = await client.chat.completions.create({ model: 'sim', messages, temperature });
        return parseJudgeText('pass-fail', reply.choices[0]!.message.content ?? '')?.pass ? 'pass' : 'fail';
      }),
    );
    const truth = agreement(
      graded,
      labelled.map((e) => e.labelled!.label),
    );
    expect(report.judge!.kappa).toBeCloseTo(truth.kappa!, 10);
    expect(report.judge!.accuracy).toBeCloseTo(truth.accuracy!, 10);
  });
});

describe('lpo optimize on examples/support against the judge', () => {
  it('finds a prompt the judge passes more often, on validation and on test', async () => {
    const sim = await simulate([]);
    const repo = path.join(tmp, 'optimize');
    await cp(REPO, repo, { recursive: true });
    const json = path.join(tmp, 'optimize.json');
    const args = ['optimize', '--config', path.join(repo, '.github', 'lpo.yml'), '--json', json, '--write'];
    const res = await lpo([...args, '--base-url', sim.url, '--task-model', 'sim', '--no-cache']);
    expect(res.code, res.stderr).toBe(0);
    type Scores = { prompt: string; validation: number; test: number };
    const result = JSON.parse(await readFile(json, 'utf8')) as {
      improved: boolean;
      head: Scores;
      best: Scores;
    };
    expect(result.improved).toBe(true);
    expect(result.best.validation).toBeGreaterThan(result.head.validation);
    expect(result.best.test).toBeGreaterThan(result.head.test);
    // --write put the suggestion in the copy's prompt file.
    expect(await readFile(path.join(repo, 'prompts', 'reply.txt'), 'utf8')).toBe(result.best.prompt);
    expect(result.best.prompt).not.toBe(result.head.prompt);
  });
});

describe('lpo simulate judge flags', () => {
  const rubric = () => (task.scorer.type === 'judge' ? task.scorer.rubric : '');
  const openai = (server: Server) => new OpenAI({ baseURL: server.url, apiKey: 'x', maxRetries: 0 });

  /** Share of pairs of two identical replies where the judge picks one (only position bias can). */
  async function firstWins(server: Server): Promise<number> {
    const client = openai(server);
    const winners = await Promise.all(
      examples.map(async (e) => {
        const content = pairwiseMessage(rubric(), e.fields.ticket!, e.target, e.target, false);
        const reply = await client.chat.completions.create({
          model: 'sim',
          temperature: 0,
          messages: [{ role: 'user', content }],
        });
        return parseVerdictText(reply.choices[0]!.message.content ?? '')?.winner;
      }),
    );
    expect(winners.every((w) => w === 'A' || w === 'tie')).toBe(true);
    return winners.filter((w) => w === 'A').length / winners.length;
  }

  /** Share of reference replies (which meet the rubric) the judge fails. */
  async function failedReferences(server: Server): Promise<number> {
    const client = openai(server);
    if (task.scorer.type !== 'judge') throw new Error('judged');
    const spec = task.scorer;
    const grades = await Promise.all(
      examples.map(async (e) => {
        const shown = { input: e.fields.ticket!, output: e.target, reference: e.target };
        const request = judgeRequest(spec, shown, 'sim', false);
        const { messages, temperature } = request;
        const reply = await client.chat.completions.create({ model: 'sim', messages, temperature });
        return parseJudgeText('pass-fail', reply.choices[0]!.message.content ?? '')?.pass;
      }),
    );
    return grades.filter((pass) => pass === false).length / grades.length;
  }

  it('--position-bias and --judge-disagreement change what the judge says', async () => {
    const fair = await simulate(['--position-bias', '0', '--judge-disagreement', '0']);
    const biased = await simulate(['--position-bias', '0.3', '--judge-disagreement', '0.3']);
    expect(await firstWins(fair)).toBe(0);
    expect(await failedReferences(fair)).toBe(0);
    const bias = await firstWins(biased);
    const disagreement = await failedReferences(biased);
    // A seeded share of 0.3 over the example's tickets: well away from 0 and from 1.
    expect(bias).toBeGreaterThan(0.15);
    expect(bias).toBeLessThan(0.45);
    expect(disagreement).toBeGreaterThan(0.15);
    expect(disagreement).toBeLessThan(0.45);
  });

  it.each([
    [['--position-bias', '1.5'], 'error: simulator: --position-bias expects a number from 0 to 1, got 1.5'],
    [
      ['--judge-disagreement', 'often'],
      'error: simulator: --judge-disagreement expects a number from 0 to 1, got often',
    ],
    [
      ['--scenario', 'medical'],
      'error: simulator: --scenario: unknown scenario "medical"; expected default, support',
    ],
  ])('%j is a one-line error', async (flags, line) => {
    const res = await lpo(['simulate', ...flags]);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr.trimEnd().split('\n')).toEqual([line]);
  });

  it('--help documents the flags', async () => {
    const res = await lpo(['simulate', '--help']);
    for (const flag of ['--scenario', '--judge-disagreement', '--position-bias']) {
      expect(res.stdout).toMatch(new RegExp(`^  ${flag} <`, 'm'));
    }
  });
});

describe("the README's figures for examples/support", () => {
  it('are what lpo review and lpo optimize print today', async () => {
    const sim = await simulate([]);
    const repo = path.join(tmp, 'readme-review');
    await cp(REPO, repo, { recursive: true });
    const git = (...args: string[]) =>
      run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: repo,
        env: userEnv(),
      });
    const prompt = path.join(repo, 'prompts', 'reply.txt');
    const weak = await readFile(prompt, 'utf8');
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git('commit', '-qm', 'base');
    await writeFile(prompt, weak.replace('Keep it short.', README_EDIT));
    await git('commit', '-qam', 'head');
    const endpoint = ['--base-url', sim.url, '--task-model', 'sim', '--no-cache'];
    const json = path.join(tmp, 'readme-review.json');
    const reviewed = await lpo([
      'review',
      '--repo',
      repo,
      '--base',
      'main~1',
      '--head',
      'main',
      '--no-optimize',
      '--json',
      json,
      ...endpoint,
    ]);
    expect(reviewed.code, reviewed.stderr).toBe(0);
    const [p] = (JSON.parse(await readFile(json, 'utf8')) as { prompts: ReviewedPrompt[] }).prompts;
    expect(p!.verdictKind).toBe('improvement');
    await git('checkout', '-q', 'main~1', '--', 'prompts/reply.txt');
    const optimized = path.join(tmp, 'readme-optimize.json');
    const res = await lpo([
      'optimize',
      '--config',
      path.join(repo, '.github', 'lpo.yml'),
      '--json',
      optimized,
      ...endpoint,
    ]);
    expect(res.code, res.stderr).toBe(0);
    const o = JSON.parse(await readFile(optimized, 'utf8')) as {
      head: { test: number };
      best: { test: number };
    };
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
    const said = [
      `κ of ${p!.judge.kappa.toFixed(2)}`,
      `head better on ${p!.pairwise.wins} test pairs and base on ${p!.pairwise.losses === 0 ? 'none' : p!.pairwise.losses}`,
      `from ${pct(o.head.test)} to ${pct(o.best.test)} on test`,
    ];
    const flat = readme.replace(/\s+/g, ' ');
    expect(said.filter((phrase) => !flat.includes(phrase))).toEqual([]);
  });
});

/** The edit the README's PR makes: an apology and a next step in place of "Keep it short.". */
const README_EDIT = 'Apologise for the trouble, and end with the next step the customer can take.';
type ReviewedPrompt = {
  verdictKind: string;
  judge: { kappa: number };
  pairwise: { wins: number; losses: number };
};
