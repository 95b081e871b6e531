// The CLI keeps its cache where its user says, but trusts only entries written with its own key,
// and never reads or writes through a symlinked cache folder.
import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
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
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lpo-cli-cache-'));
});
afterAll(async () => {
  await sim.close();
  await rm(tmp, { recursive: true, force: true });
});

const evalArgs = (apiKey: string, cacheDir: string, json: string) => [
  'eval',
  ...['--prompt', path.join(EXAMPLES, 'prompts', 'math.txt')],
  ...['--dataset', path.join(EXAMPLES, 'data', 'gsm8k.jsonl'), '--input', 'question', '--target', 'answer'],
  ...['--template', '{{prompt}}\\n\\nQuestion: {{question}}\\nAnswer:', '--scorer', 'numeric'],
  ...['--base-url', sim.url, '--task-model', 'sim', '--split', 'dev'],
  ...['--api-key', apiKey, '--cache-dir', cacheDir, '--json', json],
];
const report = async (file: string) => EvalReportSchema.parse(JSON.parse(await readFile(file, 'utf8')));

describe('lpo eval and its response cache', () => {
  it('ignores and counts entries written with another key, says so, and then trusts its own', async () => {
    const cacheDir = path.join(tmp, 'shared');
    const files = ['a', 'b', 'c'].map((n) => path.join(tmp, `${n}.json`));
    const other = await runCli(evalArgs('sk-someone-else', cacheDir, files[0]!));
    expect(other.code, other.stderr).toBe(0);
    const written = (await report(files[0]!)).usage.calls;
    expect(written).toBeGreaterThan(0);

    const mine = await runCli(evalArgs('sk-mine', cacheDir, files[1]!));
    expect(mine.code, mine.stderr).toBe(0);
    const r = await report(files[1]!);
    expect(r.usage).toMatchObject({ calls: written, cacheHits: 0, cacheIgnored: written });
    expect(mine.stdout).toContain(`${written} cache entries ignored (not written by this key)`);

    const again = await runCli(evalArgs('sk-mine', cacheDir, files[2]!));
    expect((await report(files[2]!)).usage).toMatchObject({ calls: 0, cacheHits: written, cacheIgnored: 0 });
    expect(again.stdout).not.toContain('ignored');
  });

  it('refuses a cache folder that is a symlink, in one line, writing nothing through it', async () => {
    const target = path.join(tmp, 'elsewhere');
    await mkdir(target);
    const link = path.join(tmp, 'linked-cache');
    await symlink(target, link);
    const calls = sim.stats().total;
    const res = await runCli(evalArgs('sk-mine', link, path.join(tmp, 'linked.json')));
    expect(res.code).toBe(2);
    expect(res.stderr.trim()).toMatch(
      /^error: LLM cache folder .*linked-cache is a symlink; .*never read or written through a symlink/,
    );
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(sim.stats().total).toBe(calls);
    expect(await readdir(target)).toEqual([]);
  });
});
