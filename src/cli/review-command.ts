import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { reviewApp } from '../app/review-app.js';
import { clientFor, runSettings } from '../app/settings.js';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../config/load.js';
import { ConfigError } from '../core/errors.js';
import { renderSummary } from '../render/comment.js';
import { toReviewJson } from '../render/json-report.js';
import type { ReviewOutcome } from '../review/outcome.js';
import { resolveRef } from '../vcs/git.js';
import { gitSources } from '../vcs/sources.js';
import { withHeadTree } from '../vcs/worktree.js';
import { ENDPOINT_FLAGS, endpointFromFlags, OPTIMIZE_FLAGS, parseFlags } from './args.js';
import { progressReporter } from './progress.js';

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

/** 1 is a regression, 2 a usage error (from main), 3 a prompt that reached no verdict. */
function exitCode(outcome: ReviewOutcome): number {
  switch (outcome.kind) {
    case 'regressed':
      return 1;
    case 'could-not-evaluate':
      for (const p of outcome.prompts)
        process.stderr.write(`error: evaluation could not run for ${p.path}: ${p.error}\n`);
      return 3;
    case 'skipped':
      process.stderr.write(`${outcome.reason}\n`);
      return 0;
    default:
      return 0;
  }
}

async function writeOut(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, text);
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
  const endpoint = endpointFromFlags(values);
  const settings = runSettings(
    (key) => values[key],
    (key) => `--${key}`,
    endpoint,
    values['no-optimize'] !== true,
  );
  const baseSha = await resolveRef(repoDir, values.base!);
  const headSha = await resolveRef(repoDir, values.head!);
  const progress = new Map<string, ReturnType<typeof progressReporter>>();
  const { report, outcome } = await withHeadTree(repoDir, headSha, async (rootDir) =>
    reviewApp({
      settings,
      config: await loadConfig(settings.configPath, rootDir),
      rootDir,
      baseSha,
      headSha,
      sources: await gitSources(repoDir, baseSha, headSha),
      client: async () => clientFor(endpoint, process.cwd()),
      logger: {
        info: (m) => process.stderr.write(`${m}\n`),
        warning: (m) => process.stderr.write(`warning: ${m}\n`),
      },
      onProgress: (label, done, total) => {
        if (!progress.has(label)) progress.set(label, progressReporter(label));
        progress.get(label)!.update(done, total);
      },
    }),
  );
  const markdown = renderSummary(report);
  if (values.out) {
    await writeOut(values.out, `${markdown}\n`);
    process.stderr.write(`wrote ${values.out}\n`);
  } else {
    process.stdout.write(`${markdown}\n`);
  }
  if (values.json) await writeOut(values.json, `${JSON.stringify(toReviewJson(report), null, 2)}\n`);
  return exitCode(outcome);
}
