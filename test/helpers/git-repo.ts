import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './cli.js';

/** A throwaway git repository seeded from examples/, with helpers to make commits like a PR does. */
export class TempRepo {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'lpo-repo-'));

  constructor() {
    cpSync(path.join(ROOT, 'examples'), this.dir, { recursive: true });
    this.git('init', '-q', '-b', 'main');
    this.commit('base');
  }

  git(...args: string[]): string {
    return execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], {
      cwd: this.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
      .toString()
      .trim();
  }

  read(file: string): string {
    return readFileSync(path.join(this.dir, file), 'utf8');
  }

  write(file: string, text: string): void {
    writeFileSync(path.join(this.dir, file), text);
  }

  edit(file: string, from: string, to: string): void {
    const text = this.read(file);
    if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
    this.write(file, text.replace(from, to));
  }

  move(from: string, to: string): void {
    renameSync(path.join(this.dir, from), path.join(this.dir, to));
  }

  commit(message: string): string {
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
