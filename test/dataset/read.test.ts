import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetFormat } from '../../src/dataset/read.js';
import { collect, configError, FIXTURES, jsonParseMessage, tempFiles } from './helpers.js';

const write = tempFiles();
const fixture = (name: string) => join(FIXTURES, name);
const fixtureText = (name: string) => readFileSync(fixture(name), 'utf8');
const gsm8k = fixtureText('gsm8k.jsonl')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { question: string; answer: string });

describe('readRows: formats', () => {
  it('streams GSM8K JSONL, one row per line', async () => {
    const rows = await collect(fixture('gsm8k.jsonl'));
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 5]);
    expect(rows.map((r) => r.row)).toEqual(gsm8k);
  });

  it('reads a JSON array (MultiArith) with the line where each object starts', async () => {
    const rows = await collect(fixture('multiarith.json'));
    expect(rows.map((r) => r.line)).toEqual([2, 17, 32, 47, 62]);
    expect(rows[0]!.row['lSolutions']).toEqual([39]);
    expect(rows[4]!.row['iIndex']).toBe(4);
  });

  it('reads the examples array of a BBH file (one line, so every row is on line 1)', async () => {
    const rows = await collect(fixture('bbh-date_understanding.json'));
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.line === 1)).toBe(true);
    expect(rows[0]!.row['target']).toBe('(B)');
    expect(rows[0]!.row['input']).toMatch(/^Today is Christmas Eve of 1937\./);
    expect(rows[0]!.row).not.toHaveProperty('canary');
  });

  it('reads CSV with quoted commas and multi-line fields, numbering rows by their first line', async () => {
    const rows = await collect(fixture('gsm8k.csv'));
    expect(rows.map((r) => r.line)).toEqual([2, 5, 8, 13, 16]);
    expect(rows.map((r) => r.row['id'])).toEqual(['test-1', 'test-2', 'test-3', 'test-4', 'test-5']);
    expect(rows.map((r) => ({ question: r.row['question'], answer: r.row['answer'] }))).toEqual(gsm8k);
  });

  it('finds rows in a JSON object whatever the order and nesting of its other keys', async () => {
    const file = write(
      'nested.json',
      '{\n  "meta": {"examples": [1, 2], "s": "a ] } , \\" ["},\n  "examples": [\n    {"input": "x", "target": "1"},\n\n    {"input": "y", "target": "2"}\n  ],\n  "canary": "c"\n}\n',
    );
    const rows = await collect(file);
    expect(rows).toEqual([
      { index: 0, line: 4, row: { input: 'x', target: '1' }, inArray: true },
      { index: 1, line: 6, row: { input: 'y', target: '2' }, inArray: true },
    ]);
  });

  it('chooses the format by extension, case-insensitively', () => {
    expect(datasetFormat('a/b.JSONL')).toBe('jsonl');
    expect(datasetFormat('b.ndjson')).toBe('jsonl');
    expect(datasetFormat('b.json')).toBe('json');
    expect(datasetFormat('b.Csv')).toBe('csv');
  });
});

describe('readRows: BOM, CRLF and blank lines', () => {
  it('strips a UTF-8 BOM in every format', async () => {
    const jsonl = write('bom.jsonl', '\ufeff{"a": "1"}\n');
    const json = write('bom.json', '\ufeff[{"a": "1"}]');
    const csv = write('bom.csv', '\ufeffa\n1\n');
    for (const file of [jsonl, json, csv])
      expect(await collect(file)).toEqual([
        {
          index: 0,
          line: 1 + Number(file === csv),
          row: { a: '1' },
          ...(file === json ? { inArray: true } : {}),
        },
      ]);
  });

  it('reads CRLF files with the same rows and lines as LF ones', async () => {
    for (const name of ['gsm8k.jsonl', 'gsm8k.csv', 'multiarith.json']) {
      const crlf = write(`crlf-${name}`, fixtureText(name).replace(/\n/g, '\r\n'));
      expect(await collect(crlf)).toEqual(await collect(fixture(name)));
    }
  });

  it('keeps CSV line numbers right when a CRLF inside a quoted field straddles two read chunks', async () => {
    // fs streams read 64 KiB at a time: put the CR of a quoted CRLF on the chunk's last byte.
    const row = (i: number, pad = '') => `${i},"first${pad}\r\nsecond"\r\n`;
    let text = 'n,v\r\n';
    let count = 0;
    while (text.length < 65_000) text += row(++count);
    const start = text.length;
    count++;
    text += row(count, 'x'.repeat(65_535 - start - `${count},"first`.length));
    expect(text[65_535]).toBe('\r');
    for (let k = 0; k < 50; k++) text += row(++count);
    const rows = await collect(write('chunks.csv', text));
    expect(rows).toHaveLength(count);
    expect(rows.map((r) => r.line)).toEqual(rows.map((_, k) => 2 + 2 * k));
    expect(
      rows.every((r) => String(r.row['v']).endsWith('\nsecond') && !String(r.row['v']).includes('\r')),
    ).toBe(true);
  });

  it('skips blank lines in JSONL and empty lines in CSV but keeps counting them', async () => {
    const jsonl = write('blank.jsonl', '\n{"a": "1"}\n   \n\n{"a": "2"}\n\n');
    expect(await collect(jsonl)).toEqual([
      { index: 0, line: 2, row: { a: '1' } },
      { index: 1, line: 5, row: { a: '2' } },
    ]);
    const csv = write('blank.csv', 'a\n\n1\n\n2\n');
    expect((await collect(csv)).map((r) => r.line)).toEqual([3, 5]);
  });
});

describe('readRows: errors name file:line', () => {
  it('rejects a line of invalid JSON', async () => {
    const bad = '{"question": "b", "answer": }';
    const file = write('bad.jsonl', `{"question": "a", "answer": "1"}\n\n${bad}\n`);
    expect(await configError(() => collect(file))).toBe(`${file}:3: invalid JSON (${jsonParseMessage(bad)})`);
  });

  it('rejects a JSONL line that is not an object', async () => {
    for (const [line, kind] of [
      ['[1, 2]', 'an array'],
      ['"text"', 'a string'],
      ['null', 'null'],
      ['7', 'a number'],
    ]) {
      const file = write('scalar.jsonl', `{"a": "1"}\n${line}\n`);
      expect(await configError(() => collect(file))).toBe(
        `${file}:2: row is not a JSON object (got ${kind})`,
      );
    }
  });

  it('rejects a JSON array element that is not an object, at its line', async () => {
    const file = write('scalar.json', '[\n  {"a": "1"},\n  "oops"\n]\n');
    expect(await configError(() => collect(file))).toBe(
      `${file}:3 (row 2): row is not a JSON object (got a string)`,
    );
  });

  it('rejects invalid JSON, with its line when the parser gives a position', async () => {
    const text = '[\n  {"a": "1"},\n  {"a": }\n]\n';
    const file = write('broken.json', text);
    const detail = jsonParseMessage(text);
    const where = detail.includes('position') ? `${file}:3` : file;
    expect(await configError(() => collect(file))).toBe(`${where}: invalid JSON (${detail})`);
  });

  it('rejects JSON that is neither an array nor an object with an examples array', async () => {
    const object = write('canary.json', '{"canary": "x", "rows": []}');
    expect(await configError(() => collect(object))).toBe(
      `${object}: expected a JSON array of rows or an object with an "examples" array (got an object without an "examples" array)`,
    );
    const number = write('number.json', '42');
    expect(await configError(() => collect(number))).toBe(
      `${number}: expected a JSON array of rows or an object with an "examples" array (got a number)`,
    );
  });

  it('rejects a CSV row with too many or too few columns, at its first line', async () => {
    const long = write('long.csv', 'q,a\n"x, y",1\n"multi\nline",2,3\n');
    expect(await configError(() => collect(long))).toBe(`${long}:3: row has 3 columns, header has 2`);
    const short = write('short.csv', 'q,a\r\n"x, y",1\r\nz\r\n');
    expect(await configError(() => collect(short))).toBe(`${short}:3: row has 1 columns, header has 2`);
  });

  it('rejects malformed CSV quoting', async () => {
    const file = write('quote.csv', 'q,a\n"x" y,1\n');
    expect(await configError(() => collect(file))).toBe(
      `${file}:2: invalid CSV (Invalid Closing Quote: got " " at line 2 instead of delimiter, record delimiter, trimable character (if activated) or comment)`,
    );
  });

  it('rejects a CSV header with an empty or repeated column name', async () => {
    const empty = write('empty-name.csv', 'q,,a\n1,2,3\n');
    expect(await configError(() => collect(empty))).toBe(`${empty}:1: header column 2 has no name`);
    const twice = write('twice.csv', 'q,a,q\n1,2,3\n');
    expect(await configError(() => collect(twice))).toBe(`${twice}:1: header names column "q" twice`);
  });

  it('rejects an unsupported extension, naming the file', async () => {
    const file = write('data.txt', 'a\n');
    expect(await configError(() => collect(file))).toBe(
      `${file}: unsupported dataset format (".txt"); expected .jsonl, .ndjson, .json or .csv`,
    );
    expect(await configError(() => datasetFormat('data/rows'))).toBe(
      'data/rows: unsupported dataset format (no extension); expected .jsonl, .ndjson, .json or .csv',
    );
  });

  it('rejects a missing file or a directory, naming it', async () => {
    expect(await configError(() => collect('data/none.jsonl'))).toBe(
      'data/none.jsonl: dataset file not found',
    );
    const dir = write('placeholder', '').replace(/placeholder$/, 'dir.csv');
    mkdirSync(dir);
    expect(await configError(() => collect(dir))).toBe(`${dir}: not a file (expected a dataset file)`);
  });
});
