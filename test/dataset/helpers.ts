// Shared by the dataset tests: temp files and full-message assertions on ConfigErrors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { type RawRow, readRows } from '../../src/dataset/read.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'dataset');

/** A temp directory removed after the calling test file; returns a writer of files in it. */
export function tempFiles(): (name: string, content: string) => string {
  const dir = mkdtempSync(join(tmpdir(), 'lpo-dataset-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (name, content) => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };
}

export async function collect(file: string): Promise<RawRow[]> {
  const rows: RawRow[] = [];
  for await (const row of readRows(file)) rows.push(row);
  return rows;
}

/** The message of the ConfigError `run` must throw (sync or async). */
export async function configError(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

/** What JSON.parse says about `text`, as the readers quote it (one line). */
export function jsonParseMessage(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message.replace(/\s+/g, ' ').trim();
  }
  throw new Error(`valid JSON: ${text}`);
}
