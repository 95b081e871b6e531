// Token and call accounting for one LlmClient. Reported in the review so users see what a run cost.

import type { UsageSnapshot } from '../core/types.js';

/**
 * Counting rules:
 * - `calls`: HTTP requests that came back with a completion (what the provider bills). Retried
 *   attempts are not counted separately: the SDK retries inside one request.
 * - `promptTokens` / `completionTokens`: from the response's `usage`, only for real calls, since
 *   cache hits cost nothing.
 * - `cacheHits`: answers served from the disk cache or by joining an identical request in flight.
 * - `failedCalls`: requests that gave no answer: HTTP, timeout or connection errors after all
 *   retries, and completions without content (those also count in `calls`: they were billed).
 *   Callers that joined a failing in-flight request are not counted again.
 */
export class UsageCounter {
  private calls = 0;
  private cacheHits = 0;
  private promptTokens = 0;
  private completionTokens = 0;
  private failedCalls = 0;

  recordCall(promptTokens: number, completionTokens: number): void {
    this.calls += 1;
    this.promptTokens += nonNegative(promptTokens);
    this.completionTokens += nonNegative(completionTokens);
  }

  recordCacheHit(): void {
    this.cacheHits += 1;
  }

  recordFailure(): void {
    this.failedCalls += 1;
  }

  snapshot(): UsageSnapshot {
    return {
      calls: this.calls,
      cacheHits: this.cacheHits,
      promptTokens: this.promptTokens,
      completionTokens: this.completionTokens,
      failedCalls: this.failedCalls,
    };
  }
}

/** Sums snapshots, e.g. the base and head runs of one review. */
export function addUsage(a: UsageSnapshot, b: UsageSnapshot): UsageSnapshot {
  return {
    calls: a.calls + b.calls,
    cacheHits: a.cacheHits + b.cacheHits,
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    failedCalls: a.failedCalls + b.failedCalls,
  };
}

export function emptyUsage(): UsageSnapshot {
  return { calls: 0, cacheHits: 0, promptTokens: 0, completionTokens: 0, failedCalls: 0 };
}

// Servers are untrusted: a missing or garbage `usage` must not turn the totals into NaN.
function nonNegative(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}
