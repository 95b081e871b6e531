import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvalReportSchema } from '../../src/eval/report.js';
import { keyFromConfig } from '../../src/tools/simulator/sim-keys.js';
import { type SimulatorHandle, startSimulator } from '../../src/tools/simulator/simulator.js';
import { ROOT, runCli } from '../helpers/cli.js';

const EXAMPLES = path.join(ROOT, 'examples');
let sim: SimulatorHandle;
let tmp: string;

beforeAll(async () => {
  sim = await startSimulator({ answerKey: await keyFromConfig('.github/lpo.yml', EXAMPLES), seed: 1 });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lpo-cli-'));
});
afterAll(async () => {
  await sim.close();
});

const standalone = (extra: string[] = []) => [
  'eval',
  '--prompt',
  path.join(EXAMPLES, 'prompts', 'math.txt'),
  '--dataset',
  path.join(EXAMPLES, 'data', 'gsm8k.jsonl'),
  '--input',
  'question',
  '--target',
  'answer',
  '--template',
  '{{prompt}}\\n\\nQuestion: {{question}}\\nAnswer:',
  '--scorer',
  'numeric',
  '--base-url',
  sim.url,
  '--task-model',
  'sim',
  '--concurrency',
  '4',
  '--no-cache',
  ...extra,
];

describe('lpo eval with standalone flags', () => {
  it('prints a table per split and writes the versioned JSON report', async () => {
    const json = path.join(tmp, 'report.json');
    const res = await runCli(standalone(['--split', 'all', '--json', json]));
    expect(res.stderr).not.toMatch(/error/i);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/split\s+n\s+correct\s+errors\s+accuracy\s+95 % interval/);
    expect(res.stdout).toMatch(/^dev\s+\d+/m);
    expect(res.stdout).toMatch(/^test\s+\d+/m);
    expect(res.stdout).toContain('SIMULATED');
    const report = EvalReportSchema.parse(JSON.parse(await readFile(json, 'utf8')));
    expect(report.simulated).toBe(true);
    const { dev, test } = report.splits;
    expect(dev!.total + test!.total).toBe(report.examples.length);
    // The figures are recomputed here from the per-example verdicts: the summary must agree with them.
    for (const [name, s] of Object.entries(report.splits)) {
      // `all` is dev and test together: every example once.
      const rows = report.examples.filter((e) => name === 'all' || e.split === name);
      const correct = rows.filter((e) => e.verdict === 'correct').length;
      expect(s!.correct).toBe(correct);
      expect(s!.accuracy).toBeCloseTo(correct / (rows.length - s!.errors));
    }
    expect(report.usage.calls).toBe(report.examples.length);
    const first = report.examples[0]!;
    expect(first.output).toMatch(/The answer is/);
    expect(first.extracted).not.toBeNull();
  });

  it('scores only the requested split', async () => {
    const json = path.join(tmp, 'test-only.json');
    const res = await runCli(standalone(['--split', 'test', '--json', json]));
    expect(res.code).toBe(0);
    const report = EvalReportSchema.parse(JSON.parse(await readFile(json, 'utf8')));
    expect(report.splits.dev).toBeUndefined();
    expect(report.examples.every((e) => e.split === 'test')).toBe(true);
  });

  it('a second run is answered from the response cache', async () => {
    const cacheDir = path.join(tmp, 'cache');
    const args = standalone(['--split', 'dev']).filter((a) => a !== '--no-cache');
    const first = await runCli([...args, '--cache-dir', cacheDir, '--json', path.join(tmp, 'c1.json')]);
    const second = await runCli([...args, '--cache-dir', cacheDir, '--json', path.join(tmp, 'c2.json')]);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    const r1 = EvalReportSchema.parse(JSON.parse(await readFile(path.join(tmp, 'c1.json'), 'utf8')));
    const r2 = EvalReportSchema.parse(JSON.parse(await readFile(path.join(tmp, 'c2.json'), 'utf8')));
    expect(r1.usage.calls).toBeGreaterThan(0);
    expect(r2.usage.calls).toBe(0);
    expect(r2.usage.cacheHits).toBe(r1.usage.calls);
    expect(r2.splits.dev).toEqual(r1.splits.dev);
    // Still labelled simulated, although no request reached the simulator this time.
    expect(r2.simulated).toBe(true);
  });
});

describe('lpo eval with the config', () => {
  it('evaluates every prompt the config covers', async () => {
    const json = path.join(tmp, 'all.json');
    const res = await runCli(['eval', '--base-url', sim.url, '--no-cache', '--json', json], {
      cwd: EXAMPLES,
    });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('prompts/math.txt');
    expect(res.stdout).toContain('prompts/boolean.prompt.yml');
    const set = JSON.parse(await readFile(json, 'utf8'));
    expect(set.kind).toBe('eval-set');
    expect(set.reports.map((r: unknown) => EvalReportSchema.parse(r).prompt).sort()).toEqual([
      'prompts/boolean.prompt.yml',
      'prompts/math.txt',
    ]);
  });
});

describe('lpo eval with a glob a backtracking matcher cannot finish', () => {
  it('lists the repository and matches in linear time: a crafted file name does not hang it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lpo-cli-glob-'));
    await cp(EXAMPLES, dir, { recursive: true });
    const config = await readFile(path.join(dir, '.github', 'lpo.yml'), 'utf8');
    // picomatch turns `(a|aa)+x` into a regex that takes ~fib(80) steps on this name.
    await writeFile(
      path.join(dir, '.github', 'lpo.yml'),
      config.replace('- files: "prompts/*.txt"', '- files: ["prompts/*.txt", "prompts/(a|aa)+x"]'),
    );
    await writeFile(path.join(dir, 'prompts', `${'a'.repeat(80)}!`), 'not a prompt\n');
    const res = await runCli(['eval', '--base-url', sim.url, '--no-cache', '--split', 'test'], { cwd: dir });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('prompts/math.txt');
    expect(res.stdout).not.toContain('aaaa');
  });
});

describe('lpo eval: bad input is one line naming the file:line or the flag, before any model call', () => {
  const cases: [string, () => Promise<string[]>, RegExp][] = [
    ['unknown scorer', async () => standalone(['--scorer', 'numbers']), /^error: --scorer: .*numbers/],
    [
      'bad split',
      async () => standalone(['--split', 'train']),
      /^error: --split: expected dev, test or all, got "train"$/,
    ],
    [
      'bad concurrency',
      async () => standalone(['--concurrency', '0']),
      /^error: --concurrency: expected an integer from 1 to 256, got "0"$/,
    ],
    [
      'unknown flag',
      async () => [...standalone(), '--temprature', '0'],
      /^error: lpo eval: unknown flag --temprature/,
    ],
    [
      'malformed dataset row',
      async () => {
        const file = path.join(tmp, 'bad.jsonl');
        await writeFile(file, '{"question": "1+1?", "answer": "2"}\n{"question": "2+2?", "answer": 4\n');
        return standalone(['--dataset', file]);
      },
      /^error: .*bad\.jsonl:2: /,
    ],
    [
      'missing field',
      async () => {
        const file = path.join(tmp, 'missing.jsonl');
        await writeFile(file, '{"question": "1+1?", "answer": "2"}\n{"q": "2+2?", "answer": "4"}\n');
        return standalone(['--dataset', file]);
      },
      /^error: .*missing\.jsonl:2: missing field "question"/,
    ],
    [
      'empty dataset',
      async () => {
        const file = path.join(tmp, 'empty.jsonl');
        await writeFile(file, '\n');
        return standalone(['--dataset', file]);
      },
      /^error: .*empty\.jsonl: dataset is empty$/,
    ],
    [
      'missing prompt file',
      async () => standalone(['--prompt', path.join(tmp, 'nope.txt')]),
      /^error: .*nope\.txt: prompt file not found$/,
    ],
    [
      'template without {{prompt}}',
      async () => standalone(['--template', 'Q: {{question}}']),
      /^error: --template: .*\{\{prompt\}\}/,
    ],
  ];
  it.each(cases)('%s', async (_name, args, expected) => {
    const before = sim.stats().total;
    const res = await runCli(await args());
    expect(res.code).toBe(2);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
    expect(sim.stats().total).toBe(before);
  });

  it('a config error names the file, the line and the key path', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lpo-cfg-'));
    await writeFile(
      path.join(dir, 'lpo.yml'),
      'prompts:\n  - files: "*.txt"\n    dataset: d.jsonl\n    input: q\n    target: a\n    scorer: numbers\n',
    );
    const res = await runCli(['eval', '--config', 'lpo.yml', '--base-url', sim.url], { cwd: dir });
    expect(res.code).toBe(2);
    expect(res.stderr.trim()).toMatch(/^error: lpo\.yml:6: prompts\[0\]\.scorer: /);
  });

  it('asks for a key when the endpoint is not local', async () => {
    const res = await runCli(standalone(['--base-url', 'https://api.openai.com/v1']));
    expect(res.code).toBe(2);
    expect(res.stderr.trim()).toBe(
      'error: --api-key: no API key for https://api.openai.com/v1; pass --api-key or set OPENAI_API_KEY',
    );
  });
});
