// The table `npm run repro` prints: one row for the initial prompt, one per method × mode, and for
// each search strategy (beam, pareto) a group of columns side by side. Validation chose the prompt;
// test was scored for the initial and the final prompt only.
import { percent } from '../../core/format.js';
import { SIMULATED_NOTE } from '../../eval/format.js';
import type {
  FileOptimizeResult,
  OptimizeMethod,
  OptimizeMode,
  PromptScore,
  SearchStrategy,
} from '../../optimize/index.js';

export type Row = string[];

const GROUP = ['val', 'test', 'step', 'calls', 'test calls'];

export function header(searches: SearchStrategy[]): Row {
  return ['method', 'mode', ...searches.flatMap((s) => GROUP.map((c) => `${s} ${c}`))];
}

/** The initial prompt, as the first result scored it (validation is the search's own split of dev). */
export function initialRow(head: PromptScore, searches: SearchStrategy[], calls: number): Row {
  const group = [percent(head.validation), percent(head.test), '', String(calls), ''];
  return ['(initial)', '', ...searches.flatMap(() => group)];
}

function group(result: FileOptimizeResult | undefined): string[] {
  if (!result) return GROUP.map(() => '');
  const { best, budget } = result;
  const calls = `${budget.calls}${budget.exhausted ? ' (budget)' : ''}`;
  return [
    percent(best.validation),
    percent(best.test),
    String(best.step),
    calls,
    String(budget.byPurpose['task-test']),
  ];
}

export function resultRow(
  method: OptimizeMethod,
  mode: OptimizeMode,
  searches: SearchStrategy[],
  results: Map<SearchStrategy, FileOptimizeResult>,
): Row {
  return [method, mode, ...searches.flatMap((s) => group(results.get(s)))];
}

/** Writes the rows to stdout under a title: the first two columns left-aligned, the figures right-aligned. */
export function printTable(title: string, rows: Row[], simulated: boolean): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  process.stdout.write(`\n${title}${simulated ? ' SIMULATED' : ''}\n`);
  for (const row of rows)
    process.stdout.write(
      `${row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')}\n`,
    );
  process.stdout.write(
    'val: accuracy on the validation part of dev, which chose the prompt; test: scored for the initial and the final prompt only; step: the step its best was accepted at; calls: the search alone (the initial prompt is scored once and shared); test calls: of those, on test\n',
  );
  if (simulated) process.stdout.write(`${SIMULATED_NOTE}\n`);
}
