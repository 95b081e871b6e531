// Peak resident memory of the whole `lpo eval` process while it scores a large JSONL dataset
// (every row: the config's cap is above the row count), against a zero-latency simulator.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { checkRequests, runLpo, statsDelta } from './clients.mjs';
import { benchRows, writeJsonl, writeLpoWorkspace } from './data.mjs';
import { startSimulator } from './proc.mjs';
import { count, megabytes, row, seconds } from './report.mjs';

/**
 * `opts`: {source, tmp, n, concurrency, log}. Two runs: the plain command (table on stdout) and the
 * same with `--json`, which also serialises every example's result.
 */
export async function peakRss(opts) {
  const { n, concurrency, log } = opts;
  const dir = path.join(opts.tmp, 'rss');
  await mkdir(dir, { recursive: true });
  log(`writing ${count(n)} rows…`);
  const dataset = path.join(dir, 'data.jsonl');
  await writeJsonl(dataset, benchRows(opts.source, n));
  await writeLpoWorkspace(dir, 'data.jsonl', n);
  const sim = await startSimulator({ keyFile: dataset, latencyMs: 0, cwd: dir });
  const raw = { n, concurrency, runs: [] };
  try {
    for (const json of [false, true]) {
      const before = await sim.stats();
      const result = await runLpo({ dir, url: sim.url, n, concurrency, json });
      checkRequests('lpo eval', statsDelta(before, await sim.stats()), n);
      if (result.maxRssKiB === null) throw new Error('the rusage preload wrote nothing');
      const kib = result.maxRssKiB;
      raw.runs.push({ json, ms: Math.round(result.ms), cpuMs: result.cpuMs, peakRssKiB: kib });
      log(`  ${json ? 'with --json' : 'plain      '} ${megabytes(kib)} peak RSS, ${seconds(result.ms)}`);
    }
  } finally {
    await sim.stop();
  }
  const rows = raw.runs.map((run) =>
    row({
      name: `peak RSS, lpo eval of ${count(n)} rows${run.json ? ' + --json report' : ''}`,
      measured: `${megabytes(run.peakRssKiB)} in ${seconds(run.ms)} (c=${concurrency}, 0 ms)`,
      value: (run.peakRssKiB * 1024) / 1e6,
      limit: 200,
      unit: 'MB',
    }),
  );
  return { rows, raw };
}
