// `lpo eval --json` without holding every example in memory: each finished result goes to a spill
// file (one per task and split, in slot order), and the report is assembled from those files at the
// end. A 100,000-row report is then written in the memory of a few results, not of all of them.

import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ExampleResult, SplitName } from '../core/types.js';
import type { EvalReport } from './report.js';

/** Results arrive in completion order; this writes them in slot order, holding only the early ones. */
class OrderedSpill {
  private next = 0;
  private readonly waiting = new Map<number, string>();
  private readonly out: WriteStream;
  private failure: Error | null = null;

  constructor(readonly file: string) {
    this.out = createWriteStream(file);
    this.out.on('error', (error) => {
      this.failure ??= error;
    });
  }

  add(slot: number, result: ExampleResult): void {
    this.waiting.set(slot, JSON.stringify(result));
    for (let line = this.waiting.get(this.next); line !== undefined; line = this.waiting.get(this.next)) {
      this.waiting.delete(this.next++);
      this.out.write(`${line}\n`);
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.out.end(resolve));
    if (this.failure) throw this.failure;
    // Every slot is filled (skipped examples too), so a gap is a bug, not bad input.
    if (this.waiting.size > 0) throw new Error(`report spill ${this.file}: slot ${this.next} never finished`);
  }
}

export class ReportFile {
  private readonly spills: Record<SplitName, OrderedSpill>[] = [];
  private readonly nonce = randomUUID();

  private constructor(private readonly dir: string) {}

  static async create(): Promise<ReportFile> {
    return new ReportFile(await mkdtemp(path.join(tmpdir(), 'lpo-report-')));
  }

  /** The `onResult` for the next task; its report is the next one passed to `write`. */
  sink(): (split: SplitName, slot: number, result: ExampleResult) => void {
    const index = this.spills.length;
    const spills = {
      dev: new OrderedSpill(path.join(this.dir, `${index}-dev.jsonl`)),
      test: new OrderedSpill(path.join(this.dir, `${index}-test.jsonl`)),
    };
    this.spills.push(spills);
    return (split, slot, result) => spills[split].add(slot, result);
  }

  /**
   * Writes one report, or `{version, kind: 'eval-set', reports}` for several, with each report's
   * examples read back from its spills (dev, then test). The file appears whole or not at all.
   */
  async write(target: string, reports: EvalReport[]): Promise<void> {
    if (reports.length !== this.spills.length) {
      throw new Error(`report file: ${reports.length} reports for ${this.spills.length} tasks`);
    }
    for (const spills of this.spills) for (const spill of Object.values(spills)) await spill.close();
    const token = (i: number) => `"${this.nonce}:${i}"`;
    const shells = reports.map((report, i) => ({ ...report, examples: `${this.nonce}:${i}` }));
    const body = shells.length === 1 ? shells[0] : { version: 1, kind: 'eval-set', reports: shells };
    let text = JSON.stringify(body, null, 2);
    await mkdir(path.dirname(path.resolve(target)), { recursive: true });
    const partial = `${target}.${process.pid}.partial`;
    const out = createWriteStream(partial);
    const failed = new Promise<never>((_, reject) => out.on('error', reject));
    failed.catch(() => {}); // raced below; this only keeps a late error from going unhandled
    // Each write waits for the stream to drain when it must, and fails as soon as the stream does.
    const put = (chunk: string) =>
      Promise.race([
        out.write(chunk) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', resolve)),
        failed,
      ]);
    try {
      for (let i = 0; i < reports.length; i++) {
        const at = text.indexOf(token(i));
        const indent = ' '.repeat(at - text.lastIndexOf('\n', at) - 1 - '"examples": '.length);
        await put(`${text.slice(0, at)}[`);
        let count = 0;
        for (const spill of [this.spills[i]!.dev, this.spills[i]!.test]) {
          for await (const line of createInterface({
            input: createReadStream(spill.file),
            crlfDelay: Infinity,
          })) {
            await put(`${count++ === 0 ? '\n' : ',\n'}${indent}  ${line}`);
          }
        }
        await put(count === 0 ? ']' : `\n${indent}]`);
        text = text.slice(at + token(i).length);
      }
      await put(`${text}\n`);
      await Promise.race([new Promise<void>((resolve) => out.end(resolve)), failed]);
      await rename(partial, target);
    } catch (error) {
      out.destroy();
      await rm(partial, { force: true });
      throw error;
    }
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
