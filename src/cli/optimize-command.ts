import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_CONFIG_PATH } from '../config/load.js';
import { ConfigError } from '../core/errors.js';
import { percent } from '../core/format.js';
import { SIMULATED_NOTE } from '../eval/format.js';
import { loadTaskSplits } from '../eval/task-run.js';
import { splitWarnings } from '../dataset/split-info.js';
import {
  DEFAULT_OPTIONS,
  type OptimizeOptions,
  type OptimizeResult,
  optimizePrompt,
} from '../optimize/index.js';
import { endpointFromFlags, OPTIMIZE_FLAGS, parseFlags } from './args.js';
import { FLAGS as EVAL_FLAGS, resolveTasks } from './eval-command.js';
import { clientFor, optimizerModelOf } from '../app/settings.js';
import { SPLIT_HELP } from './split-flags.js';

const HELP = `usage: lpo optimize [flags] [prompt files...]

Optimizes text prompts with Local Prompt Optimization on top of APE, APO or PE2, selecting on dev and
reporting test. Takes the prompts and endpoint flags of "lpo eval" (--config, --prompt, --dataset, …), plus:
  --method ape|apo|pe2       base method (default ${DEFAULT_OPTIONS.method})
  --mode local|global        local: edit only <edit>-tagged spans; global: rewrite whole prompts (default ${DEFAULT_OPTIONS.mode})
  --steps <n>                search steps (default ${DEFAULT_OPTIONS.steps})
  --beam <n>                 prompts kept per step (default ${DEFAULT_OPTIONS.beam})
  --candidates <n>           proposals per parent per step (default ${DEFAULT_OPTIONS.candidates})
  --max-edit-words <n>       words per tagged span (default ${DEFAULT_OPTIONS.maxEditWords})
  --optimizer-model <name>   model that proposes edits (default: the task model)
  --max-calls <n>            completed requests, task + optimizer, never exceeded (default ${DEFAULT_OPTIONS.maxCalls})
  --max-tokens <n>           prompt + completion tokens, planned from the average per call
  --seed <n>                 seed for minibatches and optimizer requests (default ${DEFAULT_OPTIONS.seed})
  --json <path>              write the result as JSON ("-" for stdout)
  --config <file>            config file (default ${DEFAULT_CONFIG_PATH})
${SPLIT_HELP}`;

import { parseOptimizeOptions } from '../optimize/options.js';

const FLAGS = {
  ...EVAL_FLAGS,
  ...OPTIMIZE_FLAGS,
} as const;

type Values = ReturnType<typeof parseFlags<typeof FLAGS>>['values'];

export function optionsFromFlags(values: Values): OptimizeOptions {
  return parseOptimizeOptions(
    (key) => values[key],
    (key) => `--${key}`,
  );
}

/** The JSON shape of one result: everything but the per-example runs. */
export function resultJson(promptPath: string, result: OptimizeResult, simulated: boolean) {
  return {
    prompt: promptPath,
    simulated,
    method: result.method,
    mode: result.mode,
    head: result.head,
    best: result.best,
    improved: result.improved,
    spans: result.spans,
    steps: result.steps,
    budget: result.budget,
    discarded: result.discarded,
    repaired: result.repaired,
    ...(result.withheld ? { withheld: result.withheld } : {}),
  };
}

export function printResult(
  promptPath: string,
  result: OptimizeResult,
  simulated: boolean,
  out = process.stdout,
): void {
  const label = simulated ? ' SIMULATED' : '';
  out.write(`\n${promptPath}: LPO (${result.method}, ${result.mode})${label}\n`);
  const rows = [['step', 'dev', 'test', 'gap', 'proposals', 'scored', 'accepted', 'calls']];
  for (const s of result.steps) {
    const gap = s.gap === null ? 'n/a' : `${(s.gap * 100).toFixed(1)} pp`;
    rows.push([
      String(s.step),
      percent(s.dev),
      percent(s.test),
      gap,
      String(s.proposals),
      String(s.evaluated),
      s.accepted ? 'yes' : '',
      String(s.calls),
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) out.write(`${r.map((cell, c) => cell.padStart(widths[c]!)).join('  ')}\n`);
  out.write(
    `best (step ${result.best.step}): dev ${percent(result.best.dev)}, test ${percent(result.best.test)}; head: dev ${percent(result.head.dev)}, test ${percent(result.head.test)}\n`,
  );
  for (const span of result.spans) {
    out.write(`  ${JSON.stringify(span.old)} → ${JSON.stringify(span.new)}\n    because ${span.reason}\n`);
  }
  const b = result.budget;
  const tokens =
    b.maxTokens === null
      ? `${b.tokens.toLocaleString('en-US')} tokens`
      : `${b.tokens.toLocaleString('en-US')} of ${b.maxTokens.toLocaleString('en-US')} tokens`;
  out.write(`budget: ${b.calls} of ${b.maxCalls} calls, ${tokens}${b.exhausted ? ' (exhausted)' : ''}\n`);
  const counts = (r: Record<string, number>) =>
    Object.entries(r)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none';
  out.write(`discarded: ${counts(result.discarded)}; repaired: ${counts(result.repaired)}\n`);
  out.write(
    result.withheld
      ? `no suggestion: ${result.withheld}\n`
      : 'suggestion: the best prompt does not lose to the head prompt on test\n',
  );
  if (simulated) out.write(`${SIMULATED_NOTE}\n`);
}

export async function optimizeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('optimize', argv, FLAGS);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (values.split !== undefined)
    throw new ConfigError('--split: lpo optimize always uses both splits (dev to select, test to report)');
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
  const results = [];
  for (const { task, splits } of loaded) {
    const result = await optimizePrompt({
      task,
      splits,
      client,
      taskModel: endpoint.taskModel,
      optimizerModel,
      options,
      fileText: await readFile(path.resolve(rootDir, task.promptPath), 'utf8'),
      onStep: (s) =>
        process.stderr.write(
          `${task.promptPath}: step ${s.step}, best dev ${percent(s.dev)}, ${s.calls} calls\n`,
        ),
    });
    if (values.json !== '-') printResult(task.promptPath, result, client.simulated());
    results.push(resultJson(task.promptPath, result, client.simulated()));
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
