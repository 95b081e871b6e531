// One measured run of each client against a running simulator, with the checks that make the
// comparison honest: every run must send exactly N task requests, all answered, none unknown to
// the simulator (an unknown one would mean the request text differs from what lpo sends).
import path from 'node:path';
import { API_KEY, MODEL } from './data.mjs';
import { lpoCli, REPO_ROOT, tail, timeNode } from './proc.mjs';

const FLOOR_SCRIPT = path.join(REPO_ROOT, 'bench/floor.mjs');

/** Simulator counters moved by one run (the simulator lives across runs of a section). */
export function statsDelta(before, after) {
  const delta = {};
  for (const key of ['total', 'task', 'unknown', 'correct', 'errors']) delta[key] = after[key] - before[key];
  return delta;
}

export function checkRequests(label, delta, n) {
  if (delta.total !== n || delta.task !== n || delta.unknown !== 0 || delta.errors !== 0) {
    throw new Error(
      `${label}: expected ${n} task requests, the simulator saw ${JSON.stringify(delta)} — not the same job`,
    );
  }
}

/** `lpo eval --config` in `dir` (the repo root for the run), every split, no cache. */
export async function runLpo({ dir, url, n, concurrency, json = true }) {
  const args = [lpoCli(), 'eval', '--config', 'lpo.yml', '--split', 'all', '--no-cache'];
  args.push('--base-url', url, '--api-key', API_KEY, '--task-model', MODEL);
  args.push('--concurrency', String(concurrency));
  if (json) args.push('--json', 'report.json');
  const env = { ...process.env };
  delete env.OPENAI_BASE_URL;
  delete env.OPENAI_API_KEY;
  const run = await timeNode(args, { cwd: dir, env });
  if (run.code !== 0) {
    throw new Error(`lpo eval exited ${run.code ?? run.signal}: ${tail(run.stderr || run.stdout)}`);
  }
  const scored = scoredFromTable(run.stdout);
  if (scored.total !== n) {
    throw new Error(`lpo eval scored ${scored.total} examples, expected ${n}: ${tail(run.stdout)}`);
  }
  let usage = null;
  if (json) {
    const { readFile } = await import('node:fs/promises');
    const report = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8'));
    usage = report.usage;
    if (report.examples.length !== n || usage.calls !== n || usage.failedCalls !== 0) {
      throw new Error(
        `lpo eval report: ${report.examples.length} examples, usage ${JSON.stringify(usage)}; expected ${n} calls`,
      );
    }
  }
  return { ms: run.ms, cpuMs: run.cpuMs, maxRssKiB: run.maxRssKiB, correct: scored.correct, usage };
}

/** Sums the `n` and `correct` columns of the split table lpo prints on stdout. */
function scoredFromTable(stdout) {
  let total = 0;
  let correct = 0;
  for (const match of stdout.matchAll(/^(?:dev|test)\s+([\d,]+)\s+([\d,]+)/gm)) {
    total += Number(match[1].replaceAll(',', ''));
    correct += Number(match[2].replaceAll(',', ''));
  }
  return { total, correct };
}

/** The bare fetch loop (bench/floor.mjs) as its own process. */
export async function runFloor({ dataset, url, n, concurrency }) {
  const args = [FLOOR_SCRIPT, '--url', url, '--dataset', dataset, '--concurrency', String(concurrency)];
  const run = await timeNode(args, { cwd: REPO_ROOT });
  if (run.code !== 0) throw new Error(`floor exited ${run.code ?? run.signal}: ${tail(run.stderr)}`);
  const totals = JSON.parse(run.stdout.trim().split('\n').at(-1));
  if (totals.calls !== n || totals.failed !== 0) {
    throw new Error(`floor: ${JSON.stringify(totals)}; expected ${n} calls, none failed`);
  }
  return { ms: run.ms, cpuMs: run.cpuMs, maxRssKiB: run.maxRssKiB, totals };
}
