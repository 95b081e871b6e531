import { createHash } from 'node:crypto';
import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { errorMessage } from '../core/errors.js';

// The response cache survives across workflow runs through the Actions cache service. Keys hold the
// config's hash and the models, so a changed config or model starts from the closest older entry
// (the restore keys) and never from an unrelated one. Entries are immutable, so each run saves under
// a key of its own.

const VERSION = 'lpo-review-v1';

export interface CacheKeys {
  primary: string;
  restore: string[];
}

const short = (text: string, n: number) => createHash('sha256').update(text).digest('hex').slice(0, n);

export function cacheKeys(configText: string, models: string[], runId: string, attempt: string): CacheKeys {
  const config = `${VERSION}-${short(configText, 16)}-`;
  const withModels = `${config}${short([...new Set(models)].sort().join('\n'), 12)}-`;
  return { primary: `${withModels}${runId}-${attempt}`, restore: [withModels, config] };
}

/**
 * The cache is a speed-up, never a reason to fail: where the service is missing (local runs, some
 * self-hosted runners) or errs, the run goes on and says so once.
 */
export class PersistentCache {
  private said = false;
  private restoredKey: string | undefined;

  constructor(
    private readonly dir: string,
    private readonly keys: CacheKeys,
  ) {}

  private once(message: string): void {
    if (this.said) return;
    this.said = true;
    core.info(message);
  }

  async restore(): Promise<void> {
    if (!cache.isFeatureAvailable()) {
      this.once(
        'response cache: the Actions cache service is not available here; using the local cache only',
      );
      return;
    }
    try {
      this.restoredKey = await cache.restoreCache([this.dir], this.keys.primary, this.keys.restore);
      core.info(
        this.restoredKey
          ? `response cache restored from ${this.restoredKey}`
          : 'response cache: no earlier entry',
      );
    } catch (error) {
      this.once(`response cache: restore failed (${errorMessage(error)}); continuing without it`);
    }
  }

  /** Saves only when this run made new calls: otherwise the restored entry already holds everything. */
  async save(newCalls: number): Promise<void> {
    if (newCalls === 0 || !cache.isFeatureAvailable()) return;
    try {
      await cache.saveCache([this.dir], this.keys.primary);
      core.info(`response cache saved as ${this.keys.primary}`);
    } catch (error) {
      this.once(`response cache: save failed (${errorMessage(error)}); the next run starts cold`);
    }
  }
}
