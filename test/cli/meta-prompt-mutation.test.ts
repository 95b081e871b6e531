// Every {{placeholder}} of every meta-prompt (prompts/*.md) carries information the optimizer needs:
// delete one from a copy of the built CLI, run `lpo optimize` with each method × mode that sends that
// file against the simulator, and some probe that holds for the unmutated CLI fails. A placeholder
// whose loss no probe notices is information the simulated optimizer ignores, so a test built on it
// would pass however the meta-prompt broke.
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestedJob } from '../../src/tools/simulator/sim-optimizer-read.js';
import {
  type SimRequest,
  type SimulatorHandle,
  startSimulator,
} from '../../src/tools/simulator/simulator.js';
import { ROOT, runNode } from '../helpers/cli.js';
import { answerKey, gsmLarge } from '../optimize/helpers.js';

const DIST = path.join(ROOT, 'dist', 'cli');
// The optimizer's meta-prompts; the judges' (judge-*.md) are sent by evaluation, not by `lpo optimize`.
const META = readdirSync(path.join(ROOT, 'prompts'))
  .filter((f) => f.endsWith('.md') && !f.startsWith('judge-'))
  .sort();
const COMBOS = ['apo', 'pe2', 'ape'].flatMap((method) =>
  ['local', 'global'].map((mode) => ({ method, mode, name: `${method} ${mode}` })),
);
type Combo = (typeof COMBOS)[number];
/** Wording that helps, to keep as written, and an instruction that hurts, found only through the failures. */
const HEAD = 'Work through it one step at a time. Answer quickly.\n';
const KEEP = 'Work through it one step at a time.';
/** Runs at once: child processes, each mostly busy itself, so about the runner's cores. */
const PARALLEL = 3;
/** Enough validation examples for a real gain to be accepted; the fewer, the faster each run. */
const DEV = 100;
const TEST = 20;

interface Result {
  improved: boolean;
  head: { validation: number | null };
  best: { prompt: string; validation: number | null };
  discarded: Record<string, number>;
  repaired: Record<string, number>;
}
interface Run {
  result: Result | null;
  stderr: string;
  /** Optimizer requests by the format they asked for. */
  asked: Record<string, number>;
  /** Every message the optimizer was sent. */
  texts: string[];
}

/** What a working optimizer achieves on HEAD; each probe returns null when it holds, else what failed. */
const PROBES: { name: string; applies: (c: Combo) => boolean; check: (run: Run) => string | null }[] = [
  {
    name: 'the run completes',
    applies: () => true,
    check: ({ result, stderr }) => (result ? null : `no result: ${stderr.trim().split('\n').at(-1)}`),
  },
  {
    // APE only resamples: on HEAD every paraphrase keeps "quickly" or a synonym, so it finds nothing.
    name: 'a better prompt accepted on validation',
    applies: (c) => c.method !== 'ape',
    check: ({ result: r }) =>
      r?.improved && (r.best.validation ?? 0) > (r.head.validation ?? 0) ? null : 'no improvement accepted',
  },
  {
    name: 'the instruction that hurts is gone, the one that helps kept as written',
    applies: (c) => c.method !== 'ape',
    check: ({ result: r }) =>
      r && !/quickly/i.test(r.best.prompt) && r.best.prompt.includes(KEEP)
        ? null
        : `final prompt: ${JSON.stringify(r?.best.prompt)}`,
  },
  {
    name: 'every optimizer reply readable',
    applies: () => true,
    check: ({ result: r }) => (r && !r.discarded.garbage ? null : `garbage replies: ${r?.discarded.garbage}`),
  },
  {
    name: 'as many versions as asked for',
    applies: () => true,
    check: ({ result: r }) =>
      r && !r.discarded['extra-version'] ? null : `extra versions: ${r?.discarded['extra-version']}`,
  },
  {
    name: 'tags within the word limit',
    applies: (c) => c.mode === 'local',
    check: ({ result: r, asked }) => {
      const trimmed = r?.repaired['tag-trimmed-to-word-limit'] ?? 0;
      return trimmed * 4 <= (asked.tagged ?? 0) ? null : `${trimmed} of ${asked.tagged} taggings trimmed`;
    },
  },
];

let sim: SimulatorHandle;
let work: string;
const baselines = new Map<string, Run>();

/** What each run's optimizer was sent, by the run's optimizer model name. */
const sent = new Map<string, SimRequest[]>();
let runs = 0;

async function optimize(cli: string, combo: Combo): Promise<Run> {
  const model = `optimizer-${++runs}`;
  sent.set(model, []);
  const args = ['optimize', '--prompt', 'math.txt', '--dataset', 'gsm.jsonl', '--input', 'question'];
  args.push('--target', 'answer', '--scorer', 'numeric', '--dev', String(DEV), '--test', String(TEST));
  args.push('--steps', '2', '--method', combo.method, '--mode', combo.mode, '--optimizer-model', model);
  args.push('--base-url', sim.url, '--no-cache', '--json', '-');
  const res = await runNode([path.join(cli, 'index.js'), ...args], { cwd: work });
  const requests = sent.get(model)!;
  sent.delete(model);
  const asked: Record<string, number> = {};
  for (const request of requests) {
    const job = requestedJob(request);
    if (job) asked[job] = (asked[job] ?? 0) + 1;
  }
  const result = res.code === 0 ? (JSON.parse(res.stdout) as Result) : null;
  return {
    result,
    stderr: res.stderr,
    asked,
    texts: requests.flatMap((r) => r.messages.map((m) => m.content)),
  };
}

/** A copy of the built CLI whose `file` lost `placeholder`. */
function mutatedCli(file: string, placeholder: string): string {
  const dir = mkdtempSync(path.join(work, 'cli-'));
  for (const f of readdirSync(DIST)) copyFileSync(path.join(DIST, f), path.join(dir, f));
  const text = readFileSync(path.join(dir, file), 'utf8');
  writeFileSync(path.join(dir, file), text.replaceAll(`{{${placeholder}}}`, ''));
  return dir;
}

const body = (file: string) => readFileSync(path.join(DIST, file), 'utf8').replace(/^<!--[\s\S]*?-->\s*/, '');

/** The longest text between the file's placeholders that no other meta-prompt holds: what shows it was sent. */
function staticText(file: string): string {
  const others = META.filter((f) => f !== file).map(body);
  const own = body(file)
    .split(/\{\{\w+\}\}/)
    .map((t) => t.trim())
    .sort((a, b) => b.length - a.length);
  return own.find((t) => t.length > 0 && !others.some((o) => o.includes(t))) ?? own[0]!;
}

const placeholders = (file: string) => [
  ...new Set([...body(file).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!)),
];

async function pool<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < jobs.length; i = next++) out[i] = await jobs[i]!();
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return out;
}

const failing = (run: Run, combo: Combo) =>
  PROBES.filter((p) => p.applies(combo)).flatMap((p) => {
    const why = p.check(run);
    return why === null ? [] : [`${p.name}: ${why}`];
  });

interface Case {
  file: string;
  placeholder: string;
  combo: Combo;
}
/** Per meta-prompt: its mutations and their runs, all started once the baselines are in. */
const mutations = new Map<string, Promise<{ cases: Case[]; runs: Run[] }>>();

/** The combos whose requests hold the file's text. */
function users(file: string): Combo[] {
  const text = staticText(file);
  return COMBOS.filter((c) => baselines.get(c.name)!.texts.some((t) => t.includes(text)));
}

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'lpo-mutation-'));
  writeFileSync(path.join(work, 'math.txt'), HEAD);
  const { dev, test } = gsmLarge(DEV, TEST);
  const rows = [...dev, ...test].map((e) =>
    JSON.stringify({ question: e.fields.question, answer: e.target }),
  );
  writeFileSync(path.join(work, 'gsm.jsonl'), `${rows.join('\n')}\n`);
  mkdirSync(path.join(work, '.git'));
  sim = await startSimulator({ answerKey, seed: 3, onRequest: (r) => sent.get(r.model)?.push(r) });
  const runs = await pool(COMBOS.map((c) => () => optimize(DIST, c)));
  for (const [i, c] of COMBOS.entries()) baselines.set(c.name, runs[i]!);
  const cases = META.flatMap((file) =>
    placeholders(file).flatMap((placeholder) => users(file).map((combo) => ({ file, placeholder, combo }))),
  );
  const all = pool(cases.map((c) => () => optimize(mutatedCli(c.file, c.placeholder), c.combo)));
  for (const file of META) {
    mutations.set(
      file,
      all.then((done) => {
        const mine = cases.map((c, i) => ({ c, run: done[i]! })).filter((x) => x.c.file === file);
        return { cases: mine.map((x) => x.c), runs: mine.map((x) => x.run) };
      }),
    );
  }
  // Unhandled until a test awaits it; a failure shows in every test.
  all.catch(() => {});
}, 120_000);

afterAll(async () => {
  await sim?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the unmutated CLI', () => {
  it.each(COMBOS)('passes every probe with $name', (combo) => {
    const run = baselines.get(combo.name)!;
    expect(run.stderr).not.toMatch(/\berror\b|\bbug\b/i);
    expect(failing(run, combo)).toEqual([]);
  });
});

describe.each(META)('deleting a placeholder of %s', (file) => {
  it('makes a probe fail for every method × mode that sends it', async () => {
    expect(users(file).length, `no method sends ${file}`).toBeGreaterThan(0);
    const { cases, runs } = await mutations.get(file)!;
    const caught = cases.map((c, i) => ({ c, failed: failing(runs[i]!, c.combo) }));
    console.log(
      `${file}\n${caught.map(({ c, failed }) => `  {{${c.placeholder}}} ${c.combo.name}: ${failed.join('; ') || 'NOT CAUGHT'}`).join('\n')}`,
    );
    expect(
      caught.filter((x) => x.failed.length === 0).map(({ c }) => `{{${c.placeholder}}} with ${c.combo.name}`),
    ).toEqual([]);
  }, 600_000);
});
