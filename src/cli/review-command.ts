import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { reviewApp } from '../app/review-app.js';
import { clientFor, reviewCeilings, runSettings } from '../app/settings.js';
import { DEFAULT_CONFIG_PATH } from '../config/load.js';
import { ConfigError } from '../core/errors.js';
import { renderSummary } from '../render/comment.js';
import { toReviewJson } from '../render/json-report.js';
import { postable } from '../render/plan.js';
import type { ReviewReport } from '../review/model.js';
import { failureMessage, inconclusiveWarning, type ReviewOutcome } from '../review/outcome.js';
import { resolveRef } from '../vcs/git.js';
import { gitSources } from '../vcs/sources.js';
import { ENDPOINT_FLAGS, endpointFromFlags, OPTIMIZE_FLAGS, parseFlags } from './args.js';
import { progressReporter } from './progress.js';

const HELP = `usage: lpo review --repo <dir> --base <ref> --head <ref> [--out <review.md>] [--json <report.json>]
                  [--suggestions-out <dir>]

Runs the pull-request review on a local git repository: evaluates the base and head versions of every
prompt the change touches (or whose config entry or dataset it touches), and writes the comment the
Action would post. Exits 1 when a prompt regresses by the --fail-on rule, 3 when a prompt could not
be evaluated (e.g. every model call failed), 4 when a test split is too small to detect a drop of
--min-detectable-drop or the judge is not trusted (inconclusive; see --fail-on-inconclusive), 2 on a
usage or input error.

Nothing is posted anywhere: the comment shows each suggested prompt as a diff against the head file.

  --out <file>           write the comment's markdown there (default: standard output)
  --json <file>          write the JSON report there
  --suggestions-out <dir>
                         write each suggested prompt file under <dir> at its repository path
                         (<dir>/prompts/math.txt), ready to copy over the checkout or diff against it
  --config <file>        config path inside the repo (default ${DEFAULT_CONFIG_PATH})
  --fail-on <rule>       significant-regression (default) | regression | never
  --min-delta <pp>       largest allowed test drop for --fail-on regression (default 2)
  --min-detectable-drop <pp>
                         the drop the test split must be able to detect, else the verdict is
                         inconclusive (default 10)
  --fail-on-inconclusive <true|false>
                         exit 4 when a prompt is inconclusive (default true; never with --fail-on never)
  --min-accuracy <pct>   fail when the head's test accuracy is below this percentage
  --min-judge-agreement <kappa>
                         Cohen's kappa a judge scorer needs against the dataset's human labels
                         (label:) before the gate uses it; below it, inconclusive (default 0.6)
  --trust-pr-config      judge with the head's config and datasets (default: the base commit's,
                         so a change cannot rewrite its own test)
  --no-optimize          skip the LPO suggestion
  --optimizer-model <m>  model that proposes edits (default: the task model)
  --method ape|apo|pe2 --mode local|global --search beam|pareto --steps <n> --beam <n> --candidates <n>
  --max-edit-words <n> --max-calls <n> --max-tokens <n> --seed <n>
                         the optimizer's settings, as for lpo optimize
  plus --base-url --api-key --task-model --concurrency --cache-dir --no-cache --max-response-bytes,
  as for lpo eval`;

const FLAGS = {
  ...ENDPOINT_FLAGS,
  repo: { type: 'string' },
  base: { type: 'string' },
  head: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'string' },
  'suggestions-out': { type: 'string' },
  config: { type: 'string' },
  'fail-on': { type: 'string' },
  'min-delta': { type: 'string' },
  'min-detectable-drop': { type: 'string' },
  'min-accuracy': { type: 'string' },
  'fail-on-inconclusive': { type: 'string' },
  'min-judge-agreement': { type: 'string' },
  'allowed-models': { type: 'string' },
  'max-output-tokens': { type: 'string' },
  'max-examples': { type: 'string' },
  'no-optimize': { type: 'boolean' },
  'trust-pr-config': { type: 'boolean' },
  ...OPTIMIZE_FLAGS,
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * 1 is a regression, 2 a usage error (from main), 3 a prompt that reached no verdict (every call failed,
 * or the ceiling cut its evaluation), 4 too little test data.
 */
function exitCode(outcome: ReviewOutcome): number {
  switch (outcome.kind) {
    case 'regressed':
      return 1;
    case 'could-not-evaluate':
      for (const p of outcome.prompts)
        process.stderr.write(`error: evaluation could not run for ${p.path}: ${p.error}\n`);
      return 3;
    case 'over-budget':
      process.stderr.write(`error: ${failureMessage(outcome)}\n`);
      return 3;
    case 'inconclusive':
      for (const p of outcome.prompts) process.stderr.write(`error: ${p.path}: ${p.verdict}\n`);
      return 4;
    case 'skipped':
      process.stderr.write(`${outcome.reason}\n`);
      return 0;
    default: {
      const unsure = inconclusiveWarning(outcome);
      if (unsure) process.stderr.write(`warning: ${unsure}\n`);
      return 0;
    }
  }
}

/**
 * Each suggestion that would be posted, as the whole suggested file at its repository path under
 * `dir`. A path that would leave `dir` is refused, whatever the repository calls its files.
 */
async function writeSuggestions(dir: string, report: ReviewReport): Promise<string[]> {
  const root = path.resolve(dir);
  const written: string[] = [];
  for (const p of report.prompts.filter(postable)) {
    if (p.suggestion!.fileText === p.suggestion!.headText) continue;
    const target = path.resolve(root, p.path);
    if (path.relative(root, target).startsWith('..') || path.isAbsolute(path.relative(root, target))) {
      throw new ConfigError(`--suggestions-out: ${p.path} would be written outside ${dir}`);
    }
    await writeOut(target, p.suggestion!.fileText);
    written.push(target);
  }
  process.stderr.write(
    written.length > 0
      ? `wrote ${written.length} suggested prompt file${written.length === 1 ? '' : 's'} under ${dir}\n`
      : `no suggestion to write under ${dir}\n`,
  );
  return written;
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
    { optimize: values['no-optimize'] !== true, trustPrConfig: values['trust-pr-config'] === true },
  );
  const baseSha = await resolveRef(repoDir, values.base!);
  const headSha = await resolveRef(repoDir, values.head!);
  const progress = new Map<string, ReturnType<typeof progressReporter>>();
  // Everything is read from the two commits' objects: no checkout of the head is needed.
  const { report, outcome } = await reviewApp({
    settings,
    baseSha,
    headSha,
    sources: await gitSources(repoDir, baseSha, headSha),
    client: async () => clientFor(endpoint, process.cwd(), reviewCeilings(settings)),
    logger: {
      info: (m) => process.stderr.write(`${m}\n`),
      warning: (m) => process.stderr.write(`warning: ${m}\n`),
    },
    onProgress: (label, done, total) => {
      if (!progress.has(label)) progress.set(label, progressReporter(label));
      progress.get(label)!.update(done, total);
    },
  });
  const dir = values['suggestions-out'];
  const written = dir ? await writeSuggestions(dir, report) : [];
  const why = dir
    ? `lpo review posts nothing; ${written.length === 1 ? 'the suggested file was' : 'the suggested files were'} written under ${dir}`
    : 'lpo review posts nothing (--suggestions-out writes the suggested files)';
  const markdown = renderSummary(report, { delivery: { posted: new Set(), why } });
  if (values.out) {
    await writeOut(values.out, `${markdown}\n`);
    process.stderr.write(`wrote ${values.out}\n`);
  } else {
    process.stdout.write(`${markdown}\n`);
  }
  if (values.json) await writeOut(values.json, `${JSON.stringify(toReviewJson(report), null, 2)}\n`);
  return exitCode(outcome);
}
