import { createHash } from 'node:crypto';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { DEFAULT_CACHE_DIR } from '../config/settings.js';
import { errorMessage } from '../core/errors.js';
import type { UsageSnapshot } from '../core/types.js';
import { ignoredEntriesText } from '../llm/cache.js';

// The response cache survives across workflow runs through the Actions cache service. Keys hold the
// config's hash and the models, so a changed config or model starts from the closest older entry
// (the restore keys) and never from an unrelated one. Entries are immutable, so each run saves under
// a key of its own.
//
// v2: entries carry an HMAC of the API key and the folder moved out of the workspace (see
// cache-dir.ts); v1 archives would only restore entries that no longer authenticate.
const VERSION = 'lpo-review-v2';

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

  /** Says a workspace `.lpo-cache` is not used, then restores `dir` from the Actions cache. */
  static async open(dir: string, keys: CacheKeys, workspace: string): Promise<PersistentCache> {
    await noteWorkspaceCache(workspace, dir);
    const persistent = new PersistentCache(dir, keys);
    await persistent.restore();
    return persistent;
  }

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
  async save(usage: UsageSnapshot): Promise<void> {
    const ignored = ignoredEntriesText(usage.cacheIgnored);
    if (ignored) {
      core.warning(
        `LPO review: ${ignored}: treated as misses, so entries forged or written with another API key or endpoint never decide a verdict`,
      );
    }
    if (usage.calls === 0 || !cache.isFeatureAvailable()) return;
    try {
      await cache.saveCache([this.dir], this.keys.primary);
      core.info(`response cache saved as ${this.keys.primary}`);
    } catch (error) {
      this.once(`response cache: save failed (${errorMessage(error)}); the next run starts cold`);
    }
  }
}

/**
 * A `.lpo-cache` in the checkout (the CLI's default folder) is the pull request's to fill: say it is
 * not used, so nobody takes its entries for the run's or wonders why it gives no hits.
 */
async function noteWorkspaceCache(workspace: string, cacheDir: string): Promise<void> {
  const there = await lstat(path.join(workspace, DEFAULT_CACHE_DIR)).catch(() => null);
  if (!there) return;
  core.notice(
    `LPO review: ${DEFAULT_CACHE_DIR}${there.isSymbolicLink() ? ' (a symlink)' : ''} in the workspace is not used: the pull request controls every file in the checkout, so the response cache lives in ${cacheDir}, outside it.`,
  );
}
