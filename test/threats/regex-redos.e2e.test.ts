// Untrusted patterns cannot hang the runner. A regex scorer `(a+)+$` and a model answering `aaaa…a!`
// took JavaScript's backtracking engine ~2^40 steps, and a `files` glob such as `prompts/(a|aa)+x`
// did the same to picomatch against a file the PR names `prompts/aaaa…a!`: the run never ended and
// deadline-minutes could not stop it. Through the bundled Action, each pattern is committed in the
// base config (so it is in force whichever side's config the gate reads): patterns RE2 can run are
// matched in linear time and scored correctly, the others are refused with one line naming them.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { EXAMPLES } from '../action/git-fixture.js';
import { MATH, mathPrompt, removeActionCopy, runAction } from '../action/harness.js';
import { modelCalls, readReport, summaries, world, writes } from '../action/scenarios.js';
import { proxiedWorld } from '../hostile/world.js';

afterAll(removeActionCopy);

const CONFIG = '.github/lpo.yml';
const ECHO = 'prompts/redos/echo.txt';
/** 40 characters JavaScript's `(a+)+$` cannot finish with; `aaaa` it matches. */
const HOSTILE = `${'a'.repeat(40)}!`;
/** A file name picomatch's regex for `prompts/(a|aa)+x` backtracks on for ~fib(80) steps. */
const NAMED = `prompts/${'a'.repeat(80)}!`;

const examplesConfig = () => readFile(path.join(EXAMPLES, CONFIG), 'utf8');

/** The examples' config with one more entry appended (YAML lines under `prompts:`). */
async function configPlus(entry: string[]): Promise<string> {
  return `${(await examplesConfig()).trimEnd()}\n${entry.map((line) => `  ${line}`).join('\n')}\n`;
}

/** Line of `needle` in `text`, 1-based, for the error line the user must see. */
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

const ROWS = Array.from({ length: 40 }, (_, i) =>
  JSON.stringify({ question: `Repeat the letter a four times (${i}).`, answer: 'aaaa' }),
).join('\n');

describe.concurrent('patterns from the repository cannot hang the runner', () => {
  it('scores (a+)+$ against aaaa…a! answers in linear time, and the drop they cause is caught', async (ctx) => {
    const { expect } = ctx;
    const config = await configPlus([
      '- files: "prompts/redos/*.txt"',
      '  dataset: data/redos.jsonl',
      '  input: question',
      '  target: answer',
      '  scorer: { type: regex, pattern: "(a+)+$" }',
      '  split: { dev: 0.5, seed: 1 }',
    ]);
    const w = await proxiedWorld(ctx, {
      baseEdits: { [CONFIG]: config, 'data/redos.jsonl': `${ROWS}\n`, [ECHO]: 'Answer with letters.\n' },
      edits: { [ECHO]: 'Answer with letters only, then shout.\n' },
      // The head's prompt makes the model answer with the 40 characters; the base's with `aaaa`.
      decorate: (_content, request) =>
        request.messages?.some((m) => m.content.includes('shout')) ? HOSTILE : 'aaaa',
    });
    const started = Date.now();
    const run = await runAction(w, { inputs: { optimize: 'false' } });
    const took = `${Date.now() - started} ms`;
    // A hang would be killed by the harness (code null); the drop fails the check.
    expect(run.code, `${took}\n${run.stdout}${run.stderr}`).toBe(1);
    expect(run.outputs['regressed']).toBe('true');
    const report = await readReport(run.outputs['report']!);
    const echo = report.prompts.find((p) => p.path === ECHO)!;
    const test = echo.base!.splits.test!.total;
    expect(test).toBeGreaterThan(0);
    expect(echo.base!.splits.test).toMatchObject({ correct: test, errors: 0 });
    expect(echo.head!.splits.test).toMatchObject({ total: test, correct: 0, errors: 0 });
    expect(echo.regressed).toBe(true);
    const [comment] = summaries(w);
    expect(comment!.body).toContain(ECHO);
    expect(comment!.body).toMatch(/\| test \| \d+ \| 100\.0 % → 0\.0 % \| -100\.0 \[/);
    expect(w.proxy.requests.some((r) => r.body.includes('shout'))).toBe(true);
  }, 150_000);

  it('refuses a scorer pattern that needs backtracking at load, with one line, before any model call', async (ctx) => {
    const { expect } = ctx;
    const pattern = '(a+)+(?=!)';
    const config = (await examplesConfig()).replace(
      'scorer: numeric',
      `scorer: { type: regex, pattern: "${pattern}" }`,
    );
    const w = await world(ctx, {
      baseEdits: { [CONFIG]: config },
      edits: { [MATH]: `${await mathPrompt()}Be precise.\n` },
    });
    const run = await runAction(w);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.errors).toEqual([
      expect.stringMatching(
        new RegExp(
          `^\\.github/lpo\\.yml:${lineOf(config, pattern)}(:\\d+)?: prompts\\[0\\]\\.scorer\\.pattern: regex /\\(a\\+\\)\\+\\(\\?=!\\)/ cannot be matched in linear time \\(RE2: .*\\(\\?=.*\\); backreferences and lookaround need backtracking`,
        ),
      ),
    ]);
    expect(modelCalls(w)).toBe(0);
    expect(writes(w)).toEqual([]);
  }, 90_000);

  it('matches a files glob such as prompts/(a|aa)+x in linear time against a crafted file name', async (ctx) => {
    const { expect } = ctx;
    // No extension: the entry may cover .prompt.yml files, so it needs no dataset of its own.
    const config = await configPlus(['- files: "prompts/(a|aa)+x"']);
    const w = await world(ctx, {
      baseEdits: { [CONFIG]: config },
      edits: { [MATH]: `${await mathPrompt()}Be precise.\n`, [NAMED]: 'not a prompt\n' },
    });
    // "Be precise." changes little: too little to judge a 2 pp drop, which must not fail this check.
    const run = await runAction(w, { inputs: { optimize: 'false', 'fail-on-inconclusive': 'false' } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.errors).toEqual([]);
    const report = await readReport(run.outputs['report']!);
    expect(report.prompts.map((p) => p.path)).toEqual([MATH]);
    const [comment] = summaries(w);
    expect(comment!.body).toContain(MATH);
    expect(comment!.body).not.toContain('aaaaaaaa');
  }, 150_000);

  it('refuses an extglob in files at load with one line naming it, before any model call', async (ctx) => {
    const { expect } = ctx;
    const glob = 'prompts/+([a-z]|a)x';
    const config = await configPlus([`- files: "${glob}"`]);
    const w = await world(ctx, {
      baseEdits: { [CONFIG]: config },
      edits: { [MATH]: `${await mathPrompt()}Be precise.\n`, [NAMED]: 'not a prompt\n' },
    });
    const run = await runAction(w);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.errors).toEqual([
      `${CONFIG}:${lineOf(config, glob)}: prompts[2].files: glob "${glob}" uses an extglob (+(…), *(…), ?(…), @(…) or !(…)), whose matching can take exponential time: use {a,b} or several globs`,
    ]);
    expect(modelCalls(w)).toBe(0);
    expect(writes(w)).toEqual([]);
  }, 90_000);
});
