// The two tasks a review evaluates for one prompt: the base and the head text, scored on ONE
// definition of the test (dataset, fields, scorer, split). That definition is the trusted side's:
// the gate config's entry (the base commit's, unless the owner trusts the PR's config), and for a
// .prompt.yml that carries its own testData, the base file's rows and evaluator. Only a prompt the
// gate config does not cover at all (new in the PR) is defined by the head, and is marked as such.
import path from 'node:path';
import { entryFor, type LpoConfig, type PromptEntry } from '../config/load.js';
import { buildTask } from '../config/task.js';
import { ConfigError, errorMessage } from '../core/errors.js';
import type { EvalTask } from '../core/types.js';
import { loadExamples } from '../dataset/examples.js';
import { fieldMapOf } from '../eval/task-run.js';
import type { PromptJob } from '../vcs/changes.js';
import type { ConfigOrigin } from './model.js';

/** The configs a review reads, each parsed from its own commit's files (app/review-configs.ts). */
export interface ReviewConfigSet {
  gate: LpoConfig;
  head: LpoConfig;
  origin: ConfigOrigin;
  dataset(absolute: string, where: string): Promise<void>;
  /** Repository paths the change touches: a dataset it leaves alone is not read from the head. */
  changed: ReadonlySet<string>;
}

export interface ReviewTasks {
  head: EvalTask;
  base: EvalTask | null;
  /** Whose definition the test uses; `head` for a prompt only the PR's config covers. */
  definedBy: 'base' | 'head';
  /** What the PR changed in the test it does not get to use, one line each. */
  changes: string[];
}

const entryOf = (config: LpoConfig, job: PromptJob): PromptEntry | undefined =>
  entryFor(config, job.path) ?? (job.previousPath ? entryFor(config, job.previousPath) : undefined);

/** The parts of a task that define the test rather than the prompt. */
function withDefinition(task: EvalTask, from: EvalTask): EvalTask {
  const { datasetPath, inlineRows, inlineSource, inlineLines, input, target, scorer, split } = from;
  const { inlineRows: _r, inlineSource: _s, inlineLines: _l, compare: _c, calibration: _k, ...rest } = task;
  const { samples: _n, ...own } = rest;
  return {
    ...own,
    ...(from.compare ? { compare: from.compare } : {}),
    ...(from.calibration ? { calibration: from.calibration } : {}),
    ...(from.samples ? { samples: from.samples } : {}),
    datasetPath,
    input,
    target,
    scorer,
    split,
    ...(inlineRows ? { inlineRows } : {}),
    ...(inlineSource ? { inlineSource } : {}),
    ...(inlineLines ? { inlineLines } : {}),
  };
}

function build(config: LpoConfig, entry: PromptEntry | undefined, path: string, text: string): EvalTask {
  return buildTask({
    promptPath: path,
    promptText: text,
    rootDir: config.rootDir,
    ...(entry ? { entry } : {}),
  });
}

/** The owner's bounds on what a config may ask (config/limits.ts). */
export interface TaskLimits {
  models: readonly string[];
  maxExamples: number;
}

export async function reviewTasks(
  configs: ReviewConfigSet,
  job: PromptJob,
  headText: string,
  baseText: string | null,
  limits: TaskLimits,
): Promise<ReviewTasks> {
  const gateEntry = entryOf(configs.gate, job);
  const headEntry = entryOf(configs.head, job);
  const [config, entry] = gateEntry ? [configs.gate, gateEntry] : [configs.head, headEntry];
  const head = build(config, entry, job.path, headText);
  const base = baseText === null ? null : build(config, entry, job.previousPath ?? job.path, baseText);
  // A .prompt.yml's own testData is part of the file the PR edits: the base file's rows define the test.
  const donor = base && configs.origin === 'base' ? base : head;
  if (donor.datasetPath) await configs.dataset(donor.datasetPath, where(entry, job));
  const definedBy = configs.origin === 'base' && (gateEntry || base) ? 'base' : 'head';
  const graderModel = 'model' in donor.scorer ? donor.scorer.model : undefined;
  if (graderModel !== undefined && !limits.models.includes(graderModel)) {
    throw new ConfigError(
      `${where(entry, job)}: ${donor.scorer.type} model "${graderModel}" is not allowed (allowed: ${limits.models.join(', ')}; the workflow's allowed-models input can add it)`,
    );
  }
  for (const task of [head, base]) {
    if (task?.model !== undefined && !limits.models.includes(task.model)) {
      throw new ConfigError(
        `${task.kind === 'prompt-yml' && !entry?.model ? job.path : where(entry, job)}: model "${task.model}" is not allowed (allowed: ${limits.models.join(', ')}; the workflow's allowed-models input can add it)`,
      );
    }
  }
  const capped = { ...donor, split: capSplit(donor.split, limits.maxExamples) };
  const tasks: ReviewTasks = {
    head: withDefinition(head, capped),
    base: base && withDefinition(base, capped),
    definedBy,
    changes: [],
  };
  if (configs.origin === 'base') {
    const ownHead = gateEntry ? build(configs.head, headEntry, job.path, headText) : null;
    if (ownHead) tasks.changes = await changesIn(configs, donor, ownHead, headEntry, job);
  }
  return tasks;
}

/** The config's split, held to the owner's per-split ceiling. */
function capSplit(split: EvalTask['split'], max: number): EvalTask['split'] {
  return { ...split, maxExamples: Math.min(split.maxExamples ?? max, max) };
}

const where = (entry: PromptEntry | undefined, job: PromptJob) =>
  entry ? `${entry.source.file}:${entry.source.line} (${entry.source.path})` : job.path;

const show = (value: unknown) =>
  value === undefined ? '(not set)' : typeof value === 'string' ? value : JSON.stringify(value);

/** Differences between the test the gate uses and the one the PR's own config would define. */
async function changesIn(
  configs: ReviewConfigSet,
  trusted: EvalTask,
  own: EvalTask,
  headEntry: PromptEntry | undefined,
  job: PromptJob,
): Promise<string[]> {
  const changes: string[] = [];
  for (const key of ['input', 'target', 'scorer', 'split', 'compare', 'calibration', 'samples'] as const) {
    if (show(trusted[key]) !== show(own[key])) {
      changes.push(`${key}: ${show(trusted[key])} → ${show(own[key])}`);
    }
  }
  try {
    const rows = await rowChanges(configs, trusted, own, where(headEntry, job));
    if (rows) changes.push(rows);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    changes.push(`the PR's dataset cannot be read: ${errorMessage(error)}`);
  }
  return changes;
}

async function rowChanges(
  configs: ReviewConfigSet,
  trusted: EvalTask,
  own: EvalTask,
  at: string,
): Promise<string | undefined> {
  const a = trusted.datasetPath ? path.relative(configs.gate.rootDir, trusted.datasetPath) : null;
  const b = own.datasetPath ? path.relative(configs.head.rootDir, own.datasetPath) : null;
  if (a === null && b === null) {
    const [before, after] = [trusted.inlineRows ?? [], own.inlineRows ?? []].map((rows) => rows.map(show));
    return counted('testData', before!, after!);
  }
  if (a === null || b === null || a !== b) return `dataset: ${a ?? 'testData'} → ${b ?? 'testData'}`;
  if (!configs.changed.has(b.split(path.sep).join('/'))) return undefined;
  await configs.dataset(own.datasetPath!, at);
  // A row whose person-given label changed is a changed row too, though its id (content) is the same.
  const ids = async (task: EvalTask) =>
    (await loadExamples(task.datasetPath!, fieldMapOf(task))).map((e) =>
      e.labelled ? `${e.id} ${JSON.stringify(e.labelled)}` : e.id,
    );
  return counted(`dataset ${b}`, await ids(trusted), await ids(own));
}

function counted(what: string, before: string[], after: string[]): string | undefined {
  const had = new Set(before);
  const has = new Set(after);
  const added = after.filter((r) => !had.has(r)).length;
  const removed = before.filter((r) => !has.has(r)).length;
  return added || removed ? `${what}: +${added} rows, −${removed} rows` : undefined;
}

/** What the report says about whose test was used, one note per prompt it concerns. */
export function testNotes(
  prompts: { path: string; definedBy?: 'base' | 'head'; testChanges?: string[] }[],
  origin: ConfigOrigin,
): string[] {
  const notes: string[] = [];
  if (origin === 'head-new')
    notes.push('The base commit has no config: the PR’s own config defined the test.');
  if (origin === 'head-trusted')
    notes.push('trust-pr-config is on: the PR’s own config and datasets defined the test.');
  for (const p of prompts) {
    if (p.definedBy === 'head') {
      notes.push(
        `${p.path}: the base commit's config does not cover it; its test is the PR's own config entry.`,
      );
    }
    if (p.testChanges?.length) {
      notes.push(
        `${p.path}: this PR changes its test (${p.testChanges.join('; ')}); the gate used the base commit's (set trust-pr-config to use the PR's).`,
      );
    }
  }
  return notes;
}
