// Plain data of one optimization run: its options, its candidates and its result.
import type { SplitRun } from '../eval/run.js';
import type { PairedComparison } from '../eval/stats.js';
import type { SplitName } from '../core/types.js';

/** What the search spent against its budget. */
export interface BudgetUse {
  maxCalls: number;
  calls: number;
  maxTokens: number | null;
  tokens: number;
  /** True once some planned work did not fit. */
  exhausted: boolean;
}

/** One replaced span of the prompt, for the summary's old → new list. */
export interface SpanEdit {
  old: string;
  new: string;
  reason: string;
}

export type OptimizeMethod = 'ape' | 'apo' | 'pe2';
export type OptimizeMode = 'local' | 'global';
/** `beam`: ProTeGi's beam over the best-ranked prompts; `pareto`: GEPA's pool of per-example winners. */
export type SearchStrategy = 'beam' | 'pareto';

export interface OptimizeOptions {
  method: OptimizeMethod;
  mode: OptimizeMode;
  search: SearchStrategy;
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
  search: 'beam',
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
  /** Words changed against the head prompt: ties go to the smaller edit. */
  size: number;
  /** Its answers on the search examples scored so far (a prefix of the race order). */
  search?: SplitRun;
  /** Its answers on the validation examples, once it was a step's winner. */
  validation?: SplitRun;
}

/** The three roles of the data: the optimizer sees `search` only; `validation` accepts; `test` reports. */
export type Role = 'search' | 'validation' | 'test';

export interface PromptScore {
  prompt: string;
  /** Accuracy on all of dev (search + validation). */
  dev: number | null;
  search: number | null;
  validation: number | null;
  test: number | null;
}

/** What the search meant to do in one step, computed before the first call. */
export interface StepPlan {
  step: number;
  parents: number;
  /** New prompts asked of the optimizer (parents × proposals per parent), and of each parent. */
  proposals: number;
  perParent: number;
  /** Search examples each racing rung is scored on (cumulative, the last is the whole search set). */
  rungs: number[];
  /** Task calls of the race, validation of the step's winner and optimizer calls, at most. */
  calls: { race: number; validation: number; optimizer: number; total: number };
}

export interface SearchPlan {
  steps: StepPlan[];
  /** Search examples the candidates race on (all of them unless the budget asked for fewer). */
  raced: number;
  /** Calls kept for the head prompt's and the final prompt's evaluations. */
  fixed: { head: number; finalTest: number };
  total: number;
  /** What was cut to fit max-calls / max-tokens, if anything. */
  fitted: string[];
}

export interface StepReport {
  step: number;
  /** New prompts that survived enforcement, how many were scored, how many raced the whole search set. */
  proposed: number;
  scored: number;
  survivors: number;
  accepted: boolean;
  /** The accepted best prompt after this step: search and validation accuracy (test is never used here). */
  search: number | null;
  validation: number | null;
  /** The step's winner, chosen on search and tested on validation against the best (one-sided p). */
  winner: { search: number | null; validation: number | null; pValue: number | null } | null;
  /** Calls this step used, and what the plan allowed it. */
  calls: number;
  plannedCalls: number;
}

export type Purpose = 'task-search' | 'task-validation' | 'task-test' | 'optimizer';

export interface OptimizeResult {
  method: OptimizeMethod;
  mode: OptimizeMode;
  search: SearchStrategy;
  head: PromptScore;
  /** `step`: the step at which it was accepted (0: the head prompt is still best). */
  best: PromptScore & { step: number };
  improved: boolean;
  /** Best vs head as old → new spans of the prompt, each with the optimizer's reason. */
  spans: SpanEdit[];
  plan: SearchPlan;
  steps: StepReport[];
  budget: BudgetUse & { byPurpose: Record<Purpose, number> };
  splits: Record<Role, number>;
  discarded: Record<string, number>;
  repaired: Record<string, number>;
  /** Best vs head, paired, on dev and test (test scored for these two prompts only). */
  vsHead: Partial<Record<SplitName, PairedComparison>>;
  /** Why the best prompt should not be suggested; absent when it may be. Decided on validation. */
  withheld?: string;
  runs: { best: Partial<Record<SplitName, SplitRun>>; head: Partial<Record<SplitName, SplitRun>> };
}
