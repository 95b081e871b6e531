// Token and call accounting for one LlmClient. Reported in the review so users see what a run cost.

import type { UsageSnapshot } from '../core/types.js';

/**
 * Counting rules:
 * - `calls`: HTTP requests that came back with a completion (what the provider bills). Retried
 *   attempts are not counted separately: the SDK retries inside one request.
 * - `promptTokens` / `completionTokens`: from the response's `usage`, only for real calls, since
 *   cache hits cost nothing.
 * - `cacheHits`: answers served from the disk cache or by joining an identical request in flight.
 * - `cacheIgnored`: disk cache entries that were there but not written with this key (see cache.ts).
 * - `failedCalls`: requests that gave no answer: HTTP, timeout or connection errors after all
 *   retries, and replies that break the API (not JSON, no choices, bad token counts, over the size
 *   limit; see reply.ts), which are not in `calls` since their usage cannot be trusted. An answer
 *   that is cut off, filtered, refused or empty is a call, not a failure: it is the prompt's answer.
 *   Callers that joined a failing in-flight request are not counted again.
 */
export class UsageCounter {
  private calls = 0;
  private cacheHits = 0;
  private cacheIgnored = 0;
  private promptTokens = 0;
  private completionTokens = 0;
  private failedCalls = 0;

  /** Counts were validated with the reply (reply.ts); anything else reaching here is a bug. */
  recordCall(promptTokens: number, completionTokens: number): void {
    for (const n of [promptTokens, completionTokens]) {
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`usage: token count ${n} is not a count`);
    }
    this.calls += 1;
    this.promptTokens += promptTokens;
    this.completionTokens += completionTokens;
  }

  recordCacheHit(): void {
    this.cacheHits += 1;
  }

  /** A cache entry that failed authentication: a miss, but one the report must show. */
  recordCacheIgnored(): void {
    this.cacheIgnored += 1;
  }

  recordFailure(): void {
    this.failedCalls += 1;
  }

  snapshot(): UsageSnapshot {
    return {
      calls: this.calls,
      cacheHits: this.cacheHits,
      cacheIgnored: this.cacheIgnored,
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
    cacheIgnored: (a.cacheIgnored ?? 0) + (b.cacheIgnored ?? 0),
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    failedCalls: a.failedCalls + b.failedCalls,
  };
}

export function emptyUsage(): UsageSnapshot {
  return { calls: 0, cacheHits: 0, cacheIgnored: 0, promptTokens: 0, completionTokens: 0, failedCalls: 0 };
}

/** What was used between two snapshots of the same client: `before` to `after`. */
export function usageBetween(before: UsageSnapshot, after: UsageSnapshot): UsageSnapshot {
  return {
    calls: after.calls - before.calls,
    cacheHits: after.cacheHits - before.cacheHits,
    cacheIgnored: (after.cacheIgnored ?? 0) - (before.cacheIgnored ?? 0),
    promptTokens: after.promptTokens - before.promptTokens,
    completionTokens: after.completionTokens - before.completionTokens,
    failedCalls: after.failedCalls - before.failedCalls,
  };
}
