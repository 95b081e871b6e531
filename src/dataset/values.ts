// Small helpers shared by the dataset readers and the row reducer: value kinds, field lookup,
// stringification. Kept apart so the readers and the reducer do not import each other.

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "an array", "null", "a string", … for error messages. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' || type === 'undefined' ? type : `a ${type}`;
}

export interface RawRow {
  /** 0-based position among the file's rows (blank lines and a CSV header are not rows). */
  index: number;
  /** 1-based line where the row starts. */
  line: number;
  row: Record<string, unknown>;
  /** Set for rows of a JSON array, whose line alone may not tell them apart: messages add `(row N)`. */
  inArray?: true;
}

/** `data.jsonl:7`, or `data.json:1 (row 17)` for a row of a JSON array (N counts rows from 1). */
export function rowLocation(file: string, raw: { line: number; index: number; inArray?: true }): string {
  return raw.inArray ? `${file}:${raw.line} (row ${raw.index + 1})` : `${file}:${raw.line}`;
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** ConfigError messages are one line; parser messages may quote multi-line input. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * A field path: a key the row has as written wins (CSV headers and flat JSON keys may contain dots),
 * otherwise dots descend into nested objects (and arrays, by index: `lSolutions.0`).
 * Only own properties count, so `constructor` or `__proto__` never resolve to prototype members.
 */
export function lookupPath(row: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(row, path)) return row[path];
  let current: unknown = row;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * A field value as the text a template or scorer sees; undefined means "missing" (null counts as
 * missing too: a null answer is never a real target). Strings stay as they are, numbers and
 * booleans are stringified (JSON's `39.0` is the number 39, so it reads "39"). An array holding
 * exactly one scalar is that scalar: MultiArith stores its answer as `lSolutions: [39.0]` and the
 * target should read "39", not "[39]". Any other array or object is its JSON.
 */
export function stringifyValue(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (Array.isArray(value) && value.length === 1 && isScalar(value[0])) return String(value[0]);
  return JSON.stringify(value);
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
