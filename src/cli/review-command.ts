import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../config/load.js';
import { ConfigError } from '../errors.js';
import { renderSummary } from '../review/comment.js';
import { toReviewJson } from '../review/json-report.js';
import type { FailOn, GatePolicy } from '../review/model.js';
import { parseOptimizeOptions } from '../optimize/options.js';
import { resolveRef } from '../review/git.js';
import { runReview } from '../review/run.js';
import { gitSources, jobsFor } from '../review/sources.js';
import { withHeadTree } from '../review/worktree.js';
import { clientFor, ENDPOINT_FLAGS, endpointFromFlags, OPTIMIZE_FLAGS, parseFlags } from './args.js';
import { progressReporter } from './progress.js';

/** Exit code when a prompt could not be evaluated (1 is a regression, 2 a usage error). */
const EXIT_NOT_EVALUATED = 3;

const HELP = `usage: lpo review --repo <dir> --base <ref> --head <ref> [--out <review.md>] [--json <report.json>]

Runs the pull-request review on a local git repository: evaluates the base and head versions of every
prompt the change touches (or whose config entry or dataset it touches), and writes the comment the
Action would post. Exits 1 when a prompt regresses by the --fail-on rule, 3 when a prompt could not
be evaluated (e.g. every model call failed), 2 on a usage or input error.

  --config <file>        config path inside the repo (default ${DEFAULT_CONFIG_PATH})
  --fail-on <rule>       significant-regression (default) | regression | never
  --min-delta <pp>       for --fail-on regression: largest allowed test drop (default 2)
  --min-accuracy <pct>   fail when the head's test accuracy is below this percentage
  --no-optimize          skip the LPO suggestion
  --optimizer-model <m>  model that proposes edits (default: the task model)
  --method ape|apo|pe2 --mode local|global --steps <n> --beam <n> --candidates <n>
  --max-edit-words <n> --max-calls <n> --max-tokens <n> --seed <n>
                         the optimizer's settings, as for lpo optimize
  plus --base-url --api-key --task-model --concurrency --cache-dir --no-cache, as for lpo eval`;

const FLAGS = {
  ...ENDPOINT_FLAGS,
  repo: { type: 'string' },
  base: { type: 'string' },
  head: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'string' },
  config: { type: 'string' },
  'fail-on': { type: 'string' },
  'min-delta': { type: 'string' },
  'min-accuracy': { type: 'string' },
  'no-optimize': { type: 'boolean' },
  ...OPTIMIZE_FLAGS,
  help: { type: 'boolean', short: 'h' },
} as const;

function percentFlag(raw: string, flag: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 100) {
    throw new ConfigError(`${flag}: expected a number from 0 to 100, got "${raw}"`);
  }
  return value;
}

function gatePolicy(values: {
  'fail-on'?: string;
  'min-delta'?: string;
  'min-accuracy'?: string;
}): GatePolicy {
  const failOn = (values['fail-on'] ?? 'significant-regression') as FailOn;
  if (!['significant-regression', 'regression', 'never'].includes(failOn)) {
    throw new ConfigError(`--fail-on: expected significant-regression, regression or never, got "${failOn}"`);
  }
  const gate: GatePolicy = {
    failOn,
    minDelta: values['min-delta'] !== undefined ? percentFlag(values['min-delta'], '--min-delta') : 2,
    alpha: 0.05,
  };
  if (values['min-accuracy'] !== undefined)
    gate.minAccuracy = percentFlag(values['min-accuracy'], '--min-accuracy') / 100;
  return gate;
}

export async function reviewCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags('review', argv, FLAGS);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  for (const flag of ['base', 'head'] as const) {
    if (!values[flag]) throw new ConfigError(`lpo review: --${flag} <ref> is required`);
  }
  const repoDir = path.resolve(values.repo ?? '.');
  const gate = gatePolicy(values);
  const optimizeOptions = parseOptimizeOptions(
    (key) => values[key],
    (key) => `--${key}`,
  );
  const endpoint = endpointFromFlags(values);
  const baseSha = await resolveRef(repoDir, values.base!);
  const headSha = await resolveRef(repoDir, values.head!);
  const report = await withHeadTree(repoDir, headSha, async (rootDir) => {
    const config = await loadConfig(values.config ?? DEFAULT_CONFIG_PATH, rootDir);
    const sources = await gitSources(repoDir, baseSha, headSha);
    const jobs = jobsFor(sources, config);
    const client = clientFor(endpoint, process.cwd());
    const progress = new Map<string, ReturnType<typeof progressReporter>>();
    const result = await runReview({
      rootDir,
      config,
      baseSha,
      headSha,
      jobs,
      notes: sources.notes,
      readBase: sources.readBase,
      readHead: sources.readHead,
      client,
      taskModel: endpoint.taskModel,
      optimizerModel: values['optimizer-model'] ?? endpoint.taskModel,
      concurrency: endpoint.concurrency,
      gate,
      optimize: values['no-optimize'] !== true,
      optimizeOptions,
      logger: {
        info: (m) => process.stderr.write(`${m}\n`),
        warning: (m) => process.stderr.write(`warning: ${m}\n`),
      },
      onProgress: (label, done, total) => {
        if (!progress.has(label)) progress.set(label, progressReporter(label));
        progress.get(label)!.update(done, total);
      },
    });
    return result.report;
  });
  const markdown = renderSummary(report);
  if (values.out) {
    await mkdir(path.dirname(path.resolve(values.out)), { recursive: true });
    await writeFile(values.out, `${markdown}\n`);
    process.stderr.write(`wrote ${values.out}\n`);
  } else {
    process.stdout.write(`${markdown}\n`);
  }
  if (values.json) {
    await mkdir(path.dirname(path.resolve(values.json)), { recursive: true });
    await writeFile(values.json, `${JSON.stringify(toReviewJson(report), null, 2)}\n`);
  }
  if (report.prompts.length === 0)
    process.stderr.write('no prompt file, config or dataset covered by the config changed\n');
  if (report.regressed) return 1;
  // No verdict could be reached for these: neither a pass nor a regression, so a code of its own.
  const broken = report.prompts.filter((p) => p.error !== undefined);
  for (const p of broken) {
    process.stderr.write(
      `error: evaluation could not run for ${p.path}: ${p.error!.replace(/^evaluation could not run: /, '')}\n`,
    );
  }
  return broken.length > 0 ? EXIT_NOT_EVALUATED : 0;
}
