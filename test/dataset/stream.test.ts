import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSplits, streamSplits } from '../../src/dataset/examples.js';
import type { SplitSpec } from '../../src/core/types.js';

const map = { input: ['question'], target: 'answer' };

async function collect(file: string, spec: SplitSpec) {
  const stream = await streamSplits(file, map, spec);
  const got = { dev: [] as unknown[], test: [] as unknown[] };
  for await (const { split, slot, example } of stream.examples()) got[split][slot] = example;
  return { sizes: stream.sizes, got };
}

describe('streamSplits', () => {
  it('yields exactly the examples loadSplits selects, in the same slots', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lpo-stream-'));
    const file = path.join(dir, 'rows.jsonl');
    const rows = Array.from({ length: 2_000 }, (_, i) =>
      JSON.stringify({ question: `What is ${i} + ${i}?`, answer: `${2 * i}` }),
    );
    await writeFile(file, `${rows.join('\n')}\n`);
    for (const spec of [
      { dev: 0.5, seed: 1, maxExamples: 200 },
      { dev: 0.3, seed: 7 },
      { dev: 100, test: 300, seed: 2 },
    ] satisfies SplitSpec[]) {
      const loaded = await loadSplits(file, map, spec);
      const { sizes, got } = await collect(file, spec);
      expect(sizes).toEqual({ dev: loaded.dev.length, test: loaded.test.length });
      expect(got.dev).toEqual(loaded.dev);
      expect(got.test).toEqual(loaded.test);
    }
  });

  it('reports a bad row with its file:line on the first pass, before anything is yielded', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lpo-stream-'));
    const file = path.join(dir, 'bad.jsonl');
    await writeFile(file, '{"question": "1+1?", "answer": "2"}\n{"question": "2+2?"}\n');
    await expect(streamSplits(file, map, { dev: 0.5, seed: 1 })).rejects.toThrow(
      `${file}:2: missing field "answer"`,
    );
  });
});
