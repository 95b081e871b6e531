// The search's budget: every completed request (task and optimizer, re-asks included) counts, answers
// from the cache do not. Work is reserved BEFORE it is sent, at its worst case (one call per request),
// so max-calls can never be exceeded; a batch that does not fit is not started.
import type { LlmClient } from '../llm/client.js';
import type { UsageSnapshot } from '../core/types.js';
import type { BudgetUse, Purpose } from './types.js';

/**
 * Before any call has been seen, a request is assumed to cost this many tokens (prompt + completion).
 * max-tokens is planned from the average cost per call so far, so unlike max-calls it holds only
 * approximately: one unusually long answer can overshoot it by that answer's size.
 */
const FIRST_GUESS_TOKENS_PER_CALL = 1_000;

export class Budget {
  private readonly start: UsageSnapshot;
  private reserved = 0;
  private exhaustedFlag = false;
  private readonly spent: Record<Purpose, number> = {
    'task-search': 0,
    'task-validation': 0,
    'task-test': 0,
    optimizer: 0,
  };

  constructor(
    private readonly client: LlmClient,
    readonly maxCalls: number,
    readonly maxTokens: number | null = null,
  ) {
    this.start = client.usage();
  }

  calls(): number {
    return this.client.usage().calls - this.start.calls;
  }

  tokens(): number {
    const now = this.client.usage();
    return now.promptTokens + now.completionTokens - this.start.promptTokens - this.start.completionTokens;
  }

  /** Whether `n` more calls fit while still leaving `keep` calls for work promised later. */
  fits(n: number, keep = 0): boolean {
    if (this.calls() + this.reserved + n + keep > this.maxCalls) return false;
    if (this.maxTokens === null) return true;
    const calls = this.calls();
    const perCall = calls > 0 ? this.tokens() / calls : FIRST_GUESS_TOKENS_PER_CALL;
    return this.tokens() + (this.reserved + n + keep) * perCall <= this.maxTokens;
  }

  /**
   * Runs `work` with `n` calls reserved, or returns null (and marks the budget exhausted) if they do
   * not fit. The calls it made are booked to `purpose`; the search runs one batch at a time, so the
   * difference in the client's count is this batch's.
   */
  async within<T>(n: number, keep: number, work: () => Promise<T>, purpose?: Purpose): Promise<T | null> {
    if (!this.fits(n, keep)) {
      this.exhaustedFlag = true;
      return null;
    }
    this.reserved += n;
    this.open(purpose);
    try {
      return await work();
    } finally {
      this.reserved -= n;
      this.close();
    }
  }

  // Batches of one purpose may overlap (a race scores its contestants together), so calls are booked
  // per stretch of time in which some batch is open; batches of two purposes never overlap.
  private active = 0;
  private purpose: Purpose | undefined;
  private mark = 0;

  private open(purpose: Purpose | undefined): void {
    if (this.active > 0 && purpose !== this.purpose)
      throw new Error(`budget: a ${purpose} batch overlaps a ${this.purpose} batch`);
    if (this.active++ === 0) {
      this.purpose = purpose;
      this.mark = this.calls();
    }
  }

  private close(): void {
    if (--this.active === 0 && this.purpose) this.spent[this.purpose] += this.calls() - this.mark;
  }

  /** Calls that still fit, after `keep` for work promised later. */
  left(keep = 0): number {
    return Math.max(0, this.maxCalls - this.calls() - this.reserved - keep);
  }

  byPurpose(): Record<Purpose, number> {
    return { ...this.spent };
  }

  exhausted(): boolean {
    return this.exhaustedFlag;
  }

  use(): BudgetUse & { byPurpose: Record<Purpose, number> } {
    return {
      byPurpose: this.byPurpose(),
      maxCalls: this.maxCalls,
      calls: this.calls(),
      maxTokens: this.maxTokens,
      tokens: this.tokens(),
      exhausted: this.exhaustedFlag,
    };
  }
}
