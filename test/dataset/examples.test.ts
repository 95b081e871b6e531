import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  contentHash,
  examplesFromRows,
  loadExamples,
  loadSplits,
  streamSplits,
  toExample,
} from '../../src/dataset/examples.js';
import { assignSplits, DEFAULT_SPLIT } from '../../src/dataset/split.js';
import { configError, FIXTURES, tempFiles } from './helpers.js';

const write = tempFiles();
const fixture = (name: string) => join(FIXTURES, name);
const GSM8K = { input: ['question'], target: 'answer' };

/** A generated GSM8K-shaped JSONL, written as a stream so the test itself stays small in memory. */
async function writeGenerated(name: string, rows: number): Promise<string> {
  const file = join(write(name, ''), '..', name);
  const out = createWriteStream(file);
  for (let i = 0; i < rows; i++) {
    out.write(
      `{"id": ${i}, "question": "What is ${i} + 1?", "answer": ${i + 1}, "notes": "unused column"}\n`,
    );
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return file;
}

describe('loadExamples', () => {
  it('reduces GSM8K rows to the used fields, with content-hash ids', async () => {
    const examples = await loadExamples(fixture('gsm8k.jsonl'), GSM8K);
    expect(examples.map((e) => e.line)).toEqual([1, 2, 3, 4, 5]);
    expect(Object.keys(examples[0]!.fields)).toEqual(['question']);
    expect(examples[1]!.fields['question']).toBe(
      'A robe takes 2 bolts of blue fiber and half that much white fiber.  How many bolts in total does it take?',
    );
    expect(examples[1]!.target).toMatch(/\n#### 3$/);
    for (const e of examples) expect(e.id).toBe(contentHash(e.fields, e.target));
    expect(new Set(examples.map((e) => e.id)).size).toBe(5);
  });

  it('gives the same rows the same ids in JSONL and CSV (extra columns do not count)', async () => {
    const jsonl = await loadExamples(fixture('gsm8k.jsonl'), GSM8K);
    const csv = await loadExamples(fixture('gsm8k.csv'), GSM8K);
    expect(csv.map((e) => e.id)).toEqual(jsonl.map((e) => e.id));
    expect(csv.map((e) => e.line)).toEqual([2, 5, 8, 13, 16]);
  });

  it('reads MultiArith targets from one-element arrays as that element', async () => {
    const examples = await loadExamples(fixture('multiarith.json'), {
      input: ['sQuestion', 'lEquations', 'iIndex', 'lAlignments'],
      target: 'lSolutions',
    });
    expect(examples.map((e) => e.target)).toEqual(['39', '8', '2', '40', '3']);
    expect(examples[0]!.fields).toMatchObject({
      lEquations: 'X=((32.0+42.0)-35.0)',
      iIndex: '0',
      lAlignments: '[80,120,136]',
    });
    expect(examples.map((e) => e.line)).toEqual([2, 17, 32, 47, 62]);
  });

  it('reads BBH input/target pairs', async () => {
    const examples = await loadExamples(fixture('bbh-date_understanding.json'), {
      input: ['input'],
      target: 'target',
    });
    expect(examples.map((e) => e.target)).toEqual(['(B)', '(A)', '(B)', '(E)', '(B)']);
    expect(examples[0]!.fields['input']).toContain('\nOptions:\n(A) 12/11/1937');
  });

  it('names file:line and the row keys when a field is missing or null', async () => {
    const file = write('missing.jsonl', '{"question": "q1", "answer": "1"}\n{"question": "q2", "id": 7}\n');
    expect(await configError(() => loadExamples(file, GSM8K))).toBe(
      `${file}:2: missing field "answer" (row has: question, id)`,
    );
    const nulls = write('null.jsonl', '\n\n{"question": null, "answer": "1"}\n');
    expect(await configError(() => loadExamples(nulls, GSM8K))).toBe(
      `${nulls}:3: missing field "question" (row has: question, answer)`,
    );
    const empty = write('empty-row.json', '[\n  {}\n]');
    expect(await configError(() => loadExamples(empty, GSM8K))).toBe(
      `${empty}:2 (row 1): missing field "question" (row is empty)`,
    );
  });

  it('rejects an empty dataset in every format', async () => {
    const files = [
      write('empty.jsonl', '\n\n'),
      write('empty.csv', 'question,answer\n'),
      write('empty.json', '[]'),
      write('empty-bbh.json', '{"canary": "c", "examples": []}'),
    ];
    for (const file of files)
      expect(await configError(() => loadExamples(file, GSM8K))).toBe(`${file}: dataset is empty`);
  });

  it('loads a 100,000-row JSONL by streaming', async () => {
    const file = await writeGenerated('big.jsonl', 100_000);
    const examples = await loadExamples(file, GSM8K);
    expect(examples).toHaveLength(100_000);
    expect(examples[99_999]).toMatchObject({ line: 100_000, target: '100000' });
    expect(examples[0]).not.toHaveProperty('row');
  });

  it('loadSplits streams to the same splits as loadExamples + assignSplits', async () => {
    const file = await writeGenerated('medium.jsonl', 5_000);
    const examples = await loadExamples(file, GSM8K);
    for (const spec of [DEFAULT_SPLIT, { dev: 30, test: 70, seed: 4 }, { dev: 0.2, seed: 9 }]) {
      const streamed = await loadSplits(file, GSM8K, spec);
      expect(streamed).toEqual(assignSplits(examples, spec));
    }
    const capped = await loadSplits(file, GSM8K, DEFAULT_SPLIT);
    expect([capped.dev.length, capped.test.length]).toEqual([200, 200]);
  });

  it('streamSplits gives the same examples in the same slots as loadSplits, in two passes', async () => {
    const file = await writeGenerated('streamed.jsonl', 3_000);
    for (const spec of [DEFAULT_SPLIT, { dev: 30, test: 70, seed: 4 }, { dev: 0.2, seed: 9 }]) {
      const loaded = await loadSplits(file, GSM8K, spec);
      const stream = await streamSplits(file, GSM8K, spec);
      expect(stream.sizes).toEqual({ dev: loaded.dev.length, test: loaded.test.length });
      const seen = { dev: [] as unknown[], test: [] as unknown[] };
      for await (const job of stream.examples()) seen[job.split][job.slot] = job.example;
      expect(seen).toEqual({ dev: loaded.dev, test: loaded.test });
      expect(stream.counts).toEqual(loaded.counts);
    }
  });

  it('loadSplits checks the split spec before reading and still rejects bad rows', async () => {
    expect(await configError(() => loadSplits('data/none.jsonl', GSM8K, { dev: 0, seed: 1 }))).toBe(
      'split.dev must be a fraction between 0 and 1 or a count of at least 1 (got 0)',
    );
    const file = write('bad-late.jsonl', '{"question": "q", "answer": "1"}\n{"question": "q"}\n');
    expect(await configError(() => loadSplits(file, GSM8K, { dev: 1, test: 1, seed: 1 }))).toBe(
      `${file}:2: missing field "answer" (row has: question)`,
    );
  });
});

describe('examplesFromRows and toExample', () => {
  it('numbers inline rows from 1 and names testData[i] in errors', async () => {
    const rows = [{ q: 'a', a: 1 }, { q: 'b' }];
    const map = { input: ['q'], target: 'a' };
    expect(examplesFromRows(rows.slice(0, 1), map, 'p.prompt.yml')).toEqual([
      { id: contentHash({ q: 'a' }, '1'), index: 0, line: 1, fields: { q: 'a' }, target: '1' },
    ]);
    expect(await configError(() => examplesFromRows(rows, map, 'p.prompt.yml'))).toBe(
      'p.prompt.yml: testData[1]: missing field "a" (row has: q)',
    );
    const notObject = [{ q: 'a', a: '1' }, 'x'] as unknown as Record<string, unknown>[];
    expect(await configError(() => examplesFromRows(notObject, map, 'p.prompt.yml'))).toBe(
      'p.prompt.yml: testData[1]: row is not an object (got a string)',
    );
    expect(await configError(() => examplesFromRows([], map, 'p.prompt.yml'))).toBe(
      'p.prompt.yml: testData is empty',
    );
  });

  it('follows dotted paths, preferring a key that literally contains the dot', () => {
    const row = {
      meta: { topic: 'math', tags: ['a', 'b'] },
      'a.b': 'literal',
      a: { b: 'nested' },
      ok: true,
      answers: [{ value: 3 }],
    };
    const example = toExample(
      { index: 8, line: 9, row },
      {
        input: ['meta.topic', 'a.b', 'ok', 'meta.tags', 'meta.tags.1', 'answers'],
        target: 'answers.0.value',
      },
      'f.jsonl',
    );
    expect(example.fields).toEqual({
      'meta.topic': 'math',
      'a.b': 'literal',
      ok: 'true',
      'meta.tags': '["a","b"]',
      'meta.tags.1': 'b',
      answers: '[{"value":3}]',
    });
    expect(example.target).toBe('3');
    expect(() =>
      toExample({ index: 8, line: 9, row }, { input: ['meta.level'], target: 'ok' }, 'f.jsonl'),
    ).toThrow('f.jsonl:9: missing field "meta.level" (row has: meta, a.b, a, ok, answers)');
    expect(() =>
      toExample({ index: 8, line: 9, row }, { input: ['constructor'], target: 'ok' }, 'f.jsonl'),
    ).toThrow('f.jsonl:9: missing field "constructor"');
  });
});

describe('contentHash', () => {
  it('is sha256 of canonical JSON with sorted keys, integer-like keys included', () => {
    const canonical = '{"fields":{"10":"x","2":"y","b":"z"},"target":"t"}';
    const expected = createHash('sha256').update(canonical).digest('hex');
    expect(contentHash({ b: 'z', 2: 'y', 10: 'x' }, 't')).toBe(expected);
    expect(contentHash({ 10: 'x', b: 'z', 2: 'y' }, 't')).toBe(expected);
  });

  it('changes with any used value and with field names', () => {
    const base = contentHash({ q: 'a' }, 't');
    expect(contentHash({ q: 'a' }, 'u')).not.toBe(base);
    expect(contentHash({ q: 'b' }, 't')).not.toBe(base);
    expect(contentHash({ p: 'a' }, 't')).not.toBe(base);
  });
});

describe('row identity does not depend on formatting', () => {
  // A one-line JSON file, as BIG-Bench Hard ships: every row is on line 1.
  const rows = Array.from({ length: 400 }, (_, i) => ({ input: `q${i % 380}`, target: String(i % 380) }));
  const oneLine = JSON.stringify({ canary: 'c', examples: rows });
  const map = { input: ['input'], target: 'target' };

  it('streams a one-line JSON file to both splits, the same as loading it', async () => {
    const file = write('one-line.json', oneLine);
    for (const spec of [{ dev: 0.5, seed: 1 }, DEFAULT_SPLIT, { dev: 30, test: 70, seed: 4 }]) {
      const loaded = await loadSplits(file, map, spec);
      const stream = await streamSplits(file, map, spec);
      const seen = { dev: [] as unknown[], test: [] as unknown[] };
      for await (const job of stream.examples()) seen[job.split][job.slot] = job.example;
      expect(seen).toEqual({ dev: loaded.dev, test: loaded.test });
      expect(loaded.dev.length).toBeGreaterThan(0);
      expect(loaded.test.length).toBeGreaterThan(0);
    }
    const { dev, test } = await loadSplits(file, map, { dev: 0.5, seed: 1 });
    expect(dev.length + test.length).toBe(400);
  });

  it('gives repeated rows unique ids, in file order, and keeps every repeat in one split', async () => {
    const examples = await loadExamples(write('repeats.json', oneLine), map);
    expect(new Set(examples.map((e) => e.id)).size).toBe(400);
    const first = examples[5]!;
    const repeat = examples[385]!; // the same content as row 6
    expect(repeat.id).toBe(`${first.id}:2`);
    expect([first.index, repeat.index]).toEqual([5, 385]);
    const { dev } = assignSplits(examples, { dev: 0.5, seed: 3 });
    const inDev = new Set(dev.map((e) => e.id));
    for (let i = 0; i < 20; i++) expect(inDev.has(examples[i]!.id)).toBe(inDev.has(examples[380 + i]!.id));
  });

  it('names a one-line row by its line and its row number', async () => {
    const file = write(
      'one-line-bad.json',
      JSON.stringify({ examples: [{ input: 'a', target: '1' }, { input: 'b' }] }),
    );
    expect(await configError(() => loadExamples(file, map))).toBe(
      `${file}:1 (row 2): missing field "target" (row has: input)`,
    );
  });

  it('names an inline testData row by the line of its entry in the file', async () => {
    const bad = [{ input: 'a', target: '1' }, 'x'] as unknown as Record<string, unknown>[];
    expect(await configError(() => examplesFromRows(bad, map, 'p.prompt.yml', [12, 15]))).toBe(
      'p.prompt.yml:15: testData[1]: row is not an object (got a string)',
    );
    expect(examplesFromRows(bad.slice(0, 1), map, 'p.prompt.yml', [12])[0]!.line).toBe(12);
  });
});
