// The split as a user sets it from the command line: no hidden cap without a config, the config's
// split keys as flags, the rule stated above the table, an unreachable count said in one line.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvalReportSchema } from '../../src/eval/report.js';
import { type SimulatorHandle, startSimulator } from '../../src/tools/simulator/simulator.js';
import { runCli } from '../helpers/cli.js';

let sim: SimulatorHandle;
let tmp: string;
let data: string;
let prompt: string;

const ROWS = 500;

beforeAll(async () => {
  const rows = Array.from({ length: ROWS }, (_, i) => ({ q: `What is ${i} + 1?`, a: String(i + 1) }));
  sim = await startSimulator({ seed: 1, answerKey: rows.map((r) => ({ input: r.q, target: r.a })) });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lpo-split-'));
  data = path.join(tmp, 'rows.jsonl');
  await writeFile(data, rows.map((r) => JSON.stringify(r)).join('\n'));
  prompt = path.join(tmp, 'p.txt');
  await writeFile(prompt, 'Work it out step by step.');
});
afterAll(async () => {
  await sim.close();
});

const args = (extra: string[]) => [
  'eval',
  '--prompt',
  prompt,
  '--dataset',
  data,
  '--input',
  'q',
  '--target',
  'a',
  '--scorer',
  'numeric',
  '--base-url',
  sim.url,
  '--no-cache',
  ...extra,
];

async function report(extra: string[]) {
  const json = path.join(tmp, `r-${extra.join('_').replace(/\W/g, '')}.json`);
  const res = await runCli([...args(extra), '--json', json]);
  expect(res.stderr).not.toMatch(/^error/m);
  expect(res.code).toBe(0);
  return { res, report: EvalReportSchema.parse(JSON.parse(await readFile(json, 'utf8'))) };
}

describe('lpo eval: the split from the command line', () => {
  it('scores every row without a config (no hidden cap), and reports all beside dev and test', async () => {
    const { res, report: r } = await report([]);
    expect(r.splits.dev!.total + r.splits.test!.total).toBe(ROWS);
    expect(r.splits.all!.total).toBe(ROWS);
    expect(r.splits.all!.correct).toBe(r.splits.dev!.correct + r.splits.test!.correct);
    expect(r.examples).toHaveLength(ROWS);
    expect(res.stdout).toMatch(new RegExp(`^all\\s+${ROWS}\\s+${r.splits.all!.correct}\\s+0\\s`, 'm'));
    expect(res.stdout).toContain(
      `split: dev ${r.splits.dev!.total} (50 % of rows, seed 1), test ${r.splits.test!.total} (the other 50 %), ${ROWS} rows`,
    );
  });

  it('--max-examples caps each split, the same examples as the config key would keep', async () => {
    const { res, report: r } = await report(['--max-examples', '30']);
    expect([r.splits.dev!.total, r.splits.test!.total]).toEqual([30, 30]);
    expect(res.stdout).toContain(
      'split: dev 30 (at most 30, 50 % of rows, seed 1), test 30 (at most 30, the other 50 %)',
    );
    const again = await report(['--max-examples', '30', '--split', 'dev']);
    expect(again.report.split).toEqual(r.split);
    expect((await report(['--max-examples', 'all'])).report.splits.all!.total).toBe(ROWS);
  });

  it('--dev as a fraction or a count with --test, and --split-seed, move the split as the config does', async () => {
    const fraction = (await report(['--dev', '0.2'])).report;
    expect(Math.abs(fraction.splits.dev!.total - ROWS * 0.2)).toBeLessThan(5 * Math.sqrt(ROWS * 0.16));
    const counts = (await report(['--dev', '40', '--test', '60'])).report;
    expect([counts.splits.dev!.total, counts.splits.test!.total]).toEqual([40, 60]);
    const reseeded = (await report(['--split-seed', '7'])).report;
    expect(reseeded.split!.dev.fingerprint).not.toBe(fraction.split!.dev.fingerprint);
    expect(reseeded.split!.seed).toBe(7);
  });

  it('says in one line when a count cannot be reached', async () => {
    const { res, report: r } = await report(['--dev', '400']);
    expect(r.splits.dev!.total).toBeLessThan(400);
    const warnings = res.stderr.split('\n').filter((l) => l.startsWith('warning:'));
    expect(warnings).toEqual([
      `warning: ${prompt}: the split asks for dev 400, but only ${r.split!.dev.candidates} of ${ROWS} rows fall in dev (a dev count alone takes half the rows; give test a count too, or dev as a fraction)`,
    ]);
    expect(res.stdout).toContain(`split: dev ${r.splits.dev!.total} (up to 400, 50 % of rows, seed 1)`);
  });

  it('rejects bad split flags with one line naming the flag', async () => {
    for (const [extra, message] of [
      [['--dev', 'half'], /^error: --dev: expected a number, got "half"$/m],
      [
        ['--dev', '2.5'],
        /^error: --dev: expected a fraction below 1 or a whole number of examples, got 2.5$/m,
      ],
      [
        ['--test', '10'],
        /^error: --test: needs a dev count \(--dev 50 --test 50\), not a fraction \(dev 0.5\)$/m,
      ],
      [['--max-examples', '0'], /^error: --max-examples: /m],
      [['--split-seed', '1.5'], /^error: --split-seed: /m],
    ] as const) {
      const res = await runCli(args([...extra]));
      expect(res.stderr, extra.join(' ')).toMatch(message);
      expect(res.code).toBe(2);
    }
  });

  it('reads a prompt file outside the current folder, by absolute or ../ path', async () => {
    const inside = path.join(tmp, 'work');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(inside, { recursive: true });
    for (const p of [prompt, path.relative(inside, prompt)]) {
      const res = await runCli(
        [
          'eval',
          ...args([])
            .slice(1)
            .map((a) => (a === prompt ? p : a)),
          '--split',
          'dev',
        ],
        {
          cwd: inside,
        },
      );
      expect(res.stderr).not.toMatch(/^error/m);
      expect(res.code).toBe(0);
      expect(res.stdout).toContain(prompt);
    }
  });
});
