// The printed table and bench/.out/results.json. Verdicts are computed from the measured figures
// here, never written by hand.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** `loadStart`: os.loadavg()[0] when the benchmark began; the end figure is read now. */
export function machine(loadStart) {
  const cpus = os.cpus();
  return {
    loadAverage1m: { start: round2(loadStart), end: round2(os.loadavg()[0]) },
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    endpoint: 'simulated (lpo simulate, separate process, 127.0.0.1)',
  };
}

const round2 = (x) => Math.round(x * 100) / 100;
export const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
export const megabytes = (kib) => `${((kib * 1024) / 1e6).toFixed(1)} MB`;
export const count = (n) => n.toLocaleString('en-US');

/**
 * A ratio measurement: `value <= limit` passes. `value` null means it was skipped, with `note` saying why.
 * `unit` is appended to the shown value ('×' for ratios, 'MB' for memory).
 */
export function row({ name, measured, value, limit, unit, note }) {
  const skipped = value === null || value === undefined;
  return {
    name,
    measured: skipped ? '—' : measured,
    value: skipped ? null : value,
    shown: skipped ? '—' : `${value.toFixed(unit === '×' ? 3 : 1)} ${unit}`,
    target: `≤ ${limit} ${unit}`,
    limit,
    verdict: skipped ? 'SKIPPED' : value <= limit ? 'PASS' : 'MISS',
    ...(note ? { note } : {}),
  };
}

export function printTable(rows, info, write) {
  const headers = ['measurement', 'measured', 'value', 'target', 'result'];
  const cells = rows.map((r) => [r.name, r.measured, r.shown, r.target, r.verdict]);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (values) => values.map((v, i) => v.padEnd(widths[i])).join('  ');
  write('');
  write(
    `machine: ${info.cores} cores (${info.cpu}), ${info.memoryGiB} GiB, node ${info.node}, ${info.platform}`,
  );
  const load = info.loadAverage1m;
  const busy =
    Math.max(load.start, load.end) > info.cores ? ' (busy machine: figures are noisy, rerun when idle)' : '';
  write(`load average (1 min): ${load.start} at start, ${load.end} at end${busy}`);
  write(`endpoint: ${info.endpoint}`);
  if (info.bundle) write(`measured: ${info.bundle}`);
  write('');
  write(line(headers));
  write(line(widths.map((w) => '-'.repeat(w))));
  for (const c of cells) write(line(c));
  const notes = rows.filter((r) => r.note);
  if (notes.length) write('');
  for (const r of notes) write(`${r.name}: ${r.note}`);
}

export async function writeResults(dir, body) {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'results.json');
  await writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}
