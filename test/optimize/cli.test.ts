// `lpo optimize` end to end on the simulator over real HTTP: the plan against what each step used, the
// JSON fields (plan, steps, budget by purpose, splits), the final prompt printed in full, and --write.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { optimizeCommand } from '../../src/cli/optimize-command.js';
import { parsePromptYml } from '../../src/config/prompt-file.js';
import { percent } from '../../src/core/format.js';
import { startSimulator } from '../../src/tools/simulator/simulator.js';
import { answerKey } from './helpers.js';

const gsmSim = await startSimulator({ answerKey, seed: 3 });
// BBH boolean_expressions (MIT), as published in ../shared/data.
const bbh = (
  JSON.parse(
    readFileSync(new URL('../../../shared/data/bbh/boolean_expressions.json', import.meta.url), 'utf8'),
  ) as {
    examples: { input: string; target: string }[];
  }
).examples;
const boolSim = await startSimulator({ answerKey: bbh, seed: 3 });
afterAll(() => Promise.all([gsmSim.close(), boolSim.close()]));

/** Enough GSM8K rows that --dev 100 --test 100 fills both splits (rows are cut by a hash of each). */
const GSM_ROWS = readFileSync(new URL('../../../shared/data/gsm8k/test.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .slice(0, 240)
  .join('\n');
const SPLIT = ['--dev', '100', '--test', '100'];
const GSM = ['--dataset', 'gsm.jsonl', '--input', 'question', '--target', 'answer', '--scorer', 'numeric'];

function workdir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lpo-opt-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Runs the command in `dir` (prompt paths must sit under the working directory, as in a repository). */
async function run(dir: string, argv: string[]) {
  let printed = '';
  let errors = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    printed += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    errors += String(chunk);
    return true;
  });
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const code = await optimizeCommand([...argv, '--no-cache', '--json', 'out.json']);
    return { code, printed, errors, body: JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) };
  } finally {
    process.chdir(cwd);
    out.mockRestore();
    err.mockRestore();
  }
}

type Body = Awaited<ReturnType<typeof run>>['body'];

/** What every result must satisfy, whatever the search found: the budget adds up and test is not searched. */
function expectAccounting(body: Body, printed: string) {
  const b = body.budget;
  expect(b.used).toBe(b.calls);
  expect(b.used).toBeLessThanOrEqual(b.maxCalls);
  const purposes = ['task-search', 'task-validation', 'task-test', 'optimizer'];
  expect(Object.keys(b.byPurpose).sort()).toEqual(purposes.sort());
  expect(Object.values(b.byPurpose as Record<string, number>).reduce((x, y) => x + y, 0)).toBe(b.used);
  // Test is scored for the head and the final prompt only: never more than twice its size.
  expect(b.byPurpose['task-test']).toBeLessThanOrEqual(2 * body.splits.test);
  for (const p of body.plan.steps) {
    expect(printed).toContain(`  step ${p.step}: ${p.parents} parent`);
    expect(printed).toContain(`≤ ${p.calls.total.toLocaleString('en-US')} calls`);
  }
  const rows = printed.split('\n');
  for (const s of body.steps) {
    const row = rows.find((r) => new RegExp(`^\\s*${s.step}\\s+${s.proposed}\\s+${s.scored}\\s`).test(r));
    expect(row, `step ${s.step} row`).toBeDefined();
    expect(row).toContain(percent(s.search));
    expect(row).toContain(percent(s.validation));
    if (s.step > 0) expect(s.plannedCalls).toBe(body.plan.steps[s.step - 1].calls.total);
  }
  expect(printed).not.toContain('does not lose to the head prompt on test');
}

describe('lpo optimize', () => {
  it('with the defaults on 100 dev / 100 test: runs the plan, prints the final prompt and --write applies it', async () => {
    const head = 'Guess the answer quickly.\n';
    const dir = workdir({ 'math.txt': head, 'gsm.jsonl': GSM_ROWS });
    const res = await run(dir, [
      '--prompt',
      'math.txt',
      ...GSM,
      ...SPLIT,
      '--base-url',
      gsmSim.url,
      '--write',
    ]);
    expect(res.code, res.errors).toBe(0);
    const { body, printed } = res;
    expect(printed).toContain('math.txt: LPO (apo, local, beam search) SIMULATED');
    expect(body).toMatchObject({ simulated: true, search: 'beam', splits: { test: 100 } });
    expect(body.splits.search + body.splits.validation).toBe(100);
    expect(printed).toContain(
      `data: ${body.splits.search} search, ${body.splits.validation} validation, 100 test`,
    );
    expect(body.budget.maxCalls).toBe(1000);
    expectAccounting(body, printed);
    expect(body.plan.steps.map((p: { step: number }) => p.step)).toEqual([1, 2, 3]);
    expect(body.steps.map((s: { step: number }) => s.step)).toEqual([0, 1, 2, 3]);

    // "Guess" makes the simulated model worse: a better prompt is found and accepted on validation.
    expect(body.improved, body.withheld).toBe(true);
    expect(body.withheld).toBeUndefined();
    expect(body.best.validation).toBeGreaterThan(body.head.validation);
    expect(printed).toContain(`final prompt (step ${body.best.step}):\n-----\n${body.best.prompt}`);
    expect(printed).toContain('wrote the suggested prompt to math.txt');
    expect(body.written).toBe(true);
    expect(readFileSync(join(dir, 'math.txt'), 'utf8')).toBe(body.best.prompt);
  });

  it('--write refuses, in one line, a suggestion that is withheld and leaves the file as it was', async () => {
    const head = 'Guess the answer quickly.\n';
    const dir = workdir({ 'math.txt': head, 'gsm.jsonl': GSM_ROWS });
    const args = ['--prompt', 'math.txt', ...GSM, ...SPLIT, '--base-url', gsmSim.url, '--write'];
    // Too few calls to score the head prompt and search: nothing may be suggested.
    const res = await run(dir, [...args, '--max-calls', '150']);
    expect(res.code, res.errors).toBe(0);
    expect(res.body.withheld).toEqual(expect.any(String));
    expect(res.body.written).toBe(false);
    expect(res.printed).toContain(`--write: math.txt not written: ${res.body.withheld}`);
    expect(res.printed).toContain(`no suggestion: ${res.body.withheld}`);
    expect(readFileSync(join(dir, 'math.txt'), 'utf8')).toBe(head);
    expectAccounting(res.body, res.printed);
  });

  it('--search pareto on a .prompt.yml: --write puts the whole file back, only the system message changed', async () => {
    const rows = bbh
      .slice(0, 240)
      .map((e) => `  - input: ${JSON.stringify(e.input)}\n    expected: ${JSON.stringify(e.target)}`);
    const file = [
      'name: Boolean expressions',
      'messages:',
      '  - role: system',
      '    content: Guess quickly. Think step by step, then end with "The answer is True." or "The answer is False."',
      '  - role: user',
      '    content: "{{input}}"',
      'testData:',
      ...rows,
      'evaluators:',
      '  - name: answer matches',
      '    string:',
      '      equals: "{{expected}}"',
      '',
    ].join('\n');
    const dir = workdir({ 'bool.prompt.yml': file });
    const res = await run(dir, [
      '--prompt',
      'bool.prompt.yml',
      ...SPLIT,
      '--base-url',
      boolSim.url,
      '--search',
      'pareto',
      '--write',
    ]);
    expect(res.code, res.errors).toBe(0);
    const { body, printed } = res;
    expect(printed).toContain('bool.prompt.yml: LPO (apo, local, pareto search) SIMULATED');
    expect(body.search).toBe('pareto');
    expectAccounting(body, printed);
    expect(body.improved, body.withheld).toBe(true);
    expect(body.withheld).toBeUndefined();
    const written = readFileSync(join(dir, 'bool.prompt.yml'), 'utf8');
    const before = parsePromptYml(file, 'bool.prompt.yml');
    const after = parsePromptYml(written, 'bool.prompt.yml');
    expect(after.messages[0]).toEqual({ role: 'system', content: body.best.prompt });
    expect(after.messages.slice(1)).toEqual(before.messages.slice(1));
    expect(after.testData).toEqual(before.testData);
    expect(printed).toContain('wrote the suggested prompt to bool.prompt.yml');
  });

  it('rejects a bad --method or --search in one line', async () => {
    await expect(optimizeCommand(['--method', 'sgd'])).rejects.toThrow(
      '--method: expected ape, apo, pe2, got "sgd"',
    );
    await expect(optimizeCommand(['--search', 'greedy'])).rejects.toThrow(
      '--search: expected beam, pareto, got "greedy"',
    );
  });
});
