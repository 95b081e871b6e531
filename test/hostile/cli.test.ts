// `lpo review` on a local repository whose prompt, dataset and model answers are hostile: the comment
// it writes is the one the Action would post, so it must be well-formed and within GitHub's limit.
import { readFile, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyFromConfig } from '../../src/tools/simulator/sim-keys.js';
import { type SimulatorHandle, startSimulator } from '../../src/tools/simulator/simulator.js';
import { ReviewJsonSchema } from '../../src/render/json-report.js';
import { runCli } from '../helpers/cli.js';
import { TempRepo } from '../helpers/git-repo.js';
import { BAD_BYTES, BOM, HOSTILE_LINE, hostileDataset, hostileModel, MARKER } from './content.js';
import { checkMarkdown } from './markdown.js';
import { type ModelProxy, startModelProxy } from './model-proxy.js';
import { writeBytes } from './world.js';

let repo: TempRepo;
let sim: SimulatorHandle;
let proxy: ModelProxy;
let base: string;
let head: string;

beforeAll(async () => {
  repo = new TempRepo();
  // The dataset is the repository's own (the base commit's): the gate never reads the PR's.
  await writeBytes(repo.dir, 'data/gsm8k.jsonl', await hostileDataset());
  base = repo.commit('hostile data');
  // The head prompt: BOM, CRLF, the hostile line, invalid bytes, and a worse instruction.
  const prompt = Buffer.concat([
    Buffer.from(`${BOM}Solve the grade-school math problem below.\r\n${HOSTILE_LINE}\r\nOdd bytes: `),
    BAD_BYTES,
    Buffer.from('\r\nGuess the answer quickly, then give the final answer as a number.\r\n'),
  ]);
  await writeBytes(repo.dir, 'prompts/math.txt', prompt);
  head = repo.commit('hostile prompt');
  sim = await startSimulator({ answerKey: await keyFromConfig('.github/lpo.yml', repo.dir), seed: 3 });
  proxy = await startModelProxy(sim.url, hostileModel('Guess the answer quickly'));
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await sim?.close();
  if (repo) for (const f of ['review.md', 'report.json']) await rm(`${repo.dir}-${f}`, { force: true });
  repo?.remove();
});

describe('lpo review on hostile content', () => {
  it('writes a well-formed comment under the size limit with the marker once, first', async () => {
    const out = `${repo.dir}-review.md`;
    const json = `${repo.dir}-report.json`;
    const res = await runCli([
      'review',
      ...['--repo', repo.dir, '--base', base, '--head', head, '--out', out, '--json', json],
      ...['--base-url', proxy.url, '--no-cache', '--steps', '1', '--beam', '2', '--candidates', '2'],
    ]);
    expect(res.stderr).not.toMatch(/bug/);
    expect(res.code, res.stderr).toBe(1);
    const markdown = (await readFile(out, 'utf8')).replace(/\n$/, '');
    expect(markdown.length).toBeLessThanOrEqual(65_536);
    expect(checkMarkdown(markdown, { marker: MARKER }).problems).toEqual([]);
    expect(markdown).toContain('&lt;script&gt;');
    expect(markdown).toContain('@\u200Boctocat');
    const report = ReviewJsonSchema.parse(JSON.parse(await readFile(json, 'utf8')));
    const math = report.prompts.find((p) => p.path === 'prompts/math.txt')!;
    expect(math.regressed).toBe(true);
    // The suggested file keeps the head's BOM and CRLF line ends.
    const text = math.suggestion?.text ?? '';
    expect(text.startsWith(BOM)).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
  }, 120_000);
});
