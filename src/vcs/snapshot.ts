// A private copy of the files a review reads from one commit: the config and the datasets it names,
// written from git objects (or the contents API) into a fresh folder outside the workspace. The
// readers below it (config, dataset) take paths; giving them this folder instead of the checkout
// means a symlink, an uncommitted file or a file outside the repository can never be what they read.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../core/errors.js';

export type ReadAt = (path: string) => Promise<string | null>;

export class TreeSnapshot {
  private readonly written = new Map<string, boolean>();

  private constructor(
    readonly dir: string,
    private readonly read: ReadAt,
    /** How messages name the commit: "base abc1234". */
    readonly label: string,
  ) {}

  static async create(read: ReadAt, label: string): Promise<TreeSnapshot> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lpo-tree-'));
    return new TreeSnapshot(dir, read, label);
  }

  /** The repository path of an absolute path under this snapshot, or null when it lies outside. */
  repoPath(absolute: string): string | null {
    const rel = path.relative(this.dir, absolute);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
    return rel.split(path.sep).join('/');
  }

  /** Writes `repoPath` from the commit into the snapshot; false when the commit has no such file. */
  async materialize(repoPath: string): Promise<boolean> {
    const known = this.written.get(repoPath);
    if (known !== undefined) return known;
    return (await this.text(repoPath)) !== null;
  }

  /** The file's text at the commit (null when absent), written into the snapshot as well. */
  async text(repoPath: string): Promise<string | null> {
    const text = await this.read(repoPath);
    if (text !== null) {
      const target = path.join(this.dir, ...repoPath.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, text);
    }
    this.written.set(repoPath, text !== null);
    return text;
  }

  /**
   * Makes a dataset named by a config parsed with this snapshot as its root available; `where`
   * names the config entry for the one-line error when it points outside the repository.
   */
  async dataset(absolute: string, where: string): Promise<void> {
    const repoPath = this.repoPath(absolute);
    if (repoPath === null) {
      throw new ConfigError(
        `${where}: the dataset must be a file in the repository (a review reads it from the ${this.label} commit)`,
      );
    }
    if (!(await this.materialize(repoPath))) {
      throw new ConfigError(`${repoPath}: dataset file not found at the ${this.label} commit`);
    }
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
