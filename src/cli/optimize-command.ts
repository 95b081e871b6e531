import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_CONFIG_PATH } from '../config/load.js';
import { ConfigError } from '../core/errors.js';
import { percent } from '../core/format.js';
import { loadTaskSplits } from '../eval/task-run.js';
import { splitWarnings } from '../dataset/split-info.js';
import {
  DEFAULT_OPTIONS,
  type FileOptimizeResult,
  type OptimizeOptions,
  optimizePrompt,
} from '../optimize/index.js';
import { parseOptimizeOptions } from '../optimize/options.js';
import { endpointFromFlags, OPTIMIZE_FLAGS, parseFlags } from './args.js';
import { FLAGS as EVAL_FLAGS, resolveTasks } from './eval-command.js';
import { clientFor, optimizerModelOf } from '../app/settings.js';
import { SPLIT_HELP } from './split-flags.js';
import { printResult, resultJson, suggestedText, type WriteOutcome } from './optimize-report.js';

const HELP = `usage: lpo optimize [flags] [prompt files...]

Optimizes text prompts with Local Prompt Optimization on top of APE, APO or PE2. Dev is split into
search examples (shown to the optimizer, candidates raced on them) and validation examples (never shown;
a new best is accepted there); test is scored for the head and the final prompt only, to report.
Takes the prompts and endpoint flags of "lpo eval" (--config, --prompt, --dataset, …), plus:
  --method ape|apo|pe2       base method (default ${DEFAULT_OPTIONS.method})
  --mode local|global        local: edit only <edit>-tagged spans; global: rewrite whole prompts (default ${DEFAULT_OPTIONS.mode})
  --search beam|pareto       beam: keep the best-ranked prompts; pareto: keep every prompt best on some
                             search example, parents drawn by how many it wins (default ${DEFAULT_OPTIONS.search})
  --steps <n>                search steps (default ${DEFAULT_OPTIONS.steps})
  --beam <n>                 prompts kept per step (default ${DEFAULT_OPTIONS.beam})
  --candidates <n>           proposals per parent per step (default ${DEFAULT_OPTIONS.candidates})
  --max-edit-words <n>       words per tagged span (default ${DEFAULT_OPTIONS.maxEditWords})
  --optimizer-model <name>   model that proposes edits (default: the task model)
  --max-calls <n>            completed requests, task + optimizer, never exceeded; the search is planned
                             to fit it before the first call (default ${DEFAULT_OPTIONS.maxCalls})
  --max-tokens <n>           prompt + completion tokens, planned from the average per call
  --seed <n>                 seed for the racing order, minibatches and optimizer requests (default ${DEFAULT_OPTIONS.seed})
  --write                    write the suggested prompt into its file (not when the suggestion is withheld)
  --json <path>              write the result as JSON ("-" for stdout)
  --config <file>            config file (default ${DEFAULT_CONFIG_PATH})
${SPLIT_HELP}`;

const FLAGS = {
  ...EVAL_FLAGS,
  ...OPTIMIZE_FLAGS,
  write: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseFlags<typeof FLAGS>>['values'];

export function optionsFromFlags(values: Values): OptimizeOptions {
  return parseOptimizeOptions(
    (key) => values[key],
    (key) => `--${key}`,
  );
}

const BOM = '\uFEFF';

/**
 * Writes the suggestion into the prompt file, unless it is withheld or the file changed since it was
 * read (then the suggestion would overwrite an edit it never saw).
 */
async function writeSuggestion(
  file: string,
  readText: string,
  result: FileOptimizeResult,
): Promise<WriteOutcome> {
  const suggested = suggestedText(result);
  if ('why' in suggested) return { written: false, why: suggested.why };
  if ((await readFile(file, 'utf8')) !== readText) {
    return { written: false, why: 'the file changed while the optimizer ran' };
  }
  // A text prompt is optimized without its BOM; the file keeps it.
  const keepBom = readText.startsWith(BOM) && !suggested.text.startsWith(BOM);
  await writeFile(file, keepBom ? BOM + suggested.text : suggested.text);
  return { written: true, path: file };
}

export async function optimizeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('optimize', argv, FLAGS);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (values.split !== undefined)
    throw new ConfigError(
      '--split: lpo optimize always uses both splits (dev to search and validate, test to report)',
    );
  const options = optionsFromFlags(values);
  const endpoint = endpointFromFlags(values);
  const optimizerModel = optimizerModelOf(values['optimizer-model'], endpoint.taskModel);
  const { rootDir, tasks } = await resolveTasks(values, positionals);
  // Every dataset is read (and every bad row found) before the first prompt spends a call.
  const loaded = [];
  for (const task of tasks) {
    const { splits, info } = await loadTaskSplits(task, 'all');
    for (const warning of splitWarnings(info))
      process.stderr.write(`warning: ${task.promptPath}: ${warning}\n`);
    loaded.push({ task, splits: { dev: splits.dev ?? [], test: splits.test ?? [] } });
  }
  const client = clientFor(endpoint, rootDir);
  // With the JSON on stdout, everything meant for a person goes to stderr.
  const out = values.json === '-' ? process.stderr : process.stdout;
  const results = [];
  for (const { task, splits } of loaded) {
    const file = path.resolve(rootDir, task.promptPath);
    const fileText = await readFile(file, 'utf8');
    const result = await optimizePrompt({
      task,
      splits,
      client,
      taskModel: endpoint.taskModel,
      optimizerModel,
      options,
      fileText,
      onStep: (s) =>
        process.stderr.write(
          `${task.promptPath}: step ${s.step}, best search ${percent(s.search)}, validation ${percent(s.validation)}, ${s.calls} of ${s.plannedCalls} planned calls\n`,
        ),
    });
    if (values.json !== '-') printResult(task.promptPath, result, client.simulated(), out);
    const write = values.write ? await writeSuggestion(file, fileText, result) : undefined;
    if (write?.written) out.write(`wrote the suggested prompt to ${task.promptPath}\n`);
    else if (write) out.write(`--write: ${task.promptPath} not written: ${write.why}\n`);
    results.push(resultJson(task.promptPath, result, client.simulated(), write));
  }
  if (values.json) {
    const body = `${JSON.stringify(results.length === 1 ? results[0] : { results }, null, 2)}\n`;
    if (values.json === '-') process.stdout.write(body);
    else {
      await mkdir(path.dirname(path.resolve(values.json)), { recursive: true });
      await writeFile(values.json, body);
    }
  }
  return 0;
}
