// A split's counts as its results arrive, so a lean run holds its summary and next to nothing else.
import type { ExampleResult, SplitSummary } from '../core/types.js';
import { addFailure, addSampled, type Failures, type Sampled, summaryOf } from './summary.js';

export interface SplitRun {
  summary: SplitSummary;
  results: ExampleResult[];
}

/** The same result without its texts (same fields, same order). */
function withoutTexts(r: ExampleResult): ExampleResult {
  if (r.input === '' && r.target === '' && r.output === null && r.extracted === null) return r;
  return { ...r, input: '', target: '', output: null, extracted: null };
}

/** Per split: the counts as results arrive, and the results a caller will read. */
export class SplitTally {
  correct = 0;
  errors = 0;
  done = 0;
  readonly failures: Failures = {};
  sampled: Sampled | undefined;
  readonly results: ExampleResult[];

  constructor(
    readonly size: number,
    private readonly lean: boolean,
  ) {
    this.results = lean ? [] : new Array(size);
  }

  record(slot: number, result: ExampleResult): void {
    this.done++;
    if (result.verdict === 'correct') this.correct++;
    else if (result.verdict === 'error') this.errors++;
    else addFailure(this.failures, result.failure);
    this.sampled = addSampled(this.sampled, result);
    if (!this.lean) this.results[slot] = result;
    else if (result.verdict === 'error') this.results.push(withoutTexts(result));
  }

  run(): SplitRun {
    const summary = summaryOf(this.done, this.correct, this.errors, this.failures, this.sampled);
    // Lean errors arrive in completion order; callers list them in file order.
    if (this.lean) this.results.sort((a, b) => a.line - b.line || (a.row ?? 0) - (b.row ?? 0));
    return { summary, results: this.results };
  }
}
