import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EvalReport, EvalReportSchema } from '../../src/eval/report.js';
import { ReportFile } from '../../src/eval/report-file.js';
import type { ExampleResult, SplitName } from '../../src/core/types.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lpo-report-file-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function result(split: SplitName, line: number, verdict: ExampleResult['verdict']): ExampleResult {
  return {
    id: `id${line}`,
    line,
    split,
    input: `What is ${line} + 1? "quoted"\nsecond line`,
    target: String(line + 1),
    output: verdict === 'error' ? null : `The answer is ${line + 1}.`,
    extracted: verdict === 'error' ? null : String(line + 1),
    verdict,
    ...(verdict === 'error' ? { error: 'HTTP 500' } : {}),
    cached: false,
  };
}

function report(prompt: string, examples: ExampleResult[]): EvalReport {
  return {
    version: 1,
    kind: 'eval',
    simulated: true,
    prompt,
    dataset: 'data.jsonl',
    model: 'm',
    scorer: 'numeric',
    splits: { dev: { total: 2, correct: 1, errors: 1, accuracy: 1, interval: [0.2, 1] } },
    // What the caller holds after a lean run: the errors only. The file must hold every example.
    examples: examples.filter((e) => e.verdict === 'error'),
    usage: { calls: 3, cacheHits: 0, promptTokens: 30, completionTokens: 9, failedCalls: 1 },
    wallMs: 12,
  };
}

describe('ReportFile', () => {
  it('writes every example in split and slot order, whatever order they finished in', async () => {
    const file = await ReportFile.create();
    const sink = file.sink();
    const all = [result('dev', 2, 'correct'), result('dev', 5, 'error'), result('test', 3, 'wrong')];
    sink('test', 0, all[2]!);
    sink('dev', 1, all[1]!);
    sink('dev', 0, all[0]!);
    const target = path.join(dir, 'nested', 'report.json');
    await file.write(target, [report('prompts/a.txt', all)]);
    await file.dispose();
    const text = await readFile(target, 'utf8');
    const parsed = EvalReportSchema.parse(JSON.parse(text));
    expect(parsed).toEqual({ ...report('prompts/a.txt', all), examples: all });
    expect(text).toMatch(/^ {2}"examples": \[\n {4}\{"id":"id2"/m);
    expect(await readdir(path.dirname(target))).toEqual(['report.json']);
  });

  it('writes several tasks as an eval-set, an empty task as an empty list', async () => {
    const file = await ReportFile.create();
    const first = file.sink();
    file.sink();
    const one = [result('test', 1, 'correct')];
    first('test', 0, one[0]!);
    const target = path.join(dir, 'set.json');
    await file.write(target, [report('a.txt', one), report('b.txt', [])]);
    await file.dispose();
    const parsed = JSON.parse(await readFile(target, 'utf8'));
    expect(parsed.kind).toBe('eval-set');
    expect(parsed.reports.map((r: EvalReport) => EvalReportSchema.parse(r).examples)).toEqual([one, []]);
  });

  it('leaves no file, whole or partial, when the report cannot be written', async () => {
    const file = await ReportFile.create();
    file.sink()('dev', 0, result('dev', 1, 'correct'));
    const target = path.join(dir, 'taken');
    await mkdir(target);
    await expect(file.write(target, [report('a.txt', [])])).rejects.toThrow(/EISDIR|directory/);
    await file.dispose();
    expect(await readdir(dir)).toEqual(['taken']);
    expect(await readdir(target)).toEqual([]);
  });

  it('refuses a gap in the slots as a bug, not a silently short report', async () => {
    const file = await ReportFile.create();
    file.sink()('dev', 1, result('dev', 2, 'correct'));
    await expect(file.write(path.join(dir, 'r.json'), [report('a.txt', [])])).rejects.toThrow(
      /slot 0 never finished/,
    );
    await file.dispose();
    expect(await readdir(dir)).toEqual([]);
  });
});
