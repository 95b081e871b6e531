// Conformance: the CLI as a user runs it (the built bundle, from a folder outside the project, with
// absolute paths) over every dataset in ../shared/data exactly as published. The BIG-Bench Hard files
// are one-line JSON: any row identity that leans on line numbers fails here.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EvalReport, EvalReportSchema } from '../../src/eval/report.js';
import { type SimulatorHandle, startSimulator } from '../../src/tools/simulator/simulator.js';
import { ReviewJsonSchema } from '../../src/render/json-report.js';
import { runBuiltCli } from './bundle.js';
import { HAVE_SHARED_DATA, reformatted, rowCount, type SharedDataset, sharedDatasets } from './datasets.js';

const DATASETS = sharedDatasets();
let sim: SimulatorHandle;
let tmp: string;
let prompt: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 1 });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lpo-conformance-'));
  prompt = path.join(tmp, 'prompt.txt');
  writeFileSync(prompt, 'Answer the question. End with "So the answer is X."\n');
});
afterAll(async () => {
  await sim?.close();
});

/** The fingerprint a report states for a split, recomputed from the ids it lists. */
function fingerprint(ids: string[]): string {
  let sum = 0;
  for (const id of ids) sum = (sum + Number.parseInt(id.slice(0, 12), 16)) % 2 ** 48;
  return sum.toString(16).padStart(12, '0');
}

function checkWhole(report: EvalReport, rows: number): void {
  const split = report.split!;
  const dev = report.examples.filter((e) => e.split === 'dev');
  const test = report.examples.filter((e) => e.split === 'test');
  expect(split.rows).toBe(rows);
  expect(dev.length + test.length).toBe(rows);
  expect([split.dev.n, split.test.n]).toEqual([dev.length, test.length]);
  // Binomial(rows, 1/2) on each side: 5 standard deviations, and never an empty side.
  const slack = 5 * Math.sqrt(rows / 4);
  expect(Math.abs(dev.length - rows / 2)).toBeLessThan(slack);
  expect(dev.length).toBeGreaterThan(0);
  expect(test.length).toBeGreaterThan(0);
  expect(new Set(report.examples.map((e) => e.id)).size).toBe(rows);
  expect(split.dev.fingerprint).toBe(fingerprint(dev.map((e) => e.id)));
  expect(split.test.fingerprint).toBe(fingerprint(test.map((e) => e.id)));
  expect(report.splits.all!.total).toBe(rows);
  expect(report.splits.all!.correct).toBe(report.splits.dev!.correct + report.splits.test!.correct);
}

function standaloneArgs(d: SharedDataset, file: string, json: string): string[] {
  const fields = ['--input', d.input, '--target', d.target, '--scorer', d.scorer];
  return [
    'eval',
    '--prompt',
    prompt,
    '--dataset',
    file,
    ...fields,
    '--base-url',
    sim.url,
    '--no-cache',
  ].concat(['--concurrency', '16', '--json', json]);
}

describe.skipIf(!HAVE_SHARED_DATA)('the real datasets as published, through the built CLI', () => {
  it('finds all 30 files (27 BIG-Bench Hard tasks, GSM8K test and train, MultiArith)', () => {
    expect(DATASETS.filter((d) => d.name.startsWith('bbh/'))).toHaveLength(27);
    expect(DATASETS).toHaveLength(30);
  });

  it.each(DATASETS.map((d) => [d.name, d] as const))(
    '%s: lpo eval scores every row once, in dev or test, with unique ids',
    async (_name, d) => {
      const json = path.join(tmp, `${d.name.replace(/\W/g, '-')}.json`);
      const res = await runBuiltCli(standaloneArgs(d, d.file, json), { cwd: tmp });
      expect(res.stderr).not.toMatch(/error|bug/i);
      expect(res.code).toBe(0);
      const report = EvalReportSchema.parse(JSON.parse(readFileSync(json, 'utf8')));
      checkWhole(report, rowCount(d.file));
      expect(res.stdout).toMatch(/^all\s+\d+/m);
      expect(res.stdout).toContain(`split: dev ${report.split!.dev.n} (50 % of rows, seed 1)`);
      // A row of a one-line file is named by its row as well as its line.
      if (d.file.endsWith('.json')) expect(report.examples.every((e) => e.row !== undefined)).toBe(true);
    },
    60_000,
  );

  it('lpo eval and lpo review put every example of every file in the same split, reformatted or not', async () => {
    const repo = mkdtempSync(path.join(os.tmpdir(), 'lpo-conformance-repo-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo });
    mkdirSync(path.join(repo, 'data'));
    mkdirSync(path.join(repo, 'prompts'));
    mkdirSync(path.join(repo, '.github'));
    const entries: string[] = [];
    const variants = new Map<string, string>(); // prompt path → the dataset it is a variant of
    DATASETS.forEach((d, i) => {
      const ext = path.extname(d.file);
      const entry = (name: string, dataset: string) => {
        writeFileSync(path.join(repo, 'prompts', `${name}.txt`), 'Answer the question.\n');
        entries.push(
          `  - files: prompts/${name}.txt\n    dataset: ${dataset}\n    input: ${d.input}\n    target: ${JSON.stringify(d.target)}\n    scorer: ${d.scorer}\n    split: { max-examples: 20 }`,
        );
      };
      copyFileSync(d.file, path.join(repo, 'data', `d${i}${ext}`)); // byte for byte
      entry(`p${i}`, `data/d${i}${ext}`);
      for (const v of reformatted(d.file)) {
        writeFileSync(path.join(repo, 'data', `d${i}-${v.name}${ext}`), v.text);
        entry(`p${i}-${v.name}`, `data/d${i}-${v.name}${ext}`);
        variants.set(`prompts/p${i}-${v.name}.txt`, `prompts/p${i}.txt`);
      }
    });
    writeFileSync(path.join(repo, '.github', 'lpo.yml'), `prompts:\n${entries.join('\n')}\n`);
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    for (let i = 0; i < DATASETS.length; i++) {
      writeFileSync(path.join(repo, 'prompts', `p${i}.txt`), 'Answer briefly.\n');
    }
    git('commit', '-q', '-am', 'head');

    const evalJson = path.join(tmp, 'eval-set.json');
    const endpoint = ['--base-url', sim.url, '--no-cache', '--concurrency', '16'];
    const evaluated = await runBuiltCli(['eval', '--split', 'dev', '--json', evalJson, ...endpoint], {
      cwd: repo,
    });
    expect(evaluated.stderr).not.toMatch(/error|bug/i);
    expect(evaluated.code).toBe(0);
    const set = JSON.parse(readFileSync(evalJson, 'utf8')) as { reports: unknown[] };
    const reports = new Map(set.reports.map((r) => EvalReportSchema.parse(r)).map((r) => [r.prompt, r]));
    expect(reports.size).toBe(DATASETS.length * 5);

    // Reformatting a file moves no example: same rows, same selection in both splits.
    for (const [variant, original] of variants) {
      expect(reports.get(variant)!.split, variant).toEqual(reports.get(original)!.split);
    }

    const reviewJson = path.join(tmp, 'review.json');
    const reviewArgs = ['review', '--repo', repo, '--base', 'HEAD~1', '--head', 'HEAD', '--json', reviewJson];
    const reviewed = await runBuiltCli(
      [
        ...reviewArgs,
        '--out',
        path.join(tmp, 'review.md'),
        '--no-optimize',
        '--fail-on',
        'never',
        // 30 prompts × 40 examples × base and head: above the default ceiling of 1,000 requests.
        '--max-calls',
        '3000',
        ...endpoint,
      ],
      { cwd: tmp },
    );
    expect(reviewed.stderr).not.toMatch(/error|bug/i);
    expect(reviewed.code).toBe(0);
    const review = ReviewJsonSchema.parse(JSON.parse(readFileSync(reviewJson, 'utf8')));
    expect(review.prompts).toHaveLength(DATASETS.length);
    for (const p of review.prompts) {
      const info = reports.get(p.path)!.split!;
      expect(p.split, p.path).toEqual(info);
      expect([info.dev.n, info.test.n], p.path).toEqual([20, 20]);
    }
  }, 300_000);
});
