// The search's budget: every completed request (task and optimizer, re-asks included) counts, answers
// from the cache do not. Work is reserved BEFORE it is sent, at its worst case (one call per request),
// so max-calls can never be exceeded; a batch that does not fit is not started.
import type { LlmClient } from '../llm/client.js';
import type { UsageSnapshot } from '../core/types.js';

/**
 * Before any call has been seen, a request is assumed to cost this many tokens (prompt + completion).
 * max-tokens is planned from the average cost per call so far, so unlike max-calls it holds only
 * approximately: one unusually long answer can overshoot it by that answer's size.
 */
const FIRST_GUESS_TOKENS_PER_CALL = 1_000;

export interface BudgetUse {
  maxCalls: number;
  calls: number;
  maxTokens: number | null;
  tokens: number;
  /** True once some planned work did not fit. */
  exhausted: boolean;
}

export class Budget {
  private readonly start: UsageSnapshot;
  private reserved = 0;
  private exhaustedFlag = false;

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

  /** Runs `work` with `n` calls reserved, or returns null (and marks the budget exhausted) if they do not fit. */
  async within<T>(n: number, keep: number, work: () => Promise<T>): Promise<T | null> {
    if (!this.fits(n, keep)) {
      this.exhaustedFlag = true;
      return null;
    }
    this.reserved += n;
    try {
      return await work();
    } finally {
      this.reserved -= n;
    }
  }

  exhausted(): boolean {
    return this.exhaustedFlag;
  }

  use(): BudgetUse {
    return {
      maxCalls: this.maxCalls,
      calls: this.calls(),
      maxTokens: this.maxTokens,
      tokens: this.tokens(),
      exhausted: this.exhaustedFlag,
    };
  }
}
