// Child processes: the simulator (its own process, so a measured client never shares a CPU
// queue with the endpoint's JavaScript), and whole-process timing of a client from spawn to exit.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { cp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BUNDLE_DIR = path.join(REPO_ROOT, 'dist/cli');
const RUSAGE_PRELOAD = path.join(REPO_ROOT, 'bench/lib/rusage.mjs');
let usageFiles = 0;

let cliPath = path.join(BUNDLE_DIR, 'index.js');
/** The CLI every run uses: the committed bundle, or the snapshot of it taken by `useBundleCopy`. */
export const lpoCli = () => cliPath;

/**
 * Copies dist/cli (the bundle and the assets next to it) into `dir` and runs that copy from then on,
 * so a rebuild of dist/ during a long benchmark cannot mix two versions in one table. Resolves to a
 * label naming the bundle by its hash, for the results.
 */
export async function useBundleCopy(dir) {
  await cp(BUNDLE_DIR, dir, { recursive: true });
  cliPath = path.join(dir, 'index.js');
  const digest = createHash('sha256')
    .update(await readFile(cliPath))
    .digest('hex');
  return `dist/cli/index.js sha256 ${digest.slice(0, 12)}`;
}

const START_TIMEOUT_MS = 120_000;

/**
 * Starts `lpo simulate` on a free port with the dataset as its answer key, and resolves once it
 * prints its URL. `stats()` reads GET /__sim/stats; `stop()` sends SIGTERM and waits for the exit.
 */
export async function startSimulator({ keyFile, latencyMs, cwd }) {
  const args = [lpoCli(), 'simulate', '--port', '0', '--seed', '1', '--latency', String(latencyMs)];
  args.push('--key', keyFile, '--key-input', 'question', '--key-target', 'answer');
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('simulator did not start within 120 s')), START_TIMEOUT_MS);
    function fail(error) {
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(error);
    }
    const onData = (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
    });
    child.once('exit', (code) => fail(new Error(`simulator exited (${code}) before listening: ${output}`)));
  });
  const origin = new URL(url).origin;
  return {
    url,
    async stats() {
      const response = await fetch(`${origin}/__sim/stats`);
      if (!response.ok) throw new Error(`GET /__sim/stats: HTTP ${response.status}`);
      return response.json();
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Runs `node <args>` and measures its wall time from just before spawn to its exit, so start-up,
 * module loading, reading the data and writing the report all count, as a user would feel them.
 * The preload rusage.mjs adds the process's own CPU time and peak RSS (null if it wrote nothing).
 */
export async function timeNode(args, { cwd, env, timeoutMs = 30 * 60_000 }) {
  const usageFile = path.join(os.tmpdir(), `lpo-bench-rusage-${process.pid}-${++usageFiles}.json`);
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', pathToFileURL(RUSAGE_PRELOAD).href, ...args], {
    cwd,
    env: { ...(env ?? process.env), LPO_BENCH_RUSAGE_FILE: usageFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = await once(child, 'exit');
  const ms = performance.now() - started;
  clearTimeout(timer);
  if (child.stdout.readableEnded === false) await once(child.stdout, 'end').catch(() => {});
  if (child.stderr.readableEnded === false) await once(child.stderr, 'end').catch(() => {});
  let usage = { cpuMs: null, maxRssKiB: null };
  try {
    usage = JSON.parse(await readFile(usageFile, 'utf8'));
    await rm(usageFile, { force: true });
  } catch {
    // killed before its exit handler ran: no usage figures for this run
  }
  return { ms, ...usage, code, signal, stdout, stderr };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The last `chars` of a child's output, for error messages. */
export function tail(text, chars = 800) {
  return text.length > chars ? `…${text.slice(-chars)}` : text;
}
