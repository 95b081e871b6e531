// Which config defines the test. The pull request controls every file of its head; it does not
// control the base commit. So the gate's datasets, scorers and splits come from the base commit's
// config, read from git objects into a private folder (vcs/snapshot.ts), unless the owner sets
// trust-pr-config. The head's config is read the same way: it covers prompts new in the PR and shows
// what the PR changed in the test.
import path from 'node:path';
import { configNotFound, type LpoConfig, parseConfig } from '../config/load.js';
import { ConfigError } from '../core/errors.js';
import type { ConfigOrigin } from '../review/model.js';
import type { ReviewConfigSet } from '../review/tasks.js';
import { TreeSnapshot } from '../vcs/snapshot.js';
import type { ReviewSources } from '../vcs/sources.js';

export interface ReviewConfigs extends ReviewConfigSet {
  /** Defines datasets, scorers and splits for every prompt it covers. */
  gate: LpoConfig;
  /** The head commit's config: used only for prompts the gate config does not cover. */
  head: LpoConfig;
  origin: ConfigOrigin;
  /** Makes the dataset a task names available from the commit its config came from. */
  dataset(absolute: string, where: string): Promise<void>;
  /** A message with the private folders' paths shown as repository paths. */
  shown(message: string): string;
  dispose(): Promise<void>;
}

export interface ConfigSides {
  sources: ReviewSources;
  configPath: string;
  baseSha: string;
  headSha: string;
  trustPrConfig: boolean;
}

async function snapshotConfig(snapshot: TreeSnapshot, configPath: string): Promise<LpoConfig | null> {
  const text = await snapshot.text(configPath);
  return text === null ? null : parseConfig(text, configPath, snapshot.dir);
}

export async function loadReviewConfigs(sides: ConfigSides): Promise<ReviewConfigs> {
  const { sources, configPath } = sides;
  const base = await TreeSnapshot.create(sources.readBase, `base ${sides.baseSha.slice(0, 7)}`);
  const head = await TreeSnapshot.create(sources.readHead, `head ${sides.headSha.slice(0, 7)}`);
  const dispose = async () => {
    await base.dispose();
    await head.dispose();
  };
  try {
    const headConfig = await snapshotConfig(head, configPath);
    if (!headConfig) {
      throw await configNotFound(configPath, async (sibling) => (await sources.readHead(sibling)) !== null);
    }
    const baseConfig = sides.trustPrConfig ? null : await snapshotConfig(base, configPath);
    const origin: ConfigOrigin = sides.trustPrConfig ? 'head-trusted' : baseConfig ? 'base' : 'head-new';
    return {
      gate: baseConfig ?? headConfig,
      head: headConfig,
      origin,
      shown: (message) =>
        message.replaceAll(`${base.dir}${path.sep}`, '').replaceAll(`${head.dir}${path.sep}`, ''),
      changed: new Set(sources.changed.flatMap((c) => [c.path, ...(c.previousPath ? [c.previousPath] : [])])),
      dataset: async (absolute, where) => {
        const snapshot = [base, head].find((s) => s.repoPath(absolute) !== null);
        if (!snapshot) {
          throw new ConfigError(
            `${where}: the dataset must be a file in the repository (a review reads it from the commits under review)`,
          );
        }
        await snapshot.dataset(absolute, where);
      },
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
