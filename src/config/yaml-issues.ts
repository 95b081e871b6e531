// Turns YAML text plus a zod schema into typed data, or into ONE line a user can act on:
// `<file>:<line>: <key path>: <what was expected>, got <what was there>`.
// zod reports paths, not lines, so each issue's path is walked through the YAML node tree.

import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import * as z from 'zod';
import { ConfigError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';

export interface ParsedYaml {
  file: string;
  data: unknown;
  doc: Document;
  lines: LineCounter;
}

export function readYaml(text: string, file: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0].line ?? 1;
    // prettyErrors appends "at line L, column C:" and a code frame; keep the one-line reason.
    const reason = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    // The parser recurses per level and reports its own stack overflow as an error of the document.
    if (/call stack/i.test(reason)) {
      throw new ConfigError(
        `${file}:${line}: YAML nested too deeply to read (collections inside each other)`,
      );
    }
    throw new ConfigError(`${file}:${line}: YAML syntax error: ${reason}`);
  }
  try {
    return { file, data: doc.toJS(), doc, lines };
  } catch (cause) {
    // toJS refuses alias bombs ("Excessive alias count"); still the user's file to fix.
    throw new ConfigError(`${file}:1: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export function validateYaml<T extends z.ZodType>(parsed: ParsedYaml, schema: T): z.output<T> {
  const result = schema.safeParse(parsed.data, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(firstProblem(parsed, result.error.issues));
}

/** The issue nearest the top of the file, as one line; later ones are usually consequences. */
export function firstProblem(parsed: ParsedYaml, issues: readonly z.core.$ZodIssue[]): string {
  const located = issues.map((issue) => {
    const problem = describeIssue(issue, []);
    return { ...problem, line: lineOf(parsed, problem.path) };
  });
  // A misspelt key (`datasets:`) also makes the key it stands for missing, and "missing key" sits on
  // the line above it; the unknown key is the one to show, since renaming it fixes both.
  const unknownIn = new Set(
    located.filter((p) => p.message.startsWith('unknown key ')).map((p) => formatPath(p.path.slice(0, -1))),
  );
  const causes = located.filter(
    (p) => !(p.message.startsWith('missing key ') && unknownIn.has(formatPath(p.path))),
  );
  causes.sort((a, b) => a.line - b.line);
  const first = causes[0]!;
  return problemLine(parsed.file, first.line, first.path, first.message);
}

export function problemLine(
  file: string,
  line: number,
  path: readonly PropertyKey[],
  message: string,
): string {
  const where = formatPath(path);
  return `${file}:${line}: ${where ? `${where}: ` : ''}${message}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

interface Problem {
  path: PropertyKey[];
  message: string;
}

function describeIssue(issue: z.core.$ZodIssue, prefix: PropertyKey[]): Problem {
  const path = [...prefix, ...issue.path];
  const got = `, got ${describe(issue.input)}`;
  switch (issue.code) {
    case 'invalid_union': {
      const discriminated = issue as { discriminator?: string; options?: unknown[] };
      if (discriminated.discriminator && discriminated.options) {
        const options = discriminated.options.map(String).join('|');
        const value = (issue.input as Record<string, unknown> | undefined)?.[discriminated.discriminator];
        if (value === undefined) {
          return problem(
            path.slice(0, -1),
            `missing key "${discriminated.discriminator}" (one of ${options})`,
          );
        }
        return problem(path, `expected one of ${options}, got ${describe(value)}`);
      }
      // The branch that accepted the value's shape explains the failure best ("files[1]: expected a string").
      const branch = issue.errors.find((errors) => errors.length > 0 && !rejectsShape(errors));
      if (branch) return describeIssue(branch[0]!, path);
      const message =
        issue.message === 'Invalid input' ? `expected ${branchTypes(issue.errors)}` : issue.message;
      return problem(path, message + got);
    }
    case 'invalid_type': {
      if (issue.input === undefined && path.length > 0) {
        return problem(path.slice(0, -1), `missing key "${String(path.at(-1))}"`);
      }
      return problem(path, `expected ${typeName(issue.expected)}${got}`);
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      const expected = values.length === 1 ? JSON.stringify(values[0]) : `one of ${values.join('|')}`;
      return problem(path, `expected ${expected}${got}`);
    }
    case 'unrecognized_keys':
      return problem([...path, issue.keys[0] ?? ''], issue.message);
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = small ? issue.minimum : issue.maximum;
      if (issue.origin === 'array') {
        return problem(path, small && Number(bound) === 1 ? `expected a non-empty list` : issue.message);
      }
      if (issue.origin === 'string') return problem(path, `expected a non-empty string${got}`);
      const op = small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      return problem(path, `expected a number ${op} ${String(bound)}${got}`);
    }
    default:
      return problem(path, issue.message);
  }
}

function problem(path: PropertyKey[], message: string): Problem {
  return { path, message };
}

/** A union branch that failed on the value's type at the top, i.e. was never the intended one. */
function rejectsShape(errors: readonly z.core.$ZodIssue[]): boolean {
  return errors.some(
    (issue) =>
      issue.path.length === 0 &&
      (issue.code === 'invalid_type' ||
        (issue.code === 'invalid_value' &&
          issue.values.every((value) => typeof value !== typeof issue.input))),
  );
}

function branchTypes(branches: readonly (readonly z.core.$ZodIssue[])[]): string {
  const names = branches.flatMap((errors) =>
    errors.filter((issue) => issue.code === 'invalid_type').map((issue) => typeName(issue.expected)),
  );
  return [...new Set(names)].join(' or ') || 'another value';
}

function typeName(expected: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    int: 'an integer',
    boolean: 'true or false',
    array: 'a list',
    object: 'a mapping',
    record: 'a mapping',
  };
  return names[expected] ?? expected;
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') {
    const shown = JSON.stringify(value);
    return shown.length > 60 ? `${shown.slice(0, 57)}..."` : shown;
  }
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

/** Line of the node at path; when part of the path is absent, the line of its nearest existing parent. */
export function lineOf(parsed: ParsedYaml, path: readonly PropertyKey[]): number {
  const lineAt = (offset: number | undefined) =>
    offset === undefined ? 1 : parsed.lines.linePos(offset).line;
  let node: unknown = parsed.doc.contents;
  let line = lineAt((node as { range?: [number] } | null)?.range?.[0]);
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) break;
      // A key's line is where the user looks, even when its value is a block starting below it.
      line = lineAt((pair.key as { range?: [number] }).range?.[0]);
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as { range?: [number] } | undefined;
      if (!item) break;
      line = lineAt(item.range?.[0]);
      node = item;
    } else break;
  }
  return line;
}

/**
 * z.strictObject whose unknown-key message names the key and, when one is close, the key meant:
 * `unknown key "scorrer" (did you mean "scorer"?)`.
 */
export function strictObject<S extends z.ZodRawShape>(shape: S) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const key = issue.keys[0] ?? '';
      const meant = didYouMean(key, known);
      return meant
        ? `unknown key "${key}" (did you mean "${meant}"?)`
        : `unknown key "${key}" (expected one of ${known.join(', ')})`;
    },
  });
}
