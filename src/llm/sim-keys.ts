import path from 'node:path';
import { glob } from 'tinyglobby';
import { loadConfig } from '../config/load.js';
import { entryFor } from '../config/load.js';
import { buildTask } from '../config/task.js';
import { examplesFromRows, loadExamples } from '../dataset/examples.js';
import { readFile } from 'node:fs/promises';

export type KeyRow = { input: string; target: string };

// The simulator learns the answers from the same loaders the evaluator uses, so a field is turned
// into text exactly as the evaluator will send and score it.

export async function keyFromDataset(file: string, input: string, target: string): Promise<KeyRow[]> {
  const examples = await loadExamples(file, { input: [input], target });
  return examples.map((e) => ({ input: e.fields[input]!, target: e.target }));
}

/** Every example of every prompt a config covers (all rows, not just a split). */
export async function keyFromConfig(configFile: string, rootDir: string): Promise<KeyRow[]> {
  const config = await loadConfig(configFile, rootDir);
  const files = await glob(
    config.entries.flatMap((e) => e.files),
    { cwd: rootDir, dot: true, ignore: ['node_modules/**'] },
  );
  const rows: KeyRow[] = [];
  const seen = new Set<string>();
  for (const file of files.sort()) {
    const entry = entryFor(config, file);
    if (!entry) continue;
    const text = await readFile(path.join(rootDir, file), 'utf8');
    const task = buildTask({ promptPath: file, promptText: text, entry, rootDir });
    const source = task.datasetPath ?? `${file}#testData`;
    if (seen.has(source)) continue;
    seen.add(source);
    const map = { input: task.input, target: task.target };
    const examples = task.datasetPath
      ? await loadExamples(task.datasetPath, map)
      : examplesFromRows(task.inlineRows ?? [], map, file);
    for (const e of examples) rows.push({ input: e.fields[task.input[0]!]!, target: e.target });
  }
  return rows;
}
