// action.yml is what the runner reads before any code runs: if it does not parse, or lacks an input
// the code reads, the Action breaks (or silently falls back) on every workflow, whatever the tests say.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RUN_KEYS } from '../../src/app/settings.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface Manifest {
  inputs: Record<string, { description?: unknown; required?: unknown; default?: unknown }>;
  outputs: Record<string, { description?: unknown }>;
  runs: { using: string; main: string };
}

async function manifest(): Promise<Manifest> {
  return parse(await readFile(path.join(ROOT, 'action.yml'), 'utf8')) as Manifest;
}

describe('action.yml', () => {
  it('parses as YAML and runs the committed bundle on a Node the runner provides', async () => {
    const m = await manifest();
    expect(m.runs).toEqual({ using: expect.stringMatching(/^node(20|24)$/), main: 'dist/index.js' });
    expect(Object.keys(m.outputs).sort()).toEqual(['regressed', 'report']);
  });

  it('declares every input the Action reads, each with a description and a string default', async () => {
    const m = await manifest();
    const source = await readFile(path.join(ROOT, 'src/action/inputs.ts'), 'utf8');
    const read = [...source.matchAll(/\binput\('([a-z-]+)'\)/g)].map((match) => match[1]!);
    // The settings shared with the CLI are read through runSettings, by the names in RUN_KEYS.
    const wanted = new Set([...read, ...(source.includes('runSettings(') ? RUN_KEYS : [])]);
    expect(wanted.size).toBeGreaterThan(10);
    for (const name of wanted) expect(Object.keys(m.inputs), `input ${name}`).toContain(name);
    for (const [name, input] of Object.entries(m.inputs)) {
      expect(typeof input.description, `input ${name}: description`).toBe('string');
      expect(typeof input.default, `input ${name}: default (the runner passes text)`).toBe('string');
    }
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
    expect(m.inputs['github-token']!.default).toBe('${{ github.token }}');
  });
});
