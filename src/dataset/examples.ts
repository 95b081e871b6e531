// Raw rows to Examples: only the fields a task uses are kept (stringified), so a large file costs
// memory for what is evaluated, not for every column of every row.
import { createHash } from 'node:crypto';
import { ConfigError } from '../core/errors.js';
import type { Calibration, Example, SplitSpec } from '../core/types.js';
import { type RawRow, readRows } from './read.js';
import { type SplitCounts, SplitSelector } from './split.js';
import { isRecord, kindOf, lookupPath, rowLocation, stringifyValue } from './values.js';

export interface FieldMap {
  input: string[];
  target: string;
  /** Calibration fields, read where a row has the label (a labelled subset); not part of the id. */
  labelled?: Calibration;
}

/** Longest key list quoted in a "missing field" message; wide CSVs would make it unreadable. */
const MAX_LISTED_KEYS = 12;

/**
 * Gives repeated content its own identity: the first row with a content hash keeps the hash as its
 * id, the n-th repeat gets `hash:n`. Repeats are counted in file order, so ids do not depend on
 * formatting, and base and head (or eval and review) number the same rows the same way.
 */
class Identities {
  private readonly seen = new Map<string, number>();

  next(hash: string): string {
    const n = (this.seen.get(hash) ?? 0) + 1;
    this.seen.set(hash, n);
    return n === 1 ? hash : `${hash}:${n}`;
  }
}

export async function loadExamples(file: string, map: FieldMap): Promise<Example[]> {
  const ids = new Identities();
  const examples: Example[] = [];
  for await (const raw of readRows(file)) examples.push(toExample(raw, map, file, ids));
  if (examples.length === 0) throw new ConfigError(`${file}: dataset is empty`);
  return examples;
}

export interface Splits {
  dev: Example[];
  test: Example[];
  counts: SplitCounts;
}

/**
 * loadExamples + assignSplits in one pass. With caps (counts or maxExamples) only a bounded
 * selection per split is held while streaming, so a huge file needs memory for what is kept.
 * Every row is still checked: a bad row fails even if it would have been capped away.
 */
export async function loadSplits(file: string, map: FieldMap, spec: SplitSpec): Promise<Splits> {
  const selector = new SplitSelector(spec); // a bad spec fails before any reading
  const ids = new Identities();
  for await (const raw of readRows(file)) {
    const example = toExample(raw, map, file, ids);
    selector.add(example.id, example);
  }
  const result = selector.result();
  if (result.counts.rows === 0) throw new ConfigError(`${file}: dataset is empty`);
  return result;
}

export interface SplitStream {
  sizes: { dev: number; test: number };
  counts: SplitCounts;
  /** The selected examples again, read from the file in file order, with their slot in their split. */
  examples(): AsyncGenerator<{ split: 'dev' | 'test'; slot: number; example: Example }>;
}

/**
 * The same selection as loadSplits in two streaming passes: the first keeps only each selected
 * row's index, the second rebuilds those rows one at a time. Memory stays flat on 100,000-row files.
 */
export async function streamSplits(file: string, map: FieldMap, spec: SplitSpec): Promise<SplitStream> {
  const selector = new SplitSelector<{ index: number }>(spec);
  const ids = new Identities();
  for await (const raw of readRows(file)) {
    const { id, index } = toExample(raw, map, file, ids);
    selector.add(id, { index });
  }
  const chosen = selector.result();
  if (chosen.counts.rows === 0) throw new ConfigError(`${file}: dataset is empty`);
  // row index → slot × 2 + (1 for test): a number per row rather than an object keeps the map small.
  const where = new Map<number, number>();
  for (const [slot, e] of chosen.dev.entries()) where.set(e.index, slot * 2);
  for (const [slot, e] of chosen.test.entries()) where.set(e.index, slot * 2 + 1);
  return {
    sizes: { dev: chosen.dev.length, test: chosen.test.length },
    counts: chosen.counts,
    async *examples() {
      const again = new Identities();
      for await (const raw of readRows(file)) {
        const at = where.get(raw.index);
        // Every row is numbered again, so a repeat's id matches the first pass.
        const example = toExample(raw, map, file, again);
        if (at === undefined) continue;
        const split = at % 2 === 1 ? 'test' : 'dev';
        yield { split, slot: Math.floor(at / 2), example };
      }
    },
  };
}

/**
 * Inline rows (a .prompt.yml `testData`): `lines[i]` is the file line where entry i starts (index + 1
 * when unknown); errors name `source: testData[i]`.
 */
export function examplesFromRows(
  rows: Record<string, unknown>[],
  map: FieldMap,
  source: string,
  lines?: number[],
): Example[] {
  if (!Array.isArray(rows)) {
    throw new ConfigError(`${source}: testData must be a list of rows (got ${kindOf(rows)})`);
  }
  if (rows.length === 0) throw new ConfigError(`${source}: testData is empty`);
  const ids = new Identities();
  return rows.map((row: unknown, index) => {
    const line = lines?.[index];
    const where = `${source}${line === undefined ? '' : `:${line}`}: testData[${index}]`;
    if (!isRecord(row)) throw new ConfigError(`${where}: row is not an object (got ${kindOf(row)})`);
    return reduceRow(row, map, where, { index, line: line ?? index + 1 }, ids);
  });
}

export function toExample(raw: RawRow, map: FieldMap, file: string, ids = new Identities()): Example {
  return reduceRow(raw.row, map, rowLocation(file, raw), raw, ids);
}

function reduceRow(
  row: Record<string, unknown>,
  map: FieldMap,
  where: string,
  at: { index: number; line: number; inArray?: true },
  ids: Identities,
): Example {
  // fromEntries defines own properties, so even a field named "__proto__" is stored as data.
  const fields = Object.fromEntries(map.input.map((name) => [name, requireField(row, name, where)]));
  const target = requireField(row, map.target, where);
  const example: Example = {
    id: ids.next(contentHash(fields, target)),
    index: at.index,
    line: at.line,
    fields,
    target,
  };
  if (at.inArray) example.inArray = true;
  const labelled = map.labelled && labelledOf(row, map.labelled, where);
  if (labelled) example.labelled = labelled;
  return example;
}

/** A row's person-given grade and the answer it grades; none when the row has no label. */
function labelledOf(row: Record<string, unknown>, fields: Calibration, where: string) {
  const label = stringifyValue(lookupPath(row, fields.label));
  if (label === undefined || label.trim() === '') return undefined;
  return { label: label.trim(), output: requireField(row, fields.output, `${where} (labelled)`) };
}

function requireField(row: Record<string, unknown>, path: string, where: string): string {
  const value = stringifyValue(lookupPath(row, path));
  if (value !== undefined) return value;
  const keys = Object.keys(row);
  const listed = keys.slice(0, MAX_LISTED_KEYS).join(', ') + (keys.length > MAX_LISTED_KEYS ? ', …' : '');
  throw new ConfigError(
    `${where}: missing field "${path}" (${keys.length ? `row has: ${listed}` : 'row is empty'})`,
  );
}

/**
 * sha256 hex of the canonical JSON of {fields, target}: keys sorted by code unit, no whitespace.
 * Built by hand because JSON.stringify puts integer-like keys ("2", "10") first, whatever the order.
 * The id depends on the used content only, so it survives reordering, appended rows, extra columns
 * and a change of file format.
 */
export function contentHash(fields: Record<string, string>, target: string): string {
  const members = Object.keys(fields)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((key) => `${JSON.stringify(key)}:${JSON.stringify(fields[key])}`);
  const canonical = `{"fields":{${members.join(',')}},"target":${JSON.stringify(target)}}`;
  return createHash('sha256').update(canonical).digest('hex');
}
