import path from 'node:path';

/**
 * `file` (resolved against `dir`) as a posix path relative to `dir` when it lies inside it, else null:
 * how messages and reports name a path in the user's repository, so `data/x.jsonl:7`, not a runner path.
 */
export function insideDir(dir: string, file: string): string | null {
  const relative = path.relative(dir, path.resolve(dir, file));
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative)
    ? relative.split(path.sep).join('/')
    : null;
}
