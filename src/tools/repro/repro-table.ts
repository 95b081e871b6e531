// The table `npm run repro` prints: one row for the initial prompt, one per method × mode.
import { percent } from '../../core/format.js';
import { SIMULATED_NOTE } from '../../eval/format.js';
import type { EvalRun } from '../../eval/run.js';
import type { FileOptimizeResult, OptimizeMethod, OptimizeMode } from '../../optimize/index.js';

export type Row = string[];

export const HEADER: Row = ['method', 'mode', 'dev', 'test', 'steps-to-best', 'calls'];

export function initialRow(headRun: EvalRun, calls: number): Row {
  const { dev, test } = headRun.splits;
  return [
    '(initial)',
    '',
    percent(dev!.summary.accuracy),
    percent(test!.summary.accuracy),
    '',
    String(calls),
  ];
}

export function resultRow(method: OptimizeMethod, mode: OptimizeMode, result: FileOptimizeResult): Row {
  const { best, budget } = result;
  const calls = `${budget.calls}${budget.exhausted ? ' (budget)' : ''}`;
  return [method, mode, percent(best.dev), percent(best.test), String(best.step), calls];
}

/** Writes the rows to stdout under a title: the first two columns left-aligned, the figures right-aligned. */
export function printTable(title: string, rows: Row[], simulated: boolean): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  process.stdout.write(`\n${title}${simulated ? ' SIMULATED' : ''}\n`);
  for (const row of rows)
    process.stdout.write(
      `${row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')}\n`,
    );
  if (simulated) process.stdout.write(`${SIMULATED_NOTE}\n`);
}
