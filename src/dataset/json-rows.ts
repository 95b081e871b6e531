// Whole-file JSON datasets: an array of row objects, or an object whose `examples` array holds the
// rows (BIG-Bench Hard's `{canary, examples: [...]}`). JSON.parse keeps no positions, so a small
// scanner over the (already validated) text finds where each row starts, for `file:line` messages.
import { readFile } from 'node:fs/promises';
import { ConfigError, errorMessage } from '../core/errors.js';
import { tooDeepAt, tooDeepReason } from '../core/nesting.js';
import { isRecord, kindOf, oneLine, type RawRow, rowLocation, stripBom } from './values.js';

export async function* readJsonRows(file: string): AsyncGenerator<RawRow> {
  const text = stripBom(await readFile(file, 'utf8'));
  const deep = tooDeepAt(text);
  if (deep !== -1) throw new ConfigError(`${deepWhere(file, text, deep)}: ${tooDeepReason()}`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const detail = oneLine(errorMessage(error));
    const position = /at position (\d+)/.exec(detail);
    const where = position ? `${file}:${lineAt(text, Number(position[1]))}` : file;
    throw new ConfigError(`${where}: invalid JSON (${detail})`);
  }

  const { rows, start } = locateRows(file, text, data);
  const offsets = elementOffsets(text, start);
  // Offsets ascend, so lines are counted incrementally instead of rescanning from the top per row.
  let line = 1;
  let counted = 0;
  for (const [index, row] of rows.entries()) {
    const offset = offsets[index]!;
    line += countNewlines(text, counted, offset);
    counted = offset;
    const raw = { index, line, inArray: true } as const;
    if (!isRecord(row)) {
      throw new ConfigError(`${rowLocation(file, raw)}: row is not a JSON object (got ${kindOf(row)})`);
    }
    yield { ...raw, row };
  }
}

/** `file:line`, and the row when the rows are the root array (the scanner below does not recurse). */
function deepWhere(file: string, text: string, offset: number): string {
  const line = lineAt(text, offset);
  const start = skipWhitespace(text, 0);
  if (text[start] !== '[') return `${file}:${line}`;
  const index = elementOffsets(text, start).findLastIndex((at) => at <= offset);
  return index < 0 ? `${file}:${line}` : rowLocation(file, { line, index, inArray: true });
}

function locateRows(file: string, text: string, data: unknown): { rows: unknown[]; start: number } {
  const rootStart = skipWhitespace(text, 0);
  if (Array.isArray(data)) return { rows: data, start: rootStart };
  if (isRecord(data) && Array.isArray(data['examples'])) {
    return { rows: data['examples'], start: memberValueStart(text, rootStart, 'examples') };
  }
  const got = isRecord(data) ? `an object without an "examples" array` : kindOf(data);
  throw new ConfigError(
    `${file}: expected a JSON array of rows or an object with an "examples" array (got ${got})`,
  );
}

/** Offset of the value of `key` in the object starting at `objectStart`; the last one wins, as in JSON.parse. */
function memberValueStart(text: string, objectStart: number, key: string): number {
  let found = -1;
  let i = skipWhitespace(text, objectStart + 1);
  while (text[i] === '"') {
    const keyEnd = skipString(text, i);
    const name: unknown = JSON.parse(text.slice(i, keyEnd));
    i = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1); // past the ':'
    if (name === key) found = i;
    i = skipWhitespace(text, skipValue(text, i));
    if (text[i] === ',') i = skipWhitespace(text, i + 1);
  }
  if (found < 0) throw new Error(`JSON scanner lost key "${key}"`);
  return found;
}

/** Start offsets of the elements of the array whose `[` is at `arrayStart`. */
function elementOffsets(text: string, arrayStart: number): number[] {
  const offsets: number[] = [];
  let i = skipWhitespace(text, arrayStart + 1);
  if (text[i] === ']') return offsets;
  for (;;) {
    offsets.push(i);
    i = skipWhitespace(text, skipValue(text, i));
    if (text[i] !== ',') return offsets;
    i = skipWhitespace(text, i + 1);
  }
}

function skipValue(text: string, i: number): number {
  const first = text[i];
  if (first === '"') return skipString(text, i);
  if (first === '{' || first === '[') {
    let depth = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        i = skipString(text, i);
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return i;
  }
  while (i < text.length && !',]} \t\n\r'.includes(text[i]!)) i++;
  return i;
}

/** `i` is at the opening quote; returns the offset after the closing one. */
function skipString(text: string, i: number): number {
  i++;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  return i;
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

function lineAt(text: string, offset: number): number {
  return 1 + countNewlines(text, 0, Math.min(offset, text.length));
}
