// Reads .github/lpo.yml into typed entries and finds the entry that covers a prompt file.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { ConfigError } from '../errors.js';
import type { ScorerSpec, SplitSpec } from '../types.js';
import { ConfigFileSchema } from './schema.js';
import { formatPath, lineOf, readYaml, validateYaml } from './yaml-issues.js';

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
  const relative = path.relative(rootDir, absolute);
  const shown =
    relative && !relative.startsWith('..') && !path.isAbsolute(relative)
      ? relative.split(path.sep).join('/')
      : file;
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ConfigError(`${shown}: config file not found (create it, or point the config path at yours)`);
    }
    throw error;
  }
  return parseConfig(text, shown, rootDir);
}

/** Pure: `file` is only used in messages and `rootDir` to resolve dataset paths. */
export function parseConfig(text: string, file: string, rootDir: string): LpoConfig {
  const parsed = readYaml(text, file);
  if (parsed.data === null || parsed.data === undefined) {
    throw new ConfigError(`${file}:1: expected a mapping with a "prompts" list, got an empty file`);
  }
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

const matchers = new WeakMap<PromptEntry, (path: string) => boolean>();

/** promptPath: relative to rootDir, posix. The first entry whose globs match wins. */
export function entryFor(config: LpoConfig, promptPath: string): PromptEntry | undefined {
  const normal = normalizePromptPath(promptPath);
  return config.entries.find((entry) => {
    let matches = matchers.get(entry);
    if (!matches) {
      // dot: prompts often live under dot-folders such as .github/prompts.
      matches = picomatch(entry.files, { dot: true });
      matchers.set(entry, matches);
    }
    return matches(normal);
  });
}

export function normalizePromptPath(promptPath: string): string {
  return promptPath.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}
