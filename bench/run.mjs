// Benchmark of `lpo eval` (a benchmark, not a timed test: it prints ratios measured in one run on one
// machine, against a simulated endpoint). See bench/README.md for what each figure means.
//
//   node bench/run.mjs [--only floor|promptfoo|rss[,…]] [--quick] [--runs n]
//
// Needs the committed bundle dist/cli/index.js. Exits 0 when every measured target is met, 1 when
// one is missed, 2 when the benchmark itself could not run.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sourceRows } from './lib/data.mjs';
import { BUNDLE_DIR, REPO_ROOT, useBundleCopy } from './lib/proc.mjs';
import { machine, printTable, writeResults } from './lib/report.mjs';
import { peakRss } from './lib/rss.mjs';
import { throughput } from './lib/throughput.mjs';
import { existsSync } from 'node:fs';

const SECTIONS = ['floor', 'promptfoo', 'rss'];
const FULL = { evalRows: 1600, rssRows: 100_000 };
// --quick: a smoke run of every section, labelled as such; its figures are not the targets' figures.
const QUICK = { evalRows: 320, rssRows: 10_000 };

const write = (text) => process.stdout.write(`${text}\n`);
const log = (text) => process.stderr.write(`${text}\n`);

function options() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', multiple: true },
      quick: { type: 'boolean', default: false },
      runs: { type: 'string', default: '3' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    write('usage: node bench/run.mjs [--only floor|promptfoo|rss[,…]] [--quick] [--runs n] [--keep]');
    process.exit(0);
  }
  const only = (values.only ?? SECTIONS).flatMap((v) => v.split(','));
  const unknown = only.find((s) => !SECTIONS.includes(s));
  if (unknown) throw new Error(`--only: unknown section "${unknown}"; expected ${SECTIONS.join(', ')}`);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a whole number >= 1`);
  return { only: new Set(only), quick: values.quick, runs, keep: values.keep };
}

async function main() {
  const opts = options();
  const loadStart = os.loadavg()[0];
  if (!existsSync(path.join(BUNDLE_DIR, 'index.js'))) {
    throw new Error(`${path.join(BUNDLE_DIR, 'index.js')} is missing: build the CLI first (npm run build)`);
  }
  const sizes = opts.quick ? QUICK : FULL;
  const { file, rows: source } = sourceRows(REPO_ROOT);
  log(`rows from ${path.relative(REPO_ROOT, file)} (${source.length}), repeated with an index`);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'lpo-bench-'));
  const tableRows = [];
  const raw = {};
  let bundle;
  try {
    bundle = await useBundleCopy(path.join(tmp, 'lpo-cli'));
    if (opts.only.has('floor') || opts.only.has('promptfoo')) {
      log(`\nthroughput: N=${sizes.evalRows}, concurrency 16, latency 50 ms, ${opts.runs} runs each`);
      const result = await throughput({
        source,
        tmp,
        n: sizes.evalRows,
        concurrency: 16,
        latencyMs: 50,
        runs: opts.runs,
        floor: opts.only.has('floor'),
        promptfoo: opts.only.has('promptfoo'),
        log,
      });
      tableRows.push(...result.rows);
      raw.throughput = result.raw;
    }
    if (opts.only.has('rss')) {
      log(`\npeak RSS: ${sizes.rssRows} rows, concurrency 16, latency 0 ms`);
      const result = await peakRss({ source, tmp, n: sizes.rssRows, concurrency: 16, log });
      tableRows.push(...result.rows);
      raw.rss = result.raw;
    }
  } finally {
    if (opts.keep) log(`kept ${tmp}`);
    else await rm(tmp, { recursive: true, force: true });
  }
  const info = { ...machine(loadStart), bundle };
  if (opts.quick) info.endpoint += "; QUICK run: smaller N, not the targets' sizes";
  printTable(tableRows, info, write);
  const out = await writeResults(path.join(REPO_ROOT, 'bench/.out'), {
    date: new Date().toISOString(),
    quick: opts.quick,
    runs: opts.runs,
    machine: info,
    measurements: tableRows,
    raw,
  });
  write(`\nresults: ${path.relative(REPO_ROOT, out)}`);
  return tableRows.some((r) => r.verdict === 'MISS') ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
