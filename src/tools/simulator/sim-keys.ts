import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { coveredFiles, entryFor, loadConfig } from '../../config/load.js';
import { configRoot } from '../../config/root.js';
import { buildTask } from '../../config/task.js';
import { examplesFromRows, loadExamples } from '../../dataset/examples.js';
import { ConfigError } from '../../core/errors.js';

export type KeyRow = { input: string; target: string };

/** An answer key and where it came from, for the line the simulator prints when it starts. */
export interface AnswerKey {
  rows: KeyRow[];
  /** Dataset files (absolute) and inline `path#testData` sources, once each. */
  datasets: string[];
}

// The simulator learns the answers from the same loaders the evaluator uses, so a field is turned
// into text exactly as the evaluator will send and score it.

export async function keyFromDataset(file: string, input: string, target: string): Promise<KeyRow[]> {
  const examples = await loadExamples(file, { input: [input], target });
  return examples.map((e) => ({ input: e.fields[input]!, target: e.target }));
}

/** Every example of every prompt a config covers (all rows, not just a split). */
export async function keyFromConfig(configFile: string, rootDir: string): Promise<KeyRow[]> {
  return (await answerKeyFromConfig(configFile, rootDir)).rows;
}

/**
 * As keyFromConfig, with the datasets it read. A key that silently lacks a dataset makes every
 * answer on it wrong, which looks like a bad prompt: a prompt glob matching nothing, or a dataset
 * that cannot be read, fails instead.
 */
export async function answerKeyFromConfig(configFile: string, rootDir: string): Promise<AnswerKey> {
  const config = await loadConfig(configFile, rootDir);
  const files = await coveredFiles(config, rootDir);
  if (files.length === 0) {
    throw new ConfigError(
      `${config.path}: no prompt file under ${rootDir} matches the "files" globs, so the answer key would be empty`,
    );
  }
  const rows: KeyRow[] = [];
  const datasets = new Set<string>();
  const seen = new Set<string>();
  for (const file of files.sort()) {
    const entry = entryFor(config, file);
    if (!entry) continue;
    const text = await readFile(path.join(rootDir, file), 'utf8');
    const task = buildTask({ promptPath: file, promptText: text, entry, rootDir });
    const source = task.datasetPath ?? `${file}#testData`;
    // By fields too: two entries may read different columns of one file.
    const read = JSON.stringify([source, task.input[0], task.target]);
    if (seen.has(read)) continue;
    seen.add(read);
    datasets.add(source);
    const map = { input: task.input, target: task.target };
    try {
      const examples = task.datasetPath
        ? await loadExamples(task.datasetPath, map)
        : examplesFromRows(task.inlineRows ?? [], map, file);
      for (const e of examples) rows.push({ input: e.fields[task.input[0]!]!, target: e.target });
    } catch (error) {
      // The loaders' messages name the dataset; say which prompt needed it, as eval would.
      if (error instanceof ConfigError)
        throw new ConfigError(`${error.message} (answer key for ${file}, from ${config.path})`);
      throw error;
    }
  }
  return { rows, datasets: [...datasets] };
}

/** The key flags of `lpo simulate`, as given. */
export interface KeyFlags {
  config?: string | undefined;
  key?: string | undefined;
  keyInput?: string | undefined;
  keyTarget?: string | undefined;
}

/** Where `lpo simulate` takes its key from; null when neither --config nor --key was given. */
export async function answerKeyFor(from: KeyFlags, cwd: string): Promise<AnswerKey | null> {
  if (from.config === undefined && from.key === undefined) return null;
  let key: AnswerKey = { rows: [], datasets: [] };
  if (from.config !== undefined) {
    // Relative to the config's repository, not the cwd: see configRoot for the rule.
    const config = path.resolve(cwd, from.config);
    key = await answerKeyFromConfig(config, configRoot(config, cwd));
  }
  if (from.key !== undefined) {
    const rows = await keyFromDataset(from.key, from.keyInput ?? 'input', from.keyTarget ?? 'target');
    key = { rows: key.rows.concat(rows), datasets: [...key.datasets, path.resolve(cwd, from.key)] };
  }
  return key;
}

/** The simulator's start-up line about its key: an empty key makes every answer wrong. */
export function describeKey(key: AnswerKey | null): string {
  if (key === null || key.rows.length === 0)
    return 'answer key: empty (no --config or --key): every answer will be wrong';
  const n = key.datasets.length;
  return `answer key: ${key.rows.length.toLocaleString('en-US')} answers from ${n} dataset${n === 1 ? '' : 's'}`;
}
