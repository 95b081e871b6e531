// Bad Action inputs and a representative set of bad configs, datasets and prompt files through the
// bundled Action: the step fails with exactly one ::error:: line naming the input or file:line,
// before any model call, and nothing is posted to the PR.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { EXAMPLES } from '../action/git-fixture.js';
import { MATH, mathPrompt, removeActionCopy, runAction } from '../action/harness.js';
import { modelCalls, world, writes } from '../action/scenarios.js';
import { CONFIG_CASES, DATASET_CASES, PROMPT_CASES } from './cases.js';

afterAll(removeActionCopy);

/** Each bad input with what its one error line must say. */
const INPUTS: [string, string, RegExp][] = [
  ['fail-on', 'sometimes', /^input fail-on: expected .*got "sometimes"$/],
  ['min-delta', '-1', /^input min-delta: expected a number from 0 to 100.*got "-1"$/],
  ['min-accuracy', '150', /^input min-accuracy: expected a number from 0 to 100.*got "150"$/],
  ['concurrency', '0', /^input concurrency: expected an integer from 1 to 256, got "0"$/],
  ['optimize', 'maybe', /^input optimize: expected true or false, got "maybe"$/],
  ['method', 'sgd', /^input method: expected ape, apo, pe2, got "sgd"$/],
  ['mode', 'both', /^input mode: expected local, global, got "both"$/],
  ['steps', '0', /^input steps: expected an integer from 1 to \d+, got "0"$/],
  ['max-calls', 'lots', /^input max-calls: expected an integer from 1 to \d+, got "lots"$/],
  [
    'base-url',
    'ftp://models.example',
    /^input base-url: expected an http\(s\) URL.*"ftp:\/\/models\.example"$/,
  ],
  ['deadline-minutes', '0', /^input deadline-minutes: expected a number from 0\.1 to 1440.*got "0"$/],
];

const byName = (name: string) =>
  [...CONFIG_CASES, ...DATASET_CASES, ...PROMPT_CASES].find((c) => c.name === name)!;
/** A representative subset of the CLI's table (see cli.test.ts for all of them). */
const FILE_CASES = [
  'YAML syntax error',
  'unknown scorer',
  'bad JSON line',
  '.prompt.yml that is not YAML',
].map(byName);

describe.concurrent('the bundled Action on bad input', () => {
  it('rejects each bad input with one error line naming it, before any request', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, { edits: { [MATH]: `${await mathPrompt()}Be precise.\n` } });
    const runs = await Promise.all(
      INPUTS.map(([name, value]) => runAction(w, { inputs: { [name]: value } })),
    );
    for (const [i, run] of runs.entries()) {
      const [name, , message] = INPUTS[i]!;
      expect(run.code, `${name}: ${run.stdout}${run.stderr}`).toBe(1);
      expect(run.errors, name).toHaveLength(1);
      expect(run.errors[0]).toMatch(message);
      expect(run.stdout.split('\n').filter((l) => l.startsWith('::error'))).toHaveLength(1);
      expect(run.stderr).toBe('');
    }
    expect(modelCalls(w)).toBe(0);
    expect(w.fake.requests).toEqual([]);
  }, 90_000);

  for (const c of FILE_CASES) {
    it(`fails on ${c.name} with one line naming the file, before any model call or write`, async (ctx) => {
      const { expect } = ctx;
      // The PR touches the math prompt too, so its dataset and config entry are in play. A broken
      // dataset must be the repository's own (the base commit's): the gate never reads the PR's.
      const broken = textOf(c.files);
      const onBase = DATASET_CASES.includes(c);
      const edits = { [MATH]: `${await mathPrompt()}Be precise.\n`, ...(onBase ? {} : broken) };
      const w = await world(ctx, { edits, ...(onBase ? { baseEdits: broken } : {}) });
      const run = await runAction(w);
      expect(run.code, run.stdout + run.stderr).toBe(1);
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]).toMatch(c.message);
      expect(modelCalls(w)).toBe(0);
      expect(writes(w)).toEqual([]);
      expect(w.fake.violations).toEqual([]);
    }, 90_000);
  }

  it('checks every changed prompt and dataset before the first model call', async (ctx) => {
    const { expect } = ctx;
    // prompts/a.prompt.yml sorts first and is fine; the math prompt's dataset (the base commit's), second, is broken.
    const valid = await readFile(path.join(EXAMPLES, 'prompts/boolean.prompt.yml'), 'utf8');
    const w = await world(ctx, {
      baseEdits: textOf(byName('bad JSON line').files),
      edits: {
        'prompts/a.prompt.yml': valid.replace('name: Boolean expressions', 'name: Boolean, again'),
        [MATH]: `${await mathPrompt()}Be precise.\n`,
      },
    });
    const run = await runAction(w);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/data\/gsm8k\.jsonl:7: invalid JSON/);
    expect(modelCalls(w)).toBe(0);
    expect(writes(w)).toEqual([]);
  }, 90_000);
});

function textOf(files: Record<string, string | Buffer>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([f, t]) => [f, t.toString()]));
}
