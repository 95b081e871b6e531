// Dataset files to raw rows, each with its position: `index` (0-based among the file's rows) is what
// identifies a row's place, whatever the formatting; `line` (1-based) is for messages only, since a
// one-line JSON file (how BIG-Bench Hard ships) has every row on line 1. JSONL and CSV are streamed
// so a large file never sits in memory; JSON has to be parsed whole (see json-rows.ts).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline, Transform } from 'node:stream';
import { CsvError, type Info, parse } from 'csv-parse';
import { ConfigError, errorMessage } from '../core/errors.js';
import { tooDeepAt, tooDeepReason } from '../core/nesting.js';
import { readJsonRows } from './json-rows.js';
import { isRecord, kindOf, oneLine, type RawRow, stripBom } from './values.js';

export type { RawRow } from './values.js';

export type DatasetFormat = 'jsonl' | 'json' | 'csv';

const FORMATS: Record<string, DatasetFormat> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
  '.csv': 'csv',
};

export function datasetFormat(file: string): DatasetFormat {
  const ext = extname(file).toLowerCase();
  const format = FORMATS[ext];
  if (!format) {
    const got = ext ? `"${ext}"` : 'no extension';
    throw new ConfigError(
      `${file}: unsupported dataset format (${got}); expected .jsonl, .ndjson, .json or .csv`,
    );
  }
  return format;
}

export async function* readRows(file: string): AsyncGenerator<RawRow> {
  const format = datasetFormat(file);
  await assertFile(file);
  if (format === 'jsonl') yield* readJsonl(file);
  else if (format === 'csv') yield* readCsv(file);
  else yield* readJsonRows(file);
}

async function assertFile(file: string): Promise<void> {
  try {
    if (!(await stat(file)).isFile()) throw new ConfigError(`${file}: not a file (expected a dataset file)`);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigError(`${file}: dataset file not found`);
    throw new ConfigError(`${file}: cannot read dataset file (${oneLine(errorMessage(error))})`);
  }
}

async function* readJsonl(file: string): AsyncGenerator<RawRow> {
  const input = createReadStream(file, { encoding: 'utf8' });
  // readline splits on \n, \r\n and a lone \r alike, so CRLF files need nothing more.
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  let index = 0;
  try {
    for await (const text of lines) {
      line++;
      const body = line === 1 ? stripBom(text) : text;
      if (body.trim() === '') continue; // a blank line is not a row
      yield { index: index++, line, row: parseJsonLine(body, `${file}:${line}`) };
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

function parseJsonLine(text: string, where: string): Record<string, unknown> {
  if (tooDeepAt(text) !== -1) throw new ConfigError(`${where}: ${tooDeepReason()}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${where}: invalid JSON (${oneLine(errorMessage(error))})`);
  }
  if (!isRecord(value)) throw new ConfigError(`${where}: row is not a JSON object (got ${kindOf(value)})`);
  return value;
}

async function* readCsv(file: string): AsyncGenerator<RawRow> {
  const input = createReadStream(file, { encoding: 'utf8' });
  // Columns are handled here rather than by csv-parse so a short or long row gets our own message.
  const parser = parse({ bom: true, info: true, skip_empty_lines: true, relax_column_count: true });
  // pipeline() forwards a read error from the file to the parser, so the loop below sees it.
  pipeline(input, crlfToLf(), parser, () => {});
  let header: string[] | undefined;
  let index = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      // info.lines is the line where the record ends; its quoted fields hold every newline in between.
      const line = info.lines - record.reduce((n, field) => n + countNewlines(field), 0);
      if (!header) {
        header = checkHeader(record, `${file}:${line}`);
        continue;
      }
      if (record.length !== header.length) {
        throw new ConfigError(
          `${file}:${line}: row has ${record.length} columns, header has ${header.length}`,
        );
      }
      yield { index: index++, line, row: Object.fromEntries(header.map((name, i) => [name, record[i]])) };
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const { lines } = error as CsvError & { lines?: number };
    throw new ConfigError(`${lines ? `${file}:${lines}` : file}: invalid CSV (${oneLine(error.message)})`);
  } finally {
    parser.destroy();
    input.destroy();
  }
}

function checkHeader(names: string[], where: string): string[] {
  const seen = new Set<string>();
  for (const [i, name] of names.entries()) {
    if (name === '') throw new ConfigError(`${where}: header column ${i + 1} has no name`);
    if (seen.has(name)) throw new ConfigError(`${where}: header names column "${name}" twice`);
    seen.add(name);
  }
  return names;
}

/**
 * CRLF to LF before csv-parse: it counts the CR and LF of a CRLF inside a quoted field as two lines,
 * which would shift every later line number, and a value should not depend on the file's line endings
 * (a Windows checkout must give the same content hash).
 */
function crlfToLf(): Transform {
  let held = '';
  return new Transform({
    decodeStrings: false,
    encoding: 'utf8',
    transform(chunk: string, _encoding, done) {
      let text = held + chunk;
      held = '';
      if (text.endsWith('\r')) {
        held = '\r'; // its \n may start the next chunk
        text = text.slice(0, -1);
      }
      done(null, text.replace(/\r\n/g, '\n'));
    },
    flush(done) {
      done(null, held || undefined);
    },
  });
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  return count;
}
