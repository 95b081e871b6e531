// Shared by the summary's tests: a regressed GSM8K-like prompt with real paired statistics, a report
// around prompts, and checks of the markdown's structure (fences, <details>, tables).
import { expect } from 'vitest';
import { comparePaired, wilsonInterval } from '../../src/eval/stats.js';
import type { FlippedExample, PromptReview, ReviewReport, SplitComparison } from '../../src/review/model.js';
import type { SplitSummary } from '../../src/core/types.js';

export const usage = {
  calls: 120,
  cacheHits: 40,
  promptTokens: 12_345,
  completionTokens: 2_345,
  failedCalls: 0,
};

export function summary(correct: number, total: number): SplitSummary {
  return { total, correct, errors: 0, accuracy: correct / total, interval: wilsonInterval(correct, total) };
}

/** Base and head verdict lists with the given numbers of right → wrong and wrong → right flips. */
export function split(
  name: 'dev' | 'test',
  n: number,
  bothRight: number,
  lost: number,
  gained: number,
): SplitComparison {
  const base: boolean[] = [];
  const head: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const b = i < bothRight + lost;
    base.push(b);
    head.push(i < bothRight || (i >= bothRight + lost && i < bothRight + lost + gained));
  }
  const paired = comparePaired(base, head);
  return { split: name, base: summary(paired.baseCorrect, n), head: summary(paired.headCorrect, n), paired };
}

export const flip = (line: number, over: Partial<FlippedExample> = {}): FlippedExample => ({
  split: 'test',
  line,
  input: 'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.',
  target: '72',
  baseOutput: '72',
  headOutput: '48',
  ...over,
});

export function prompt(over: Partial<PromptReview> = {}): PromptReview {
  return {
    path: 'prompts/gsm8k.txt',
    state: 'evaluated',
    status: 'modified',
    splits: [split('dev', 40, 25, 2, 5), split('test', 80, 50, 12, 2)],
    regressed: true,
    verdict: 'significant regression on test (-12.5 pp, p = 0.0129)',
    verdictKind: 'regression',
    flipped: { lost: [flip(12), flip(30)], gained: [flip(7, { baseOutput: '48', headOutput: '72' })] },
    usage,
    wallMs: 12_300,
    ...over,
  };
}

export function report(prompts: PromptReview[], over: Partial<ReviewReport> = {}): ReviewReport {
  return {
    version: 1,
    kind: 'review',
    simulated: false,
    partial: false,
    baseSha: 'a'.repeat(40),
    headSha: 'b'.repeat(40),
    gate: {
      failOn: 'significant-regression',
      minDelta: 2,
      minDetectableDrop: 2,
      alpha: 0.05,
      failOnInconclusive: true,
    },
    prompts,
    notes: [],
    regressed: prompts.some((p) => p.regressed),
    usage,
    wallMs: 30_000,
    ...over,
  };
}

/** The markdown outside fenced blocks and code spans (where HTML and mentions are live), line by line. */
export function liveLines(md: string): string[] {
  const out: string[] = [];
  let open: number | null = null;
  for (const line of md.split('\n')) {
    const run = /^ {0,3}(`{3,})/.exec(line);
    if (open === null && run) {
      open = run[1]!.length;
      continue;
    }
    if (open !== null) {
      if (run && new RegExp(`^ {0,3}\`{${open},}\\s*$`).test(line)) open = null;
      continue;
    }
    out.push(line.replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '<code/>'));
  }
  expect(open, 'an unclosed code fence').toBeNull();
  return out;
}

/** Fences and <details> must balance; a cut inside either would break the rest of the page. */
export function assertBalanced(md: string): void {
  let details = 0;
  for (const line of liveLines(md)) {
    details += (line.match(/<details>/g) ?? []).length - (line.match(/<\/details>/g) ?? []).length;
    expect(details).toBeGreaterThanOrEqual(0);
  }
  expect(details).toBe(0);
}

/** Every GFM table outside code blocks: its rows' cell counts (the delimiter row included). */
export function tableColumns(md: string): number[][] {
  const tables: number[][] = [];
  let current: number[] | null = null;
  for (const line of liveLines(md)) {
    if (line.startsWith('|')) {
      const cells = line.replace(/\\\|/g, '').split('|').length - 2;
      current ??= [];
      current.push(cells);
    } else if (current) {
      tables.push(current);
      current = null;
    }
  }
  if (current) tables.push(current);
  return tables;
}
