// Plain data of one optimization run: its options, its candidates and its result.
import type { SplitRun } from '../eval/run.js';
import type { PairedComparison } from '../eval/stats.js';
import type { SplitName } from '../core/types.js';
import type { BudgetUse } from './budget.js';

/** One replaced span of the prompt, for the summary's old → new list. */
export interface SpanEdit {
  old: string;
  new: string;
  reason: string;
}

export type OptimizeMethod = 'ape' | 'apo' | 'pe2';
export type OptimizeMode = 'local' | 'global';

export interface OptimizeOptions {
  method: OptimizeMethod;
  mode: OptimizeMode;
  steps: number;
  beam: number;
  /** Proposals per parent per step. */
  candidates: number;
  /** Words allowed inside one <edit> tag (counted with Intl.Segmenter). */
  maxEditWords: number;
  /** Completed requests (task + optimizer), never exceeded. */
  maxCalls: number;
  /** Prompt + completion tokens; planned from the average per call, so approximate. */
  maxTokens?: number;
  seed: number;
}

/**
 * Defaults follow the issue (steps 3, beam 4, candidates 4, 5 words per tag). max-calls 1,000 covers
 * scoring the head prompt on a default split (at most 200 dev + 200 test examples) and a few dozen
 * candidate evaluations on a typical 50-100 example dev set; raise it for a full search.
 */
export const DEFAULT_OPTIONS: OptimizeOptions = {
  method: 'apo',
  mode: 'local',
  steps: 3,
  beam: 4,
  candidates: 4,
  maxEditWords: 5,
  maxCalls: 1_000,
  seed: 1,
};

/** A prompt in the search, with how it came about. */
export interface Candidate {
  prompt: string;
  parent: Candidate | null;
  step: number;
  /** The spans this generation changed (local), or one whole-prompt edit (global). */
  edits: SpanEdit[];
  /** Words changed against the head prompt: ties on dev go to the smaller edit. */
  size: number;
  dev?: SplitRun;
}

export interface PromptScore {
  prompt: string;
  dev: number | null;
  test: number | null;
}

export interface StepReport {
  step: number;
  /** Dev and test accuracy of the accepted best prompt after this step (test is never used to select). */
  dev: number | null;
  test: number | null;
  /** dev − test of that prompt: a widening gap is the sign of overfitting dev. */
  gap: number | null;
  /** Proposals that survived enforcement, and how many of them were scored on dev. */
  proposals: number;
  evaluated: number;
  /** Best dev accuracy among this step's candidates, accepted or not. */
  bestCandidateDev: number | null;
  accepted: boolean;
  calls: number;
}

export interface OptimizeResult {
  method: OptimizeMethod;
  mode: OptimizeMode;
  head: PromptScore;
  /** `step`: the step at which it was accepted (0: the head prompt is still best). */
  best: PromptScore & { step: number };
  improved: boolean;
  /** Best vs head as old → new spans of the prompt, each with the optimizer's reason. */
  spans: SpanEdit[];
  steps: StepReport[];
  budget: BudgetUse;
  discarded: Record<string, number>;
  repaired: Record<string, number>;
  vsHead: Partial<Record<SplitName, PairedComparison>>;
  /** Why the best prompt should not be suggested; absent when it may be. */
  withheld?: string;
  runs: { best: Partial<Record<SplitName, SplitRun>>; head: Partial<Record<SplitName, SplitRun>> };
}
