// lpo optimize over a config: every dataset is read before the first call, so a bad row in the
// last prompt's dataset costs no model calls for the first one.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../src/tools/simulator/simulator.js';
import { runCli } from '../helpers/cli.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ seed: 1 });
});
afterAll(async () => {
  await sim.close();
});

describe('lpo optimize --config', () => {
  it('finds a bad row in the second dataset before any model call', async () => {
    const repo = await mkdtemp(path.join(os.tmpdir(), 'lpo-opt-config-'));
    await mkdir(path.join(repo, '.github'));
    const rows = Array.from({ length: 20 }, (_, i) => JSON.stringify({ q: `${i} + 1?`, a: String(i + 1) }));
    await writeFile(path.join(repo, 'a.jsonl'), `${rows.join('\n')}\n`);
    await writeFile(path.join(repo, 'b.jsonl'), `${rows.join('\n')}\n{"q": "no answer"}\n`);
    await writeFile(path.join(repo, 'a.txt'), 'Solve it.');
    await writeFile(path.join(repo, 'b.txt'), 'Solve it.');
    const entry = (p: string, d: string) =>
      `  - files: ${p}\n    dataset: ${d}\n    input: q\n    target: a\n    scorer: numeric`;
    await writeFile(
      path.join(repo, '.github', 'lpo.yml'),
      `prompts:\n${entry('a.txt', 'a.jsonl')}\n${entry('b.txt', 'b.jsonl')}\n`,
    );
    const res = await runCli(['optimize', '--base-url', sim.url, '--no-cache', '--max-calls', '50'], {
      cwd: repo,
    });
    expect(res.stderr).toMatch(/^error: b\.jsonl:21: missing field "a"/m);
    expect(res.code).toBe(2);
    expect(sim.stats().total).toBe(0);
  });
});
