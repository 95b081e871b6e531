// Wall time of the whole `lpo eval` process against the fetch floor and against promptfoo, on one
// simulator with a fixed latency. Runs are interleaved (floor, lpo, promptfoo, floor, …) so a slow
// patch of the machine hits every client alike, and each figure is the median of its runs.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { checkRequests, runFloor, runLpo, statsDelta } from './clients.mjs';
import { benchRows, writeJsonl, writeLpoWorkspace } from './data.mjs';
import { median, startSimulator } from './proc.mjs';
import { ensurePromptfoo, PROMPTFOO_VERSION, runPromptfoo, writePromptfooConfig } from './promptfoo.mjs';
import { count, row, seconds } from './report.mjs';

const WARM_UP_ROWS = 64;

/** A workspace (dataset, lpo config, promptfoo config) for `rows` in `dir`. */
async function workspace(dir, rows, url, withPromptfoo) {
  await mkdir(dir, { recursive: true });
  const dataset = path.join(dir, 'data.jsonl');
  await writeJsonl(dataset, rows);
  await writeLpoWorkspace(dir, 'data.jsonl', rows.length);
  const promptfooConfig = withPromptfoo ? await writePromptfooConfig(dir, rows, url) : null;
  return { dir, dataset, promptfooConfig, n: rows.length };
}

/**
 * `opts`: {source, tmp, n, concurrency, latencyMs, runs, floor: bool, promptfoo: bool, log}.
 * Resolves to {rows: table rows, raw: every run's figures}.
 */
export async function throughput(opts) {
  const { n, concurrency, latencyMs, runs, log } = opts;
  const raw = { n, concurrency, latencyMs, idealMs: Math.ceil(n / concurrency) * latencyMs, runs: [] };
  let promptfooSkip = null;
  if (opts.promptfoo) promptfooSkip = await ensurePromptfoo(log);
  const withPromptfoo = opts.promptfoo && promptfooSkip === null;

  const all = benchRows(opts.source, n);
  const base = path.join(opts.tmp, 'throughput');
  await mkdir(base, { recursive: true });
  const keyFile = path.join(base, 'key.jsonl');
  await writeJsonl(keyFile, all);
  const sim = await startSimulator({ keyFile, latencyMs, cwd: base });
  try {
    const main = await workspace(path.join(base, 'main'), all, sim.url, withPromptfoo);
    const warm = await workspace(path.join(base, 'warm'), all.slice(0, WARM_UP_ROWS), sim.url, withPromptfoo);
    const homeDir = path.join(base, 'promptfoo-home');

    // One untimed small run of each client: disk caches, the simulator's JIT and promptfoo's first-run
    // database migrations are then paid by nobody's timed run.
    log(`warm-up (${WARM_UP_ROWS} rows each)…`);
    const clients = {
      floor: opts.floor
        ? (ws) => runFloor({ dataset: ws.dataset, url: sim.url, n: ws.n, concurrency })
        : null,
      lpo: (ws) => runLpo({ dir: ws.dir, url: sim.url, n: ws.n, concurrency }),
      promptfoo: withPromptfoo
        ? (ws) => runPromptfoo({ dir: ws.dir, configFile: ws.promptfooConfig, homeDir, concurrency })
        : null,
    };
    for (const run of Object.values(clients)) if (run) await run(warm);

    for (let round = 1; round <= runs; round++) {
      for (const [name, run] of Object.entries(clients)) {
        if (!run) continue;
        const before = await sim.stats();
        const result = await run(main);
        const delta = statsDelta(before, await sim.stats());
        checkRequests(name, delta, n);
        raw.runs.push({
          round,
          client: name,
          ms: Math.round(result.ms),
          cpuMs: result.cpuMs,
          maxRssKiB: result.maxRssKiB,
          simCorrect: delta.correct,
          // What the client itself counted as correct (lpo's scorer, promptfoo's assertion).
          scoredCorrect: result.correct ?? result.passed ?? null,
          ...(result.usage ? { usage: result.usage } : {}),
          ...(result.totals ? { totals: result.totals } : {}),
        });
        log(
          `  round ${round}/${runs} ${name.padEnd(9)} ${seconds(result.ms)}  (${count(delta.total)} requests)`,
        );
      }
    }
    raw.maxInFlight = (await sim.stats()).maxInFlight;
    checkSameJob(raw.runs);
  } finally {
    await sim.stop();
  }
  return { rows: tableRows(raw, opts, promptfooSkip), raw };
}

/**
 * Same bytes and same answers on every side: the simulator's verdicts depend on the whole request
 * text, so equal `correct` counts mean equal prompts; the floor must see lpo's prompt token count.
 */
function checkSameJob(runs) {
  const correct = new Set(runs.map((r) => r.simCorrect));
  if (correct.size !== 1) {
    const seen = runs.map((r) => `${r.client}: ${r.simCorrect}`).join(', ');
    throw new Error(`clients got different answers from the simulator (${seen}): not the same requests`);
  }
  for (const r of runs) {
    if (r.scoredCorrect !== null && r.scoredCorrect !== r.simCorrect) {
      throw new Error(
        `${r.client} counted ${r.scoredCorrect} correct, the simulator answered ${r.simCorrect} correctly`,
      );
    }
  }
  const lpoTokens = runs.find((r) => r.client === 'lpo')?.usage?.promptTokens;
  for (const r of runs.filter((x) => x.client === 'floor')) {
    if (r.totals.promptTokens !== lpoTokens) {
      throw new Error(
        `floor sent ${r.totals.promptTokens} prompt tokens, lpo ${lpoTokens}: not the same bodies`,
      );
    }
  }
}

function tableRows(raw, opts, promptfooSkip) {
  const times = (client) => raw.runs.filter((r) => r.client === client).map((r) => r.ms);
  // CPU time (user + system, all threads) is shown beside wall time: a busy machine disturbs it least.
  const cpu = (client) => {
    const values = raw.runs.filter((r) => r.client === client && r.cpuMs !== null).map((r) => r.cpuMs);
    return values.length ? `, cpu ${seconds(median(values))}` : '';
  };
  const lpo = median(times('lpo'));
  const job = `N=${count(raw.n)}, c=${raw.concurrency}, ${raw.latencyMs} ms`;
  const rows = [];
  if (opts.floor) {
    const floor = median(times('floor'));
    rows.push(
      row({
        name: `lpo eval / fetch floor (${job})`,
        measured: `lpo ${seconds(lpo)}${cpu('lpo')}; floor ${seconds(floor)}${cpu('floor')}; ideal ${seconds(raw.idealMs)}`,
        value: lpo / floor,
        limit: 1.1,
        unit: '×',
      }),
    );
  }
  if (opts.promptfoo) {
    const pf = promptfooSkip === null ? median(times('promptfoo')) : null;
    rows.push(
      row({
        name: `lpo eval / promptfoo ${PROMPTFOO_VERSION} eval (${job})`,
        measured:
          pf === null ? '—' : `lpo ${seconds(lpo)}${cpu('lpo')}; promptfoo ${seconds(pf)}${cpu('promptfoo')}`,
        value: pf === null ? null : lpo / pf,
        limit: 0.25,
        unit: '×',
        ...(promptfooSkip ? { note: `skipped: could not install promptfoo (${promptfooSkip})` } : {}),
      }),
    );
  }
  return rows;
}
