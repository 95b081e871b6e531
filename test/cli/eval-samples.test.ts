// `lpo eval` with `samples: 5` in a user's config, run as a user would from a folder outside the
// project, on real GSM8K rows: five requests per example reach the endpoint and the report's figures
// are the mean scores of the answers it got.
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvalReportSchema } from '../../src/eval/report.js';
import { keyFromConfig } from '../../src/tools/simulator/sim-keys.js';
import { type SimulatorHandle, startSimulator } from '../../src/tools/simulator/simulator.js';
import { ROOT, runCli } from '../helpers/cli.js';

const EXAMPLES = path.join(ROOT, 'examples');
let sim: SimulatorHandle;
let dir: string;

const config = (samples: number) => `prompts:
  - files: "prompts/math.txt"
    dataset: data/gsm8k.jsonl
    input: question
    target: answer
    template: "{{prompt}}\\n\\nQuestion: {{question}}\\nAnswer:"
    scorer: numeric
    temperature: 0.8
${samples > 1 ? `    samples: ${samples}\n` : ''}    split: { dev: 0.5, seed: 1, max-examples: 30 }
`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lpo-samples-'));
  await mkdir(path.join(dir, 'prompts'));
  await mkdir(path.join(dir, 'data'));
  await copyFile(path.join(EXAMPLES, 'prompts', 'math.txt'), path.join(dir, 'prompts', 'math.txt'));
  await copyFile(path.join(EXAMPLES, 'data', 'gsm8k.jsonl'), path.join(dir, 'data', 'gsm8k.jsonl'));
  sim = await startSimulator({ answerKey: await keyFromConfig('.github/lpo.yml', EXAMPLES), seed: 1 });
});
afterAll(async () => {
  await sim.close();
});

async function evalWith(samples: number) {
  await writeFile(path.join(dir, 'lpo.yml'), config(samples));
  const json = path.join(dir, `report-${samples}.json`);
  const before = sim.stats().task;
  const res = await runCli(
    ['eval', '--config', path.join(dir, 'lpo.yml'), '--base-url', sim.url, '--no-cache', '--json', json],
    { cwd: dir },
  );
  expect(res.code, res.stderr).toBe(0);
  const raw = JSON.parse(await readFile(json, 'utf8'));
  return { res, raw, report: EvalReportSchema.parse(raw), requests: sim.stats().task - before };
}

describe('lpo eval with samples: 5', () => {
  it('asks each example five times and reports the mean score and the flaky examples', async () => {
    const one = await evalWith(1);
    const five = await evalWith(5);
    const n = one.report.examples.length;
    expect(one.requests).toBe(n);
    expect(five.requests).toBe(5 * n);
    expect(five.report.usage.calls).toBe(5 * n);
    for (const name of ['dev', 'test'] as const) {
      const rows: { split: string; score: number; samples: { distinct: number; answered: number } }[] =
        five.raw.examples.filter((e: { split: string }) => e.split === name);
      const s = five.raw.splits[name];
      expect(rows.every((r) => r.samples.answered === 5)).toBe(true);
      const mean = rows.reduce((sum, r) => sum + r.score, 0) / rows.length;
      expect(s.accuracy).toBeCloseTo(mean, 12);
      expect(s.samples).toBe(5);
      expect(s.flaky).toBe(rows.filter((r) => r.samples.distinct > 1).length);
    }
    expect(five.raw.splits.dev.flaky + five.raw.splits.test.flaky).toBeGreaterThan(0);
    // Without samples the report is as before: no per-example sample counts.
    expect(one.raw.examples.every((e: { samples?: unknown }) => e.samples === undefined)).toBe(true);
    expect(five.res.stdout).toContain('SIMULATED');
  });
});
