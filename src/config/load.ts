// Reads .github/lpo.yml into typed entries and finds the entry that covers a prompt file.

import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { glob } from 'tinyglobby';
import { insideDir } from '../core/paths.js';
import { ConfigError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import type { Calibration, ScorerSpec, SplitSpec } from '../core/types.js';
import { globMatcher } from './globs.js';
import { ConfigFileSchema, PromptEntrySchema } from './schema.js';
import { formatPath, lineOf, type ParsedYaml, problemLine, readYaml, validateYaml } from './yaml-issues.js';

export const DEFAULT_CONFIG_PATH = '.github/lpo.yml';

/** One `prompts[]` item: camelCase, defaults applied. */
export interface PromptEntry {
  /** Globs relative to rootDir, posix. */
  files: string[];
  /** Absolute path. Absent when the covered files are .prompt.yml files that carry testData. */
  dataset?: string;
  input?: string[];
  target?: string;
  /** User-message template as written; absent means the default (see schema.ts). */
  template?: string;
  system?: string;
  scorer?: ScorerSpec;
  split: SplitSpec;
  model?: string;
  temperature?: number;
  compare?: 'accuracy' | 'pairwise';
  calibration?: Calibration;
  samples?: number;
  /** Where the entry is written, so later errors (buildTask) can point at it. */
  source: { file: string; line: number; path: string };
}

export interface LpoConfig {
  /** The config file as named in messages (relative to rootDir when inside it). */
  path: string;
  rootDir: string;
  entries: PromptEntry[];
}

export async function loadConfig(file: string, rootDir: string): Promise<LpoConfig> {
  const absolute = path.resolve(rootDir, file);
  const shown = insideDir(rootDir, absolute) ?? file;
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw await notFound(file, absolute, rootDir);
    throw error;
  }
  return parseConfig(text, shown, rootDir);
}

/**
 * `lpo.yaml` for `lpo.yml` is the usual slip; the same words must fit the CLI flag and the Action
 * input. `exists` says whether a path (as given, or absolute) is there: the file system for `lpo eval`,
 * a commit for a review.
 */
export async function configNotFound(
  shown: string,
  exists: (sibling: string) => Promise<boolean>,
  absolute = shown,
): Promise<ConfigError> {
  const extension = /\.ya?ml$/i.exec(shown)?.[0];
  if (extension) {
    const otherExtension = extension.toLowerCase() === '.yml' ? '.yaml' : '.yml';
    if (await exists(absolute.slice(0, -extension.length) + otherExtension)) {
      const other = shown.slice(0, -extension.length) + otherExtension;
      return new ConfigError(
        `${shown}: config file not found (found ${other}: rename it, or point config at it: --config ${other} for the CLI, config: ${other} in the Action)`,
      );
    }
  }
  return new ConfigError(`${shown}: config file not found (create it, or point the config path at yours)`);
}

async function notFound(file: string, absolute: string, rootDir: string): Promise<ConfigError> {
  const shown = insideDir(rootDir, absolute) ?? file;
  const onDisk = (sibling: string) =>
    access(sibling).then(
      () => true,
      () => false,
    );
  return configNotFound(shown, onDisk, absolute);
}

/** Pure: `file` is only used in messages and `rootDir` to resolve dataset paths. */
export function parseConfig(text: string, file: string, rootDir: string): LpoConfig {
  const parsed = readYaml(text, file);
  if (parsed.data === null || parsed.data === undefined) {
    throw new ConfigError(`${file}:1: expected a mapping with a "prompts" list, got an empty file`);
  }
  checkMisplacedKeys(parsed);
  const config = validateYaml(parsed, ConfigFileSchema);
  const entries = config.prompts.map((entry, index): PromptEntry => {
    const where = ['prompts', index];
    const { dataset, ...rest } = entry;
    return {
      ...rest,
      ...(dataset !== undefined ? { dataset: path.resolve(rootDir, dataset) } : {}),
      source: { file, line: lineOf(parsed, where), path: formatPath(where) },
    };
  });
  return { path: file, rootDir, entries };
}

const TOP_KEYS = Object.keys(ConfigFileSchema.shape);
const ENTRY_KEYS = Object.keys(PromptEntrySchema.in.shape);

/**
 * A top-level key that belongs to a prompts[] entry (`datasets:` or `dataset:` beside `prompts:`).
 * Checked before the schema, whose first problem would be the entry's then-missing key instead.
 */
function checkMisplacedKeys(parsed: ParsedYaml): void {
  const data = parsed.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return;
  for (const key of Object.keys(data)) {
    if (TOP_KEYS.includes(key)) continue;
    const meant = didYouMean(key, ENTRY_KEYS);
    if (meant === undefined) continue;
    const hint = meant === key ? 'it' : `did you mean "${meant}"? it`;
    const message = `unknown key "${key}" (${hint} belongs inside a prompts[] entry, beside "files")`;
    throw new ConfigError(problemLine(parsed.file, lineOf(parsed, [key]), [key], message));
  }
}

const matchers = new WeakMap<PromptEntry, (path: string) => boolean>();

/** promptPath: relative to rootDir, posix. The first entry whose globs match wins. */
export function entryFor(config: LpoConfig, promptPath: string): PromptEntry | undefined {
  const normal = normalizePromptPath(promptPath);
  return config.entries.find((entry) => {
    let matches = matchers.get(entry);
    if (!matches) {
      matches = globMatcher(entry.files);
      matchers.set(entry, matches);
    }
    return matches(normal);
  });
}

export function normalizePromptPath(promptPath: string): string {
  return promptPath.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

/**
 * The files under `rootDir` some entry covers, posix and sorted. The tree is listed plainly and each
 * path is matched by entryFor (linear-time, see globs.ts): handing the config's globs to a glob
 * library would match them with backtracking regexes, which a crafted glob and file name can hang.
 */
export async function coveredFiles(config: LpoConfig, rootDir: string): Promise<string[]> {
  const all = await glob(['**/*'], { cwd: rootDir, dot: true, ignore: ['.git/**', 'node_modules/**'] });
  return all.filter((file) => entryFor(config, file) !== undefined).sort();
}
