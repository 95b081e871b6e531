// Base against head, per split and per example: what eval's comparison produces and the review reads.
import type { PairedComparison } from './stats.js';
import type { SplitName, SplitSummary } from '../core/types.js';

export interface SplitComparison {
  split: SplitName;
  base: SplitSummary | null;
  head: SplitSummary | null;
  /** Head vs base on the same examples; null when one side is missing (new or deleted prompt). */
  paired: PairedComparison | null;
}

export interface FlippedExample {
  split: SplitName;
  line: number;
  /** 1-based row number, for rows of a JSON array. */
  row?: number;
  input: string;
  target: string;
  baseOutput: string | null;
  headOutput: string | null;
  /** What the scorer took from each output and compared with the target; null without an answer. */
  baseExtracted?: string | null;
  headExtracted?: string | null;
  /** A model-graded scorer's reason for each side's grade, when it gave one. */
  baseReason?: string;
  headReason?: string;
}
