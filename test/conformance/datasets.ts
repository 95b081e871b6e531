// The real datasets in ../shared/data, as published, and what a user would pass to score them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/cli.js';

export const SHARED_DATA = path.resolve(ROOT, '..', 'shared', 'data');
export const HAVE_SHARED_DATA = existsSync(SHARED_DATA);

export interface SharedDataset {
  name: string;
  file: string;
  input: string;
  target: string;
  scorer: string;
}

export function sharedDatasets(): SharedDataset[] {
  if (!HAVE_SHARED_DATA) return [];
  const bbh = readdirSync(path.join(SHARED_DATA, 'bbh'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      name: `bbh/${f}`,
      file: path.join(SHARED_DATA, 'bbh', f),
      input: 'input',
      target: 'target',
      scorer: 'exact',
    }));
  const gsm8k = ['test.jsonl', 'train.jsonl'].map((f) => ({
    name: `gsm8k/${f}`,
    file: path.join(SHARED_DATA, 'gsm8k', f),
    input: 'question',
    target: 'answer',
    scorer: 'numeric',
  }));
  const multiarith = {
    name: 'multiarith/MultiArith.json',
    file: path.join(SHARED_DATA, 'multiarith', 'MultiArith.json'),
    input: 'sQuestion',
    target: 'lSolutions.0',
    scorer: 'numeric',
  };
  return [...bbh, ...gsm8k, multiarith];
}

/** Rows counted independently of the project's readers: parsed JSON, or non-blank JSONL lines. */
export function rowCount(file: string): number {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.jsonl')) return text.split('\n').filter((l) => l.trim() !== '').length;
  const data = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown[] | { examples: unknown[] };
  return Array.isArray(data) ? data.length : data.examples.length;
}

/** The same data written the other ways tools write it; none may change a row's split. */
export function reformatted(file: string): { name: string; text: string }[] {
  const original = readFileSync(file, 'utf8');
  const crlf = (t: string) => t.replace(/\r?\n/g, '\r\n');
  if (file.endsWith('.jsonl')) {
    const lines = original.split('\n').filter((l) => l.trim() !== '');
    const minified = `${lines.map((l) => JSON.stringify(JSON.parse(l))).join('\n')}\n`;
    return [
      { name: 'minified', text: minified },
      { name: 'crlf', text: crlf(original) },
      { name: 'bom', text: `\uFEFF${original}` },
      { name: 'blank-lines', text: `\n${lines.join('\n\n')}\n\n` },
    ];
  }
  const data: unknown = JSON.parse(original);
  const pretty = `${JSON.stringify(data, null, 2)}\n`;
  return [
    { name: 'pretty', text: pretty },
    { name: 'minified', text: JSON.stringify(data) },
    { name: 'crlf', text: crlf(pretty) },
    { name: 'bom', text: `\uFEFF${original}` },
  ];
}
