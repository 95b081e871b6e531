// `npm run repro`: the PE2 paper's protocol (100 dev examples, the test set as configured, initial
// prompt "Let's think step by step.") for every method × mode, against an endpoint or, without
// --base-url, the offline simulator (figures labelled SIMULATED). Not part of the bundle.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parsePositiveInt } from '../../config/settings.js';
import { loadExamples } from '../../dataset/examples.js';
import { ConfigError, errorMessage } from '../../core/errors.js';
import { percent, SIMULATED_NOTE } from '../../eval/format.js';
import { evaluate } from '../../eval/run.js';
import { LlmClient } from '../../llm/client.js';
import { SIMULATED_MODEL, startSimulator } from '../simulator/simulator.js';
import type { EvalTask, Example, ScorerSpec } from '../../core/types.js';
import {
  DEFAULT_OPTIONS,
  type OptimizeMethod,
  type OptimizeMode,
  optimizePrompt,
} from '../../optimize/index.js';

const INITIAL_PROMPT = "Let's think step by step.";
const DEV_SIZE = 100;
/** The simulator stands in for CI, where a small test set keeps the run to seconds. */
const SIMULATED_TEST_SIZE = 50;
const DEFAULT_MAX_CALLS = 3_000;

interface Dataset {
  file: string;
  devFile?: string;
  input: string;
  target: string;
  scorer: ScorerSpec;
  /** PE2's test size for this dataset (null: the whole file). */
  testSize: number | null;
}

function datasetSpec(name: string, dataDir: string): Dataset {
  if (name === 'gsm8k') {
    return {
      file: path.join(dataDir, 'gsm8k/test.jsonl'),
      devFile: path.join(dataDir, 'gsm8k/train.jsonl'),
      input: 'question',
      target: 'answer',
      scorer: { type: 'numeric' },
      testSize: null,
    };
  }
  if (name === 'multiarith') {
    return {
      file: path.join(dataDir, 'multiarith/MultiArith.json'),
      input: 'sQuestion',
      target: 'lSolutions',
      scorer: { type: 'numeric' },
      testSize: 400,
    };
  }
  const bbh = /^bbh:([a-z_]+)$/.exec(name);
  if (bbh)
    return {
      file: path.join(dataDir, `bbh/${bbh[1]}.json`),
      input: 'input',
      target: 'target',
      scorer: { type: 'exact' },
      testSize: 50,
    };
  throw new ConfigError(`--dataset: expected gsm8k, multiarith or bbh:<task>, got "${name}"`);
}

function seeded(examples: Example[], seed: number): Example[] {
  const key = (e: Example) => createHash('sha256').update(`${seed}\u001f${e.id}`).digest('hex');
  return [...examples].sort((a, b) => (key(a) < key(b) ? -1 : 1));
}

async function loadProtocol(spec: Dataset, testN: number | null, seed: number) {
  const map = { input: [spec.input], target: spec.target };
  const rows = seeded(await loadExamples(spec.file, map), seed);
  const devPool = spec.devFile ? seeded(await loadExamples(spec.devFile, map), seed) : rows;
  const dev = devPool.slice(0, DEV_SIZE);
  const rest = spec.devFile ? rows : rows.slice(DEV_SIZE);
  const size = testN ?? spec.testSize ?? rest.length;
  return { dev, test: rest.slice(0, size) };
}

function scorerFor(spec: Dataset, examples: Example[]): ScorerSpec {
  if (spec.scorer.type !== 'exact') return spec.scorer;
  return examples.every((e) => /^\([A-Z]\)$/.test(e.target.trim())) ? { type: 'choice' } : spec.scorer;
}

/** parseArgs with its errors as one-line user errors. */
function flags<O extends NonNullable<Parameters<typeof parseArgs>[0]>['options']>(
  argv: string[],
  options: O,
) {
  try {
    return parseArgs({ args: argv, options, strict: true });
  } catch (error) {
    throw new ConfigError(errorMessage(error).split('\n')[0]!);
  }
}

export async function repro(argv: string[]): Promise<number> {
  const { values } = flags(argv, {
    dataset: { type: 'string', default: 'gsm8k' },
    method: { type: 'string' },
    mode: { type: 'string' },
    n: { type: 'string' },
    'base-url': { type: 'string' },
    'api-key': { type: 'string' },
    'task-model': { type: 'string' },
    'optimizer-model': { type: 'string' },
    'max-calls': { type: 'string' },
    steps: { type: 'string' },
    seed: { type: 'string' },
    concurrency: { type: 'string' },
    'data-dir': { type: 'string', default: '../shared/data' },
  });
  const methods = (values.method ? [values.method] : ['ape', 'apo', 'pe2']) as OptimizeMethod[];
  const modes = (values.mode ? [values.mode] : ['local', 'global']) as OptimizeMode[];
  for (const m of methods)
    if (!['ape', 'apo', 'pe2'].includes(m))
      throw new ConfigError(`--method: expected ape, apo or pe2, got "${m}"`);
  for (const m of modes)
    if (!['local', 'global'].includes(m))
      throw new ConfigError(`--mode: expected local or global, got "${m}"`);
  const seed = values.seed ? parsePositiveInt(values.seed, '--seed') : DEFAULT_OPTIONS.seed;
  const spec = datasetSpec(values.dataset, path.resolve(values['data-dir']));
  const live = values['base-url'] !== undefined;
  const testN = values.n ? parsePositiveInt(values.n, '--n') : live ? null : SIMULATED_TEST_SIZE;
  const splits = await loadProtocol(spec, testN, seed);
  const sim = live
    ? null
    : await startSimulator({
        seed,
        answerKey: [...splits.dev, ...splits.test].map((e) => ({
          input: e.fields[spec.input]!,
          target: e.target,
        })),
      });
  try {
    const concurrency = values.concurrency ? parsePositiveInt(values.concurrency, '--concurrency') : 8;
    const client = new LlmClient({
      baseURL: sim?.url ?? values['base-url']!,
      apiKey: values['api-key'] ?? process.env.OPENAI_API_KEY ?? '',
      concurrency,
      cacheDir: live ? '.lpo-cache' : null,
    });
    const taskModel = values['task-model'] ?? (live ? 'gpt-4.1-mini' : SIMULATED_MODEL);
    const optimizerModel = values['optimizer-model'] ?? taskModel;
    const task: EvalTask = {
      promptPath: `${values.dataset}.txt`,
      kind: 'text',
      prompt: INITIAL_PROMPT,
      messages: [{ role: 'user', content: `Q: {{${spec.input}}}\nA: {{prompt}}` }],
      datasetPath: spec.file,
      input: [spec.input],
      target: spec.target,
      scorer: scorerFor(spec, splits.dev),
      split: { dev: DEV_SIZE, seed },
      params: {},
    };
    process.stderr.write(
      `${values.dataset}: ${splits.dev.length} dev, ${splits.test.length} test examples\n`,
    );
    // The initial prompt is scored once and shared, so each configuration's calls are its search alone.
    const headRun = await evaluate(task, splits, { client, model: taskModel, concurrency });
    const rows = [['method', 'mode', 'dev', 'test', 'steps-to-best', 'calls']];
    rows.push([
      '(initial)',
      '',
      percent(headRun.splits.dev!.summary.accuracy),
      percent(headRun.splits.test!.summary.accuracy),
      '',
      String(client.usage().calls),
    ]);
    for (const method of methods) {
      for (const mode of modes) {
        const options = {
          ...DEFAULT_OPTIONS,
          method,
          mode,
          seed,
          maxCalls: values['max-calls']
            ? parsePositiveInt(values['max-calls'], '--max-calls')
            : DEFAULT_MAX_CALLS,
          ...(values.steps ? { steps: parsePositiveInt(values.steps, '--steps') } : {}),
        };
        const r = await optimizePrompt({
          task,
          splits,
          client,
          taskModel,
          optimizerModel,
          concurrency,
          options,
          headRun,
        });
        rows.push([
          method,
          mode,
          percent(r.best.dev),
          percent(r.best.test),
          String(r.best.step),
          `${r.budget.calls}${r.budget.exhausted ? ' (budget)' : ''}`,
        ]);
        process.stderr.write(`${method}/${mode}: ${JSON.stringify(r.best.prompt)}\n`);
      }
    }
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
    const simulated = client.simulated();
    process.stdout.write(
      `\n${values.dataset} (PE2 protocol, initial prompt "${INITIAL_PROMPT}")${simulated ? ' SIMULATED' : ''}\n`,
    );
    for (const row of rows)
      process.stdout.write(
        `${row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')}\n`,
      );
    if (simulated) process.stdout.write(`${SIMULATED_NOTE}\n`);
    return 0;
  } finally {
    await sim?.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  repro(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `repro: ${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : errorMessage(error)}\n`,
      );
      process.exitCode = error instanceof ConfigError ? 2 : 1;
    },
  );
}
