// `npm run repro` in-process on the simulator: beam and pareto side by side for one method × mode,
// test scored for the initial prompt once and by each search for its final prompt only, every figure
// labelled SIMULATED. Needs the paper's datasets in ../shared/data, as the optimizer tests do.
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SIMULATED_NOTE } from '../../src/eval/format.js';
import { repro } from '../../src/tools/repro/repro.js';

const DATA = path.resolve(import.meta.dirname, '../../../shared/data');
const TEST_N = 20;

afterEach(() => vi.restoreAllMocks());

async function capture(argv: string[]) {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const code = await repro(argv);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

/** A table row's cells: columns are separated by two spaces or more, a figure holds at most one. */
const cells = (line: string) => line.trim().split(/\s{2,}/);

describe('npm run repro', () => {
  it('prints beam and pareto side by side, and no search scores test for more than its final prompt', async () => {
    const args = ['--dataset', 'multiarith', '--data-dir', DATA, '--n', String(TEST_N)];
    const res = await capture([...args, '--method', 'apo', '--mode', 'local']);
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('multiarith (PE2 protocol'))).toMatch(/ SIMULATED$/);
    expect(res.stdout).toContain(SIMULATED_NOTE);
    const header = cells(lines.find((l) => l.startsWith('method'))!);
    expect(header.slice(0, 2)).toEqual(['method', 'mode']);
    for (const search of ['beam', 'pareto'])
      for (const column of ['val', 'test', 'step', 'calls', 'test calls'])
        expect(header).toContain(`${search} ${column}`);
    const row = cells(lines.find((l) => l.startsWith('apo'))!);
    expect(row).toHaveLength(header.length);
    expect(row.slice(0, 2)).toEqual(['apo', 'local']);
    for (const search of ['beam', 'pareto']) {
      const testCalls = Number(row[header.indexOf(`${search} test calls`)]);
      expect(testCalls).toBeLessThanOrEqual(TEST_N);
      const calls = Number.parseInt(row[header.indexOf(`${search} calls`)]!, 10);
      expect(testCalls).toBeLessThanOrEqual(calls);
      expect(res.stderr).toMatch(new RegExp(`^apo/local/${search}: .*task-test ${testCalls}\\b`, 'm'));
    }
  });

  it('runs one search alone with --search, and rejects an unknown one in one line', async () => {
    const args = ['--dataset', 'multiarith', '--data-dir', DATA, '--n', '10', '--method', 'ape'];
    const res = await capture([...args, '--mode', 'global', '--search', 'pareto']);
    expect(res.code, res.stderr).toBe(0);
    const header = cells(res.stdout.split('\n').find((l) => l.startsWith('method'))!);
    expect(header.some((c) => c.startsWith('pareto '))).toBe(true);
    expect(header.some((c) => c.startsWith('beam '))).toBe(false);
    await expect(repro([...args, '--search', 'greedy'])).rejects.toThrow(
      '--search: expected beam, pareto, got "greedy"',
    );
  });
});
