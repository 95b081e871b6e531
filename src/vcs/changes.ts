import path from 'node:path';
import { globMatcher } from '../config/globs.js';
import { entryFor, type LpoConfig } from '../config/load.js';
import { isPromptYml } from '../config/prompt-file.js';

export type PromptStatus = 'modified' | 'added' | 'removed' | 'renamed' | 'reevaluated';

export interface ChangedFile {
  path: string;
  status: 'added' | 'modified' | 'removed' | 'renamed';
  previousPath?: string;
  /** Unified-diff hunks (GitHub's `patch`), when known. */
  patch?: string;
}

export interface PromptJob {
  path: string;
  previousPath?: string;
  status: PromptStatus;
  reason?: string;
  patch?: string;
}

function isPrompt(config: LpoConfig, file: string): boolean {
  return entryFor(config, file) !== undefined || isPromptYml(file);
}

const rel = (config: LpoConfig, absolute: string) =>
  path.relative(config.rootDir, absolute).split(path.sep).join('/');

/**
 * Which prompt files a change set asks us to evaluate: changed prompts themselves, and every prompt
 * whose config entry or dataset changed. Files that are neither are ignored.
 */
export function promptJobs(
  changed: ChangedFile[],
  config: LpoConfig,
  configPath: string,
  headFiles: string[],
): PromptJob[] {
  const jobs = new Map<string, PromptJob>();
  for (const file of changed) {
    if (!isPrompt(config, file.path) && !(file.previousPath && isPrompt(config, file.previousPath))) continue;
    const job: PromptJob = { path: file.path, status: file.status };
    if (file.previousPath) job.previousPath = file.previousPath;
    if (file.patch !== undefined) job.patch = file.patch;
    jobs.set(file.path, job);
  }
  const reevaluate = (file: string, reason: string) => {
    if (jobs.has(file)) return;
    const patch = changed.find((c) => c.path === file)?.patch;
    jobs.set(file, { path: file, status: 'reevaluated', reason, ...(patch !== undefined ? { patch } : {}) });
  };
  const changedPaths = new Set(changed.map((c) => c.path));
  const covered = headFiles.filter((f) => entryFor(config, f) !== undefined);
  if (changedPaths.has(configPath)) {
    for (const file of covered) reevaluate(file, `config ${configPath} changed`);
  }
  for (const entry of config.entries) {
    if (!entry.dataset) continue;
    const dataset = rel(config, entry.dataset);
    if (!changedPaths.has(dataset)) continue;
    const matches = globMatcher(entry.files);
    for (const file of covered) {
      if (matches(file) && entryFor(config, file) === entry) reevaluate(file, `dataset ${dataset} changed`);
    }
  }
  return [...jobs.values()].sort((a, b) => a.path.localeCompare(b.path));
}
