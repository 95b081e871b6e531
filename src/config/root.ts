// The folder a config file's paths (prompt globs, datasets) are relative to, when the config is named
// on the command line rather than read by the Action from the checked-out repository.

import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The repository a config belongs to:
 * 1. a config inside a `.github` folder (the layout the Action reads, `<repo>/.github/lpo.yml`):
 *    the folder holding that `.github`. It comes first so that a project inside another checkout
 *    (this repository's examples/) is still its own root;
 * 2. otherwise the nearest folder above the config that holds `.git` (a folder, or a file in
 *    worktrees and submodules);
 * 3. otherwise the current folder, as before.
 */
export function configRoot(configFile: string, cwd: string): string {
  const absolute = path.resolve(cwd, configFile);
  const folder = path.dirname(absolute);
  if (path.basename(folder) === '.github') return path.dirname(folder);
  for (let dir = folder; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return cwd;
  }
}
