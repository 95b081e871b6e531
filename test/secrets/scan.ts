// Greps a directory tree for a secret: every file's name and bytes, symlinks not followed.
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface Leak {
  where: string;
  /** `name` when the path holds the secret, `content` when the bytes do. */
  kind: 'name' | 'content';
}

export interface Scan {
  files: number;
  leaks: Leak[];
}

/** Any of `secrets` (the key, or each of its forms) in a name or in the bytes is a leak. */
export async function scanTree(root: string, secret: string | readonly string[]): Promise<Scan> {
  const scan: Scan = { files: 0, leaks: [] };
  const secrets = typeof secret === 'string' ? [secret] : secret;
  const needles = secrets.map((s) => Buffer.from(s));
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir)) {
      const full = path.join(dir, entry);
      if (secrets.some((s) => entry.includes(s))) scan.leaks.push({ where: full, kind: 'name' });
      const info = await lstat(full);
      if (info.isDirectory()) await walk(full);
      else if (info.isFile()) {
        scan.files++;
        const bytes = await readFile(full);
        if (needles.some((n) => bytes.includes(n))) scan.leaks.push({ where: full, kind: 'content' });
      }
    }
  }
  await walk(root);
  return scan;
}
