// The owner's ceilings on one run, enforced where every request passes: the client. The config and
// the prompts belong to whoever wrote the pull request; these numbers come from the workflow, so a
// PR can only stay under them. Evaluation and optimizer requests draw on the same ceiling.
import { ConfigError } from '../core/errors.js';
import type { UsageSnapshot } from '../core/types.js';
import { type ChatRequest, LlmError } from './request.js';

export interface Ceilings {
  /** Requests sent (answers from the cache are free); never exceeded. */
  maxCalls?: number;
  /**
   * Prompt + completion tokens. Checked before each request is sent, so requests already in flight
   * can overshoot it by their own size (at most `concurrency` answers).
   */
  maxTokens?: number;
  /** Caps `max_tokens` on every request, whatever the config or prompt file asks. */
  maxOutputTokens?: number;
  /** The only models a request may name; absent allows any. */
  models?: readonly string[];
  /** How the owner spells each ceiling in messages: "input max-calls" or "--max-calls". */
  names?: Partial<Record<'maxCalls' | 'maxTokens' | 'models', string>>;
}

export class Ceiling {
  private sent = 0;
  private reached: LlmError | null = null;

  constructor(
    private readonly limits: Ceilings,
    private readonly usage: () => UsageSnapshot,
  ) {}

  /** The request as it may be sent: a model outside the allowed list is a one-line error. */
  shape(req: ChatRequest): ChatRequest {
    const { models, maxOutputTokens } = this.limits;
    if (models && !models.includes(req.model)) {
      throw new ConfigError(
        `model "${req.model}" is not allowed by ${this.limits.names?.models ?? 'the allowed models'} (allowed: ${models.join(', ')})`,
      );
    }
    if (maxOutputTokens === undefined) return req;
    return { ...req, max_tokens: Math.min(req.max_tokens ?? maxOutputTokens, maxOutputTokens) };
  }

  /** Counts a request about to leave, or throws LlmError('budget') once a ceiling is reached. */
  admit(): void {
    if (this.reached) throw this.reached;
    const { maxCalls, maxTokens, names } = this.limits;
    if (maxCalls !== undefined && this.sent >= maxCalls) {
      this.reached = new LlmError(
        'budget',
        `the run's ceiling of ${maxCalls} requests (${names?.maxCalls ?? 'max-calls'}) was reached`,
      );
    } else if (maxTokens !== undefined && this.tokens() >= maxTokens) {
      this.reached = new LlmError(
        'budget',
        `the run's ceiling of ${maxTokens} tokens (${names?.maxTokens ?? 'max-tokens'}) was reached`,
      );
    }
    if (this.reached) throw this.reached;
    this.sent++;
  }

  /** Set once a request was refused for the ceiling: work not yet started should not start. */
  exhausted(): LlmError | null {
    return this.reached;
  }

  /** Requests still allowed, or null without a call ceiling. */
  remainingCalls(): number | null {
    return this.limits.maxCalls === undefined ? null : Math.max(0, this.limits.maxCalls - this.sent);
  }

  /** Requests admitted so far and tokens used, with the ceilings they count against (null: none). */
  used(): { requests: number; maxRequests: number | null; tokens: number; maxTokens: number | null } {
    return {
      requests: this.sent,
      maxRequests: this.limits.maxCalls ?? null,
      tokens: this.tokens(),
      maxTokens: this.limits.maxTokens ?? null,
    };
  }

  remainingTokens(): number | null {
    return this.limits.maxTokens === undefined ? null : Math.max(0, this.limits.maxTokens - this.tokens());
  }

  private tokens(): number {
    const u = this.usage();
    return u.promptTokens + u.completionTokens;
  }
}
