// Every malformed config, dataset and prompt file through `lpo eval`: exit 2, exactly one line on
// stderr naming the file and line (or key) at fault, nothing on stdout, and no model call.
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../src/tools/simulator/simulator.js';
import { EXAMPLES } from '../action/git-fixture.js';
import { runCli } from '../helpers/cli.js';
import { type BadCase, CONFIG_CASES, DATASET_CASES, PROMPT_CASES } from './cases.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'lpo-bad-input-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function checkout(c: BadCase): Promise<string> {
  const dir = await mkdtemp(path.join(root, 'case-'));
  await cp(EXAMPLES, dir, { recursive: true, dereference: true });
  for (const [file, text] of Object.entries(c.files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return dir;
}

describe.concurrent('lpo eval on bad input: one line, exit 2, no model call', () => {
  for (const c of [...CONFIG_CASES, ...DATASET_CASES, ...PROMPT_CASES]) {
    it(c.name, async ({ expect, onTestFinished }) => {
      // A simulator per case: the cases run at once, and each counts its own calls.
      const sim: SimulatorHandle = await startSimulator({ seed: 1 });
      onTestFinished(() => sim.close());
      const cwd = await checkout(c);
      const res = await runCli(['eval', '--base-url', sim.url, '--no-cache'], { cwd });
      const lines = res.stderr.split('\n').filter((l) => l.trim() !== '');
      expect(lines, res.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^error: /);
      expect(lines[0]!.slice('error: '.length), res.stderr).toMatch(c.message);
      expect(res.code).toBe(2);
      expect(res.stdout).toBe('');
      expect(sim.stats().total + sim.stats().errors).toBe(0);
    });
  }
});
