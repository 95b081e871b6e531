import { DASH, percent } from '../core/format.js';
import { ANSWER_FAILURES, type SplitName, type SplitSummary, type UsageSnapshot } from '../core/types.js';
import { ignoredEntriesText } from '../llm/cache.js';
import type { JudgeSummary } from './report.js';

export function intervalText(iv: [number, number] | null): string {
  return iv ? `[${(iv[0] * 100).toFixed(1)}, ${(iv[1] * 100).toFixed(1)}]` : DASH;
}

function pad(cells: string[][]): string {
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  return cells
    .map((row) =>
      row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
    )
    .join('\n');
}

/** `12 truncated, 3 filtered, counted wrong`; empty when every wrong answer was a real answer. */
export function failuresText(failures: SplitSummary['failures']): string {
  const parts = ANSWER_FAILURES.filter((k) => (failures?.[k] ?? 0) > 0).map((k) => `${failures![k]} ${k}`);
  return parts.length === 0 ? '' : `${parts.join(', ')}, counted wrong`;
}

/**
 * The per-split table `lpo eval` prints: n, correct, errors, accuracy, 95 % interval; then, per
 * split, the wrong answers the prompt made unusable (`test: 12 truncated, counted wrong`).
 */
export function splitTable(splits: Partial<Record<SplitName | 'all', SplitSummary>>): string {
  const rows = [['split', 'n', 'correct', 'errors', 'accuracy', '95 % interval']];
  for (const name of ['dev', 'test', 'all'] as const) {
    const s = splits[name];
    if (!s) continue;
    rows.push([
      name,
      String(s.total),
      String(s.correct),
      String(s.errors),
      percent(s.accuracy),
      intervalText(s.interval),
    ]);
  }
  const notes: string[] = [];
  for (const name of ['dev', 'test'] as const) {
    const text = failuresText(splits[name]?.failures);
    if (text) notes.push(`${name}: ${text}`);
  }
  return [pad(rows), ...notes].join('\n');
}

/** `line 7`, or `line 1 (row 17)` for a row of a JSON array, whose line may hold many rows. */
export function rowLabel(r: { line: number; row?: number | undefined }): string {
  return r.row === undefined ? `line ${r.line}` : `line ${r.line} (row ${r.row})`;
}

export function usageLine(u: UsageSnapshot, wallMs: number): string {
  const fmt = (n: number) => n.toLocaleString('en-US');
  return (
    `usage: ${fmt(u.calls)} calls, ${fmt(u.promptTokens)} prompt + ${fmt(u.completionTokens)} completion tokens, ` +
    `${fmt(u.cacheHits)} cache hits, ${fmt(u.failedCalls)} failed calls, ${(wallMs / 1000).toFixed(1)} s` +
    (u.cacheIgnored ? `; ${ignoredEntriesText(u.cacheIgnored)}` : '')
  );
}

export const SIMULATED_NOTE = 'SIMULATED: these figures come from the offline simulator, not a real model.';

/** A judge's agreement with people, in one line for the CLI: the figures and whether a gate may use it. */
export function judgeText(j: JudgeSummary): string {
  if (j.labelled === 0) return `judge ${j.model}: no labelled row, so its agreement with people is unknown`;
  const kappa =
    j.kappa === null
      ? 'κ undefined'
      : `κ ${j.kappa.toFixed(2)}${j.interval ? ` [${j.interval[0].toFixed(2)}, ${j.interval[1].toFixed(2)}]` : ''}`;
  const errors = j.errors > 0 ? ` (${j.errors} not graded)` : '';
  const verdict =
    j.trust === 'trusted'
      ? `trusted (κ ≥ ${j.minJudgeAgreement})`
      : `not trusted: a review would not gate on it (min-judge-agreement ${j.minJudgeAgreement})`;
  return `judge ${j.model} vs people (${j.scale}): agreement ${percent(j.accuracy)}, ${kappa} on ${j.n} of ${j.labelled} labelled rows${errors}; ${verdict}`;
}
