// Stops a run against an endpoint that is down. Each request to a closed port or an unknown host
// still costs its full backoff (0.5 + 1 + 2 + 4 s), so 38 examples at concurrency 8 took 34 s to say
// what the first requests already said. Once the first requests all failed to connect, and none
// ever reached the server, every later call fails at once with the same error.

import { APIConnectionError, APIConnectionTimeoutError } from 'openai';

/**
 * Failures to open a connection, as Node reports them: nothing was answered, so the endpoint is down
 * or misnamed (a wrong port, host or scheme), not slow or overloaded.
 */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  // TLS: an https URL on a plain port, or a certificate this machine does not trust.
  'EPROTO',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** At most this many first requests must all fail to connect; see the Reachability constructor. */
const MAX_WITNESSES = 4;

/** True when an SDK error is a failure to connect, before any response (see CONNECT_CODES). */
export function failedToConnect(error: unknown): boolean {
  if (!(error instanceof APIConnectionError) || error instanceof APIConnectionTimeoutError) return false;
  for (let e: unknown = error.cause; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code !== 'string' || !CONNECT_CODES.has(code)) continue;
    // Node names a reset after the response headers "aborted": that server was there.
    return !(code === 'ECONNRESET' && e.message === 'aborted');
  }
  return false;
}

export class Reachability {
  private readonly needed: number;
  private failures = 0;
  private inFlight = 0;
  private reached = false;
  private tripped = false;
  private readonly waiting: (() => void)[] = [];

  /**
   * The first min(concurrency, 4) requests decide. They go out together, so they fail together:
   * waiting for more would cost a second full round of backoff, and past four, more requests that
   * each failed every attempt add no evidence. At concurrency 1 it is one request that was refused
   * on every retry.
   */
  constructor(concurrency: number) {
    this.needed = Math.min(concurrency, MAX_WITNESSES);
  }

  /**
   * Before a request is sent. Until the first failure to connect nothing waits (a healthy endpoint
   * never does); after it, while undecided, no request beyond the ones that will decide goes out,
   * so a down endpoint sees the first wave of requests and no more.
   */
  async turn(): Promise<void> {
    while (
      !this.reached &&
      !this.tripped &&
      this.failures > 0 &&
      this.failures + this.inFlight >= this.needed
    ) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  sending(): void {
    this.inFlight++;
  }

  /** Any answer, even an HTTP error: a server is listening, so failures from now on are its own. */
  answered(): void {
    this.reached = true;
    this.done();
  }

  /** After a request's last attempt failed (the SDK's error); true when this failure shows the endpoint down. */
  failed(error: unknown): boolean {
    this.done();
    if (!failedToConnect(error)) {
      // A timeout or a broken response: something is there, so not every first request failed to connect.
      this.reached = true;
      return false;
    }
    if (this.reached || this.tripped) return false;
    this.failures++;
    this.tripped = this.failures >= this.needed;
    return this.tripped;
  }

  /** Tripped, and no request in flight at that moment reached a server after all. */
  get down(): boolean {
    return this.tripped && !this.reached;
  }

  /** What every later call fails with: the failure that decided it, and why nothing more is sent. */
  message(failure: string): string {
    const first = this.needed === 1 ? 'the first request' : `the first ${this.needed} requests`;
    return `${failure}; ${first} failed to connect and none ever did, so the rest are not sent`;
  }

  private done(): void {
    this.inFlight--;
    // Each waiter checks again; the ones still not allowed queue up anew.
    for (const wake of this.waiting.splice(0)) wake();
  }
}
