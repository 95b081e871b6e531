// `npm run repro`: the PE2 paper's protocol (100 dev examples, the test set as configured, initial
// prompt "Let's think step by step.") for every method × mode, each with the beam and the Pareto
// search side by side, against an endpoint or, without --base-url, the offline simulator (figures
// labelled SIMULATED). Test is scored once for the initial prompt here and by each search for its
// final prompt only. Not part of the bundle.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parsePositiveInt } from '../../config/settings.js';
import { ConfigError, errorMessage } from '../../core/errors.js';
import type { EvalTask } from '../../core/types.js';
import { evaluate } from '../../eval/run.js';
import { LlmClient } from '../../llm/client.js';
import {
  DEFAULT_OPTIONS,
  type OptimizeArgs,
  type OptimizeMethod,
  type OptimizeMode,
  type OptimizeOptions,
  optimizePrompt,
  type FileOptimizeResult,
  type SearchStrategy,
} from '../../optimize/index.js';
import { SIMULATED_MODEL, startSimulator } from '../simulator/simulator.js';
import {
  answerKeyOf,
  DEV_SIZE,
  type Dataset,
  datasetSpec,
  loadProtocol,
  type Splits,
  scorerFor,
} from './repro-datasets.js';
import { header, initialRow, printTable, type Row, resultRow } from './repro-table.js';

const INITIAL_PROMPT = "Let's think step by step.";
/** The simulator stands in for CI, where a small test set keeps the run to seconds. */
const SIMULATED_TEST_SIZE = 50;
const DEFAULT_MAX_CALLS = 3_000;
const DEFAULT_CONCURRENCY = 8;
const METHODS: OptimizeMethod[] = ['ape', 'apo', 'pe2'];
const MODES: OptimizeMode[] = ['local', 'global'];
const SEARCHES: SearchStrategy[] = ['beam', 'pareto'];

const FLAG_OPTIONS = {
  dataset: { type: 'string', default: 'gsm8k' },
  method: { type: 'string' },
  mode: { type: 'string' },
  search: { type: 'string' },
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
} as const;

/** The flags as parsed, still strings. */
type Flags = ReturnType<typeof parseArgs<{ options: typeof FLAG_OPTIONS; strict: true }>>['values'];

/** What every method × mode shares: the optimizer's arguments apart from its options. */
type SharedArgs = Omit<OptimizeArgs, 'options' | 'headRun'>;

/** parseArgs with its errors as one-line user errors. */
function readFlags(argv: string[]): Flags {
  try {
    return parseArgs({ args: argv, options: FLAG_OPTIONS, strict: true }).values;
  } catch (error) {
    throw new ConfigError(errorMessage(error).split('\n')[0]!);
  }
}

interface Configurations {
  methods: OptimizeMethod[];
  modes: OptimizeMode[];
  searches: SearchStrategy[];
}

/** One value of --method, --mode or --search, or all of them when it is absent. */
function chosen<T extends string>(raw: string | undefined, all: T[], flag: string): T[] {
  if (raw === undefined) return all;
  if (!(all as string[]).includes(raw))
    throw new ConfigError(`${flag}: expected ${all.join(', ')}, got "${raw}"`);
  return [raw as T];
}

function chosenConfigurations(flags: Flags): Configurations {
  return {
    methods: chosen(flags.method, METHODS, '--method'),
    modes: chosen(flags.mode, MODES, '--mode'),
    searches: chosen(flags.search, SEARCHES, '--search'),
  };
}

/** The initial prompt as a text task on one user message, `Q: <input>\nA: <prompt>`. */
function initialTask(name: string, spec: Dataset, splits: Splits, seed: number): EvalTask {
  return {
    promptPath: `${name}.txt`,
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
}

/** The client and models for a live endpoint (cached calls) or for the simulator at simUrl. */
function sharedArgs(flags: Flags, simUrl: string | null, task: EvalTask, splits: Splits): SharedArgs {
  const live = simUrl === null;
  const concurrency = flags.concurrency
    ? parsePositiveInt(flags.concurrency, '--concurrency')
    : DEFAULT_CONCURRENCY;
  const client = new LlmClient({
    baseURL: simUrl ?? flags['base-url']!,
    apiKey: flags['api-key'] ?? process.env.OPENAI_API_KEY ?? '',
    concurrency,
    cacheDir: live ? '.lpo-cache' : null,
  });
  const taskModel = flags['task-model'] ?? (live ? 'gpt-4.1-mini' : SIMULATED_MODEL);
  const optimizerModel = flags['optimizer-model'] ?? taskModel;
  return { task, splits, client, taskModel, optimizerModel };
}

/** The default options with this configuration and the budget and step flags (read when first used). */
function searchOptions(
  flags: Flags,
  configuration: Pick<OptimizeOptions, 'method' | 'mode' | 'search'>,
  seed: number,
): OptimizeOptions {
  return {
    ...DEFAULT_OPTIONS,
    ...configuration,
    seed,
    maxCalls: flags['max-calls'] ? parsePositiveInt(flags['max-calls'], '--max-calls') : DEFAULT_MAX_CALLS,
    ...(flags.steps ? { steps: parsePositiveInt(flags.steps, '--steps') } : {}),
  };
}

/**
 * Scores the initial prompt, then searches with each method × mode × search; a row per method × mode
 * with the searches side by side, the best prompts and where the calls went on stderr.
 */
async function compareMethods(
  shared: SharedArgs,
  { methods, modes, searches }: Configurations,
  optionsFor: (c: Pick<OptimizeOptions, 'method' | 'mode' | 'search'>) => OptimizeOptions,
): Promise<Row[]> {
  const { task, splits, client, taskModel: model } = shared;
  // The initial prompt is scored once and shared, so each configuration's calls are its search alone.
  const headRun = await evaluate(task, splits, { client, model });
  const headCalls = client.usage().calls;
  const rows: Row[] = [];
  let first: FileOptimizeResult | undefined;
  for (const method of methods) {
    for (const mode of modes) {
      const results = new Map<SearchStrategy, FileOptimizeResult>();
      for (const search of searches) {
        const result = await optimizePrompt({
          ...shared,
          options: optionsFor({ method, mode, search }),
          headRun,
        });
        first ??= result;
        results.set(search, result);
        const spent = Object.entries(result.budget.byPurpose)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ');
        process.stderr.write(
          `${method}/${mode}/${search}: ${JSON.stringify(result.best.prompt)} (${spent})\n`,
        );
      }
      rows.push(resultRow(method, mode, searches, results));
    }
  }
  if (!first) throw new Error('repro: no configuration ran');
  return [header(searches), initialRow(first.head, searches, headCalls), ...rows];
}

export async function repro(argv: string[]): Promise<number> {
  const flags = readFlags(argv);
  const configurations = chosenConfigurations(flags);
  const seed = flags.seed ? parsePositiveInt(flags.seed, '--seed') : DEFAULT_OPTIONS.seed;
  const spec = datasetSpec(flags.dataset, path.resolve(flags['data-dir']));
  const live = flags['base-url'] !== undefined;
  const testN = flags.n ? parsePositiveInt(flags.n, '--n') : live ? null : SIMULATED_TEST_SIZE;
  const splits = await loadProtocol(spec, testN, seed);
  const sim = live ? null : await startSimulator({ seed, answerKey: answerKeyOf(spec, splits) });
  try {
    const task = initialTask(flags.dataset, spec, splits, seed);
    const shared = sharedArgs(flags, sim?.url ?? null, task, splits);
    process.stderr.write(`${flags.dataset}: ${splits.dev.length} dev, ${splits.test.length} test examples\n`);
    const rows = await compareMethods(shared, configurations, (c) => searchOptions(flags, c, seed));
    const title = `${flags.dataset} (PE2 protocol, initial prompt "${INITIAL_PROMPT}")`;
    printTable(title, rows, shared.client.simulated());
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
