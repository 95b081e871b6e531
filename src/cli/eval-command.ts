import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { coveredFiles, DEFAULT_CONFIG_PATH, entryFor, loadConfig, type PromptEntry } from '../config/load.js';
import { CONFIG_SCORERS, PromptEntrySchema } from '../config/schema.js';
import { configRoot } from '../config/root.js';
import { insideDir } from '../core/paths.js';
import { buildTask } from '../config/task.js';
import { ConfigError } from '../core/errors.js';
import { splitRule, splitWarnings } from '../dataset/split-info.js';
import { judgeText, rowLabel, SIMULATED_NOTE, splitTable, usageLine } from '../eval/format.js';
import type { EvalReport } from '../eval/report.js';
import { ReportFile } from '../eval/report-file.js';
import { checkTaskData, evalTask, type SplitChoice } from '../eval/task-run.js';
import type { EvalTask } from '../core/types.js';
import { ENDPOINT_FLAGS, endpointFromFlags, parseFlags } from './args.js';
import { clientFor } from '../app/settings.js';
import { progressReporter } from './progress.js';
import { SPLIT_FLAGS, SPLIT_HELP, withSplitFlags } from './split-flags.js';

/** Exit code when no example of a prompt could be evaluated (2 is a usage or input error). */
const EXIT_NOT_EVALUATED = 3;

const HELP = `usage: lpo eval [flags] [prompt files...]

With a config (default .github/lpo.yml), scores every prompt file it covers, or the files named.
Standalone, without a config:
  --prompt <file> --dataset <file> --input <field> --target <field> [--template <string>] --scorer <name>

  --split dev|test|all   which split(s) to score (default all: dev, test, and both together)
${SPLIT_HELP}
  --config <file>        config file (default ${DEFAULT_CONFIG_PATH})
  --base-url <url>       OpenAI-compatible endpoint (default $OPENAI_BASE_URL or OpenAI)
  --api-key <key>        API key (default $OPENAI_API_KEY)
  --task-model <name>    model that answers the examples
  --concurrency <n>      requests in flight (default 8)
  --cache-dir <dir>      response cache (default .lpo-cache); --no-cache turns it off
  --max-response-bytes <n>  largest response body read (default 1048576); larger is an error
  --json <path>          write the versioned JSON report (one report, or {reports: [...]} for several)`;

export const FLAGS = {
  ...ENDPOINT_FLAGS,
  ...SPLIT_FLAGS,
  prompt: { type: 'string' },
  dataset: { type: 'string' },
  input: { type: 'string', multiple: true },
  target: { type: 'string' },
  template: { type: 'string' },
  system: { type: 'string' },
  scorer: { type: 'string' },
  split: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const STANDALONE = ['dataset', 'input', 'target', 'template', 'system', 'scorer'] as const;

type Values = ReturnType<typeof parseFlags<typeof FLAGS>>['values'];

function splitChoice(raw: string | undefined): SplitChoice {
  const value = raw ?? 'all';
  if (value !== 'dev' && value !== 'test' && value !== 'all') {
    throw new ConfigError(`--split: expected dev, test or all, got "${value}"`);
  }
  return value;
}

/** `regex:<pattern>` and `json:<field>` give the two scorers that take an option. */
function scorerFlag(raw: string): unknown {
  const [name, ...rest] = raw.split(':');
  if (name === 'regex' || name === 'json') {
    const option = rest.join(':');
    if (!option)
      throw new ConfigError(
        `--scorer: ${name} needs an option: --scorer ${name}:<${name === 'regex' ? 'pattern' : 'field'}>`,
      );
    return name === 'regex' ? { type: 'regex', pattern: option } : { type: 'json', field: option };
  }
  if (!(CONFIG_SCORERS as readonly string[]).includes(raw)) {
    throw new ConfigError(
      `--scorer: expected one of ${CONFIG_SCORERS.join('|')} (regex:<pattern>, json:<field>), got "${raw}"`,
    );
  }
  return raw;
}

/**
 * Validates the standalone flags with the same schema as the config file, naming flags in errors.
 * The dataset may live anywhere here: the repository boundary only guards configs read from PRs.
 */
function entryFromFlags(values: Values, promptPath: string): PromptEntry {
  const raw = {
    // The schema keeps config globs inside the repository; a file named on the command line may be
    // anywhere, so the schema sees only its name and the entry gets the path afterwards.
    files: [path.posix.basename(promptPath)],
    ...(values.input !== undefined ? { input: values.input.flatMap((v) => v.split(',')) } : {}),
    ...(values.target !== undefined ? { target: values.target } : {}),
    ...(values.template !== undefined ? { template: values.template.replace(/\\n/g, '\n') } : {}),
    ...(values.system !== undefined ? { system: values.system.replace(/\\n/g, '\n') } : {}),
    ...(values.scorer !== undefined ? { scorer: scorerFlag(values.scorer) } : {}),
    ...(values.dataset !== undefined ? { dataset: 'placeholder' } : {}),
  };
  const parsed = PromptEntrySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path[0];
    const flag = typeof key === 'string' && key !== 'files' ? `--${key}` : 'lpo eval';
    throw new ConfigError(`${flag}: ${issue.message}`);
  }
  const { dataset: _, ...entry } = parsed.data;
  return {
    ...entry,
    files: [promptPath],
    ...(values.dataset !== undefined ? { dataset: path.resolve(values.dataset) } : {}),
    source: { file: 'command line', line: 0, path: 'flags' },
  };
}

async function readPrompt(rootDir: string, promptPath: string): Promise<string> {
  try {
    return await readFile(path.resolve(rootDir, promptPath), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new ConfigError(`${promptPath}: prompt file not found`);
    throw error;
  }
}

async function tasksFromConfig(values: Values, positionals: string[], rootDir: string): Promise<EvalTask[]> {
  const config = await loadConfig(values.config ?? DEFAULT_CONFIG_PATH, rootDir);
  const files = positionals.length
    ? positionals.map((p) => path.relative(rootDir, path.resolve(p)).split(path.sep).join('/'))
    : await coveredFiles(config, rootDir);
  if (files.length === 0) throw new ConfigError(`${config.path}: no prompt file matches the "files" globs`);
  const tasks: EvalTask[] = [];
  for (const file of files.sort()) {
    const entry = entryFor(config, file);
    if (!entry) throw new ConfigError(`${file}: not covered by any "files" glob in ${config.path}`);
    tasks.push(buildTask({ promptPath: file, promptText: await readPrompt(rootDir, file), entry, rootDir }));
  }
  return tasks;
}

export async function tasksFor(values: Values, positionals: string[], rootDir: string): Promise<EvalTask[]> {
  if (values.prompt === undefined) {
    const stray = STANDALONE.find((k) => values[k] !== undefined);
    if (stray) throw new ConfigError(`--${stray}: only valid together with --prompt`);
    return withSplitFlags(await tasksFromConfig(values, positionals, rootDir), values, false);
  }
  // Repo-relative inside the folder, absolute outside it.
  const promptPath = insideDir(rootDir, values.prompt) ?? path.resolve(rootDir, values.prompt);
  const promptText = await readPrompt(rootDir, promptPath);
  if (values.config !== undefined || STANDALONE.every((k) => values[k] === undefined)) {
    // --prompt alone: a self-sufficient .prompt.yml, or the config's entry for that file.
    const config =
      values.config !== undefined || !promptPath.match(/\.prompt\.ya?ml$/)
        ? await loadConfig(values.config ?? DEFAULT_CONFIG_PATH, rootDir)
        : undefined;
    const entry = config ? entryFor(config, promptPath) : undefined;
    const task = buildTask({ promptPath, promptText, rootDir, ...(entry ? { entry } : {}) });
    return withSplitFlags([task], values, entry === undefined);
  }
  const entry = entryFromFlags(values, promptPath);
  return withSplitFlags([buildTask({ promptPath, promptText, rootDir, entry })], values, true);
}

function printReport(report: EvalReport): void {
  const out = process.stdout;
  out.write(
    `\n${report.prompt}  (dataset ${report.dataset ?? 'n/a'}, scorer ${report.scorer}, model ${report.model})\n`,
  );
  if (report.split) out.write(`split: ${splitRule(report.split)}\n`);
  out.write(`${splitTable(report.splits)}\n`);
  if (report.judge) out.write(`${judgeText(report.judge)}\n`);
  out.write(`${usageLine(report.usage, report.wallMs)}\n`);
  const failed = report.examples.filter((e) => e.verdict === 'error');
  for (const e of failed.slice(0, 5)) out.write(`  error on ${rowLabel(e)}: ${e.error}\n`);
  if (failed.length > 5) out.write(`  … and ${failed.length - 5} more errors (see --json)\n`);
  if (report.simulated) out.write(`${SIMULATED_NOTE}\n`);
}

/**
 * A config's globs and datasets are relative to its repository, as for `lpo simulate --config`
 * (src/config/root.ts). With --prompt, paths stay relative to the current folder.
 */
export async function resolveTasks(
  values: Values,
  positionals: string[],
): Promise<{ rootDir: string; tasks: EvalTask[] }> {
  const config = values.prompt === undefined ? values.config : undefined;
  if (config === undefined)
    return { rootDir: process.cwd(), tasks: await tasksFor(values, positionals, process.cwd()) };
  const rootDir = configRoot(config, process.cwd());
  return {
    rootDir,
    tasks: await tasksFor({ ...values, config: path.resolve(config) }, positionals, rootDir),
  };
}

export async function evalCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('eval', argv, FLAGS);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const which = splitChoice(values.split);
  const endpoint = endpointFromFlags(values);
  // Every task is built (and so every config/prompt error found) before the first model call.
  const { rootDir, tasks } = await resolveTasks(values, positionals);
  // Datasets too: a bad row in the last task's dataset must not surface after the first task's calls.
  // (A single task reads its rows before its first call anyway.)
  if (tasks.length > 1) for (const task of tasks) await checkTaskData(task);
  const client = clientFor(endpoint, process.cwd());
  const reports: EvalReport[] = [];
  // Examples go to the report file as they finish; memory holds counts and errors only.
  const file = values.json === undefined ? null : await ReportFile.create();
  try {
    for (const task of tasks) {
      const progress = progressReporter(task.promptPath);
      const report = await evalTask(task, {
        client,
        model: endpoint.taskModel,
        which,
        rootDir,
        simulated: () => client.simulated(),
        onProgress: progress.update,
        lean: true,
        ...(file ? { onResult: file.sink() } : {}),
      });
      if (report.split) {
        for (const w of splitWarnings(report.split))
          process.stderr.write(`warning: ${task.promptPath}: ${w}\n`);
      }
      printReport(report);
      reports.push(report);
    }
    if (file && values.json) await file.write(values.json, reports);
  } finally {
    await file?.dispose();
  }
  // Every example errored: there is no accuracy to report, which is not a success.
  const failed = reports.filter((r) => {
    const splits = Object.values(r.splits);
    return splits.some((s) => s.total > 0) && splits.every((s) => s.errors === s.total);
  });
  for (const r of failed) {
    const first = r.examples.find((e) => e.verdict === 'error');
    process.stderr.write(`error: evaluation could not run for ${r.prompt}: ${first?.error}\n`);
  }
  return failed.length > 0 ? EXIT_NOT_EVALUATED : 0;
}
