// The README's Inputs table is how users learn what `with:` accepts; action.yml is what the runner
// actually reads. Both are written by hand, so this keeps them naming the same inputs and defaults.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../package/process.js';

interface Manifest {
  inputs: Record<string, { description?: string; default?: unknown }>;
  outputs: Record<string, unknown>;
}

const manifest = parse(await readFile(path.join(ROOT, 'action.yml'), 'utf8')) as Manifest;
const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');

/** The rows of the first table after `### <heading>`, as arrays of trimmed cells. */
function tableAfter(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === `### ${heading}`);
  if (start < 0) throw new Error(`README.md has no "### ${heading}" section`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#')) break;
    if (!line.startsWith('|')) {
      if (rows.length > 0) break;
      continue;
    }
    // Cells split on pipes that are not escaped (`\|` is a literal pipe inside a cell).
    rows.push(
      line
        .trim()
        .replace(/^\||\|$/g, '')
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

/** The text of a cell holding one code span, e.g. `` `8` ``; `` `''` `` is the empty string. */
const codeSpan = (cell: string | undefined) => {
  const text = /^`([^`]*)`$/.exec(cell ?? '')?.[1];
  return text === "''" ? '' : text;
};

const [header, separator, ...rows] = tableAfter(readme, 'Inputs');
const documented = new Map(
  rows.map((cells) => [codeSpan(cells[0]) ?? cells[0], { default: codeSpan(cells[1]), meaning: cells[2] }]),
);

describe('README Inputs table', () => {
  it('is a three-column table: input, default, meaning', () => {
    expect(header).toEqual(['input', 'default', 'meaning']);
    expect(separator?.every((cell) => /^:?-+:?$/.test(cell))).toBe(true);
    for (const cells of rows) expect(cells).toHaveLength(3);
  });

  it('writes each input and each default as one code span', () => {
    for (const cells of rows) {
      expect(codeSpan(cells[0]), cells[0]).toBeDefined();
      expect(codeSpan(cells[1]), `default of ${cells[0]}: ${cells[1]}`).toBeDefined();
    }
  });

  it('lists every input of action.yml once, and no other', () => {
    expect(rows.length).toBe(documented.size);
    expect([...documented.keys()].sort()).toEqual(Object.keys(manifest.inputs).sort());
  });

  it('gives each input the default action.yml gives it', () => {
    const actual = Object.fromEntries([...documented].map(([name, row]) => [name, row.default]));
    const expected = Object.fromEntries(
      Object.entries(manifest.inputs).map(([name, input]) => [name, String(input.default ?? '')]),
    );
    expect(actual).toEqual(expected);
  });

  it('says what each input means', () => {
    for (const [name, row] of documented) expect(row.meaning ?? '', name).toMatch(/\w{3}/);
  });

  it('names every output of action.yml after the table', () => {
    const outputs = /^Outputs:([\s\S]*?)\n\n/m.exec(readme)?.[1] ?? '';
    for (const name of Object.keys(manifest.outputs)) expect(outputs).toContain(`\`${name}\``);
  });
});
