// What a review is made of, as plain data: the pipeline fills it, the renderers (comment, job summary,
// suggestions) and the JSON report read it. Nothing here knows about GitHub.
import type { SplitInfo } from '../dataset/split-info.js';
import type { PairedComparison } from '../eval/stats.js';
import type { FlippedExample, SplitComparison } from '../eval/comparison.js';
import type { GatePolicy, VerdictKind } from './gate.js';
import type { SpanEdit } from '../optimize/types.js';
import type { Calibration, PairwiseReport } from './judging.js';

export type { SpanEdit } from '../optimize/types.js';

export type { FlippedExample, SplitComparison } from '../eval/comparison.js';
export type { FailOn, GatePolicy, VerdictKind } from './gate.js';
import type { SplitName, SplitSummary, UsageSnapshot } from '../core/types.js';

export interface Suggestion {
  /** The full suggested text of the prompt file. */
  fileText: string;
  /** The head file it edits, so the comment can show the change as a diff without the repository. */
  headText?: string;
  /** Where it came from, e.g. "LPO (apo, local)" or "simulator rewrite". */
  source: string;
  splits: Partial<Record<SplitName, SplitSummary>>;
  /** Suggestion vs head on the same examples. */
  vsHead: Partial<Record<SplitName, PairedComparison>>;
  edits: SpanEdit[];
  /** Set when no suggestion is posted, saying why (decided on validation, never on test). */
  withheld?: string;
  /**
   * The search's best prompt after each step (step 0: the head prompt), in 0..1: its accuracy on the
   * search examples (shown to the optimizer) and on validation (never shown). `test` is present only
   * where test was scored: the head prompt (step 0) and the final prompt (the last step).
   */
  steps?: SuggestionStep[];
  /** Calls and tokens the optimizer used against its budget. */
  budget?: { calls: number; maxCalls: number; tokens: number; maxTokens: number | null };
}

export interface SuggestionStep {
  step: number;
  search: number | null;
  validation: number | null;
  test?: number | null;
}

export type PromptState = 'evaluated' | 'failed' | 'not-run' | 'deleted';

/**
 * Which commit's config defined the test: `base` (the default: the PR cannot change its own test),
 * `head-trusted` (the owner set trust-pr-config), `head-new` (the base commit has no config).
 */
export type ConfigOrigin = 'base' | 'head-trusted' | 'head-new';

import type { PromptStatus } from '../vcs/changes.js';

export type { PromptStatus } from '../vcs/changes.js';

export interface PromptReview {
  /** Head path (base path for a removed prompt). */
  path: string;
  previousPath?: string;
  status: PromptStatus;
  /** Why a prompt whose text did not change was evaluated, e.g. "dataset data/x.jsonl changed". */
  reason?: string;
  splits: SplitComparison[];
  /** `head` when the gate config does not cover this prompt and the PR's own entry defined its test. */
  definedBy?: 'base' | 'head';
  /** What the PR changed in this prompt's test (scorer, split, rows), which the gate did not use. */
  testChanges?: string[];
  /** How the dataset was split for this prompt (base and head share it). */
  split?: SplitInfo;
  regressed: boolean;
  /** Human verdict; uses the word "regression" when regressed. */
  verdict: string;
  /** What the gate concluded, as a value: the outcome and the renderers read this, never `verdict`. */
  verdictKind: VerdictKind;
  flipped: { lost: FlippedExample[]; gained: FlippedExample[] };
  /** A judge scorer's agreement with the dataset's human labels (label:), when rows carry them. */
  judge?: Calibration;
  /** `compare: pairwise`: base's and head's test answers judged side by side; the gate used it. */
  pairwise?: PairwiseReport;
  suggestion?: Suggestion;
  /**
   * How far it got: `evaluated` (a verdict), `failed` (no answered example: no verdict), `not-run`
   * (the deadline came first), `deleted` (removed by the change). The outcome is decided on this.
   */
  state: PromptState;
  /** Set when this prompt could not be evaluated at all; then no verdict is claimed. */
  error?: string;
  /** For `failed`: what failed, without the "could not run" framing (e.g. "all 38 model calls failed (…)"). */
  failure?: string;
  /** The owner's ceiling (max-calls, max-tokens) stopped its evaluation: why, in one line. */
  overBudget?: string;
  /** The deadline stopped its evaluation part-way: figures cover the examples that ran. */
  partial?: boolean;
  usage: UsageSnapshot;
  wallMs: number;
}

export interface ReviewReport {
  version: 1;
  kind: 'review';
  simulated: boolean;
  /** Partial when a deadline or a fault stopped the run early. */
  partial: boolean;
  repository?: string;
  pullNumber?: number;
  baseSha: string;
  headSha: string;
  gate: GatePolicy;
  /** Absent in reports that predate it. */
  configOrigin?: ConfigOrigin;
  prompts: PromptReview[];
  /** Prompts that changed but were removed, or notes like the 3,000-file cap. */
  notes: string[];
  regressed: boolean;
  usage: UsageSnapshot;
  wallMs: number;
  /** What the run used of the owner's ceilings; absent when the client had none. */
  budget?: RunBudget;
}

/** Requests sent (cache hits are free) and tokens used, against max-calls and max-tokens. */
export interface RunBudget {
  requests: number;
  maxRequests: number | null;
  tokens: number;
  maxTokens: number | null;
}
