import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../core/errors.js';

// Where the Action keeps its response cache. The pull request controls every file in the checkout,
// symlinks included, so the cache must not live there: a committed `.lpo-cache/` could otherwise
// answer every question right, or point the cache's writes at any folder the runner can reach.

/** Under RUNNER_TEMP: outside the workspace, fresh on every job, restored by the Actions cache. */
export const ACTION_CACHE_FOLDER = 'lpo-cache';

/**
 * `p` with the symlinks of its longest existing ancestor resolved; the missing rest is appended as
 * written. So a folder not made yet is judged by where its parents really are.
 */
export function realPathOf(p: string): string {
  const missing: string[] = [];
  let at = path.resolve(p);
  for (;;) {
    try {
      return path.join(realpathSync(at), ...missing);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    }
    const parent = path.dirname(at);
    if (parent === at) return path.resolve(p);
    missing.unshift(path.basename(at));
    at = parent;
  }
}

const within = (inner: string, outer: string) => inner === outer || inner.startsWith(`${outer}${path.sep}`);
const overlap = (a: string, b: string) => within(a, b) || within(b, a);

/**
 * The absolute cache folder for input `cache-dir` (`raw`, relative to the workspace when relative),
 * or the default under `runnerTemp`. Refused when it is, or contains, the workspace, judged both as
 * written and after resolving symlinks: a name inside the checkout is the PR's to point anywhere.
 */
export function actionCacheDir(raw: string, workspace: string, runnerTemp: string | undefined): string {
  const given = raw.trim();
  const dir = given ? path.resolve(workspace, given) : path.join(runnerTemp || tmpdir(), ACTION_CACHE_FOLDER);
  const workspaces = [path.resolve(workspace), realPathOf(workspace)];
  const dirs = [dir, realPathOf(dir)];
  if (!dirs.some((d) => workspaces.some((w) => overlap(d, w)))) return dir;
  const why = `the pull request controls every file in the checkout, so the response cache must live outside it`;
  if (!given) {
    throw new ConfigError(
      `input cache-dir: the default folder ${dir} (under RUNNER_TEMP) overlaps the workspace ${workspace}; ${why}: set cache-dir to a folder outside it`,
    );
  }
  throw new ConfigError(
    `input cache-dir: ${given} (${dirs[1]}) overlaps the workspace ${workspace}; ${why}: leave cache-dir empty for $RUNNER_TEMP/${ACTION_CACHE_FOLDER}, or give a folder outside the workspace`,
  );
}
