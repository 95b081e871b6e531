import type { ChangedFile } from './changes.js';
import { changedFiles, filePatch, listFiles, showFile } from './git.js';

/** Where a review reads its two versions from. The Action backs this with the API where git lacks history. */
export interface ReviewSources {
  changed: ChangedFile[];
  headFiles: string[];
  readBase(path: string): Promise<string | null>;
  readHead(path: string): Promise<string | null>;
  notes: string[];
}

/** Everything from a local repository's history: `lpo review`, and the Action with fetch-depth: 0. */
export async function gitSources(repoDir: string, baseSha: string, headSha: string): Promise<ReviewSources> {
  const changed = await changedFiles(repoDir, baseSha, headSha);
  for (const file of changed) {
    const patch = await filePatch(repoDir, baseSha, headSha, file.path, file.previousPath);
    if (patch !== undefined) file.patch = patch;
  }
  return {
    changed,
    headFiles: await listFiles(repoDir, headSha),
    readBase: (path) => showFile(repoDir, baseSha, path),
    readHead: (path) => showFile(repoDir, headSha, path),
    notes: [],
  };
}
