// Domain types shared by every stage of the pipeline. Plain data only: no I/O here.

export type SplitName = 'dev' | 'test';

export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant';
  content: string;
}

/** How a model output is compared with a target. `contains`/`startsWith`/`endsWith` come from .prompt.yml evaluators. */
export type ScorerSpec =
  | { type: 'exact' }
  | { type: 'numeric' }
  | { type: 'choice' }
  | { type: 'contains' }
  | { type: 'startsWith' }
  | { type: 'endsWith' }
  | { type: 'regex'; pattern: string; flags?: string }
  | { type: 'json'; field: string }
  | JudgeScorerSpec
  | { type: 'similarity'; model: string; threshold: number };

/**
 * A model grades the output against a rubric (pass-fail, or 1-5 where a score of at least
 * `threshold` passes). `reference` names the field shown to the judge as the reference answer.
 */
export interface JudgeScorerSpec {
  type: 'judge';
  rubric: string;
  reference?: string;
  model?: string;
  scale: 'pass-fail' | '1-5';
  threshold: number;
}

export type ScorerName = ScorerSpec['type'];

/**
 * `dev` below 1 is the fraction of rows in dev. `dev` of 1 or more is a count: with `test` also a
 * count, rows split by dev/(dev+test) and each side is capped at its count; with `dev` alone, rows
 * split in half and dev is capped at `dev`. `maxExamples` caps each split. Membership depends only on
 * an example's content hash and the seed, so appended rows never move existing ones.
 */
export interface SplitSpec {
  dev: number;
  test?: number;
  seed: number;
  maxExamples?: number;
}

/** One dataset row, reduced to the fields a task uses. */
export interface Example {
  /**
   * The row's identity: sha256 (hex) of its used content, stable across formatting, reorders and
   * appended rows; the n-th repeat of the same content gets `:n` appended (n ≥ 2), so ids are unique.
   */
  id: string;
  /** 0-based position among the dataset's rows: the row's place, independent of formatting. */
  index: number;
  /** 1-based line of the row in its file (JSON arrays: the line where the row's object starts); for messages. */
  line: number;
  /** A row of a JSON array: its line may not tell it apart (one-line files), so messages add `(row N)`. */
  inArray?: true;
  /** Every input field, stringified; available to templates as {{field}}. */
  fields: Record<string, string>;
  target: string;
  /** A calibration row (EvalTask.calibration): a person's grade and the answer they graded. */
  labelled?: { label: string; output: string };
}

export interface ModelParams {
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
}

/** Everything needed to evaluate one prompt file on its dataset. */
export interface EvalTask {
  promptPath: string;
  kind: 'text' | 'prompt-yml';
  /** Text kind: the file's text, placed at {{prompt}}. prompt-yml kind: empty (the messages are the prompt). */
  prompt: string;
  /** Request template: {{prompt}} and {{<field>}} placeholders, filled once, never recursively. */
  messages: ChatMessage[];
  /** Dataset file, or null when rows come inline (a .prompt.yml's testData). */
  datasetPath: string | null;
  inlineRows?: Record<string, unknown>[];
  /** Where inline rows come from, for error messages (the .prompt.yml path). */
  inlineSource?: string;
  /** The file line where each inline row starts, for messages. */
  inlineLines?: number[];
  input: string[];
  target: string;
  scorer: ScorerSpec;
  split: SplitSpec;
  model?: string;
  params: ModelParams;
  /** A .prompt.yml `responseFormat` (`text`, `json_object`, or a JSON schema), passed through. */
  responseFormat?: unknown;
  /** `pairwise`: the gate asks the judge which of base's and head's answers is better (both orders). */
  compare?: 'pairwise';
  /** Rows carrying a person's grade (`label`) of a stored answer (`output`): the judge grades it too. */
  calibration?: Calibration;
  /** Answers asked per example (`samples: k`), scored by their mean; absent means 1. */
  samples?: number;
}

/** The dataset fields of a judge's calibration: a person's grade and the answer it grades. */
export interface Calibration {
  label: string;
  output: string;
}

export type Verdict = 'correct' | 'wrong' | 'error';

/**
 * An answer the prompt caused to be unusable: cut off at max_tokens, blocked by the content filter,
 * refused, empty, or not JSON under a JSON response_format. Such an example counts as wrong; only a
 * call that brought no answer at all (transport, HTTP, protocol) is an error.
 */
export const ANSWER_FAILURES = ['truncated', 'filtered', 'refused', 'empty', 'invalid-json'] as const;
export type AnswerFailure = (typeof ANSWER_FAILURES)[number];

export interface ExampleResult {
  id: string;
  line: number;
  /** 1-based row number, for rows of a JSON array (see Example.inArray). */
  row?: number;
  split: SplitName;
  input: string;
  target: string;
  output: string | null;
  extracted: string | null;
  verdict: Verdict;
  error?: string;
  /** Why a `wrong` answer was unusable, when it was (see AnswerFailure). */
  failure?: AnswerFailure;
  cached?: boolean;
  /** A model-graded scorer's word on this example (its short reason, and its 1-5 score where it gave one). */
  judge?: { reason: string; score?: number };
  /**
   * With `samples: k` > 1: the example's score, correct / answered samples (0..1), which every figure
   * uses; `verdict` is then the majority (correct when more than half were), for display only.
   */
  score?: number;
  /**
   * With `samples: k` > 1: samples asked (k), right, answered (not errored), and the distinct answers
   * among those answered (what the scorer took from each output, else the trimmed output).
   */
  samples?: { asked: number; correct: number; answered: number; distinct: number };
}

export interface SplitSummary {
  total: number;
  /** Examples whose verdict is correct (with `samples`, the majority of their samples). */
  correct: number;
  errors: number;
  /** correct / (total - errors), in 0..1 (the mean score with `samples`); null when every example errored. */
  accuracy: number | null;
  /** 95 % Wilson interval of accuracy (see summaryOf for the mean score). */
  interval: [number, number] | null;
  /** Of the wrong answers, those the prompt made unusable, by kind; absent when there are none. */
  failures?: Partial<Record<AnswerFailure, number>>;
  /** With `samples: k` > 1: k; accuracy is then the mean of the examples' scores (ExampleResult.score). */
  samples?: number;
  /** With `samples: k` > 1: answered examples whose samples did not all give the same answer. */
  flaky?: number;
}

export interface UsageSnapshot {
  calls: number;
  cacheHits: number;
  /** Cache entries found but not written with this run's key (forged, or another key's); absent = 0. */
  cacheIgnored?: number;
  promptTokens: number;
  completionTokens: number;
  failedCalls: number;
}

/**
 * Where a stage reports progress and warnings: the Actions log in the Action, stderr in the CLI.
 * `debug` is for detail only the Action shows (with step debugging on).
 */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug?(message: string): void;
}
