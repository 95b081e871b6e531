// Pairwise base-vs-head judging. Judges favour whichever answer they are shown first (position bias,
// often 10-30 % of verdicts), so each example is judged in both orders and only a preference that
// survives the swap counts; one that follows the order is a tie. The verdict is the head's win rate
// over the non-tied pairs with the exact sign test, the same test the accuracy comparison uses.

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { fillPlaceholders } from '../config/placeholders.js';
import { errorMessage } from '../core/errors.js';
import { type LlmClient, LlmError } from '../llm/client.js';
import { untagged } from './judge.js';
import { mcnemarExact, minDetectableLoss, type PairedComparison, pairedInterval } from './stats.js';

/** What the judge said about one ordering: which position won, or null when the call failed. */
export type Winner = 'A' | 'B' | 'tie';

/** One example's outcome after the swap. `error`: a judge call failed, the example is excluded. */
export type PairOutcome = 'head' | 'base' | 'tie' | 'error';

/**
 * `baseFirst`: the verdict with base shown as A and head as B; `headFirst`: with head as A, base as B.
 * Only the same preference in both orders is a win; any disagreement (including one order's tie) is a
 * tie, since the preference then depends on where the answers stood, not on what they said.
 */
export function combineOrders(baseFirst: Winner | null, headFirst: Winner | null): PairOutcome {
  if (baseFirst === null || headFirst === null) return 'error';
  const first = baseFirst === 'B' ? 'head' : baseFirst === 'A' ? 'base' : 'tie';
  const second = headFirst === 'A' ? 'head' : headFirst === 'B' ? 'base' : 'tie';
  return first === second ? first : 'tie';
}

export interface PairwiseSummary {
  /** Examples judged in both orders (errors excluded). */
  n: number;
  wins: number;
  losses: number;
  ties: number;
  errors: number;
  /** Head wins / (wins + losses); null when every pair tied. */
  winRate: number | null;
  /** Exact 95 % Clopper–Pearson interval of the win rate; null with winRate. */
  interval: [number, number] | null;
  /** Exact two-sided sign test of win rate = 1/2; 1 when every pair tied. */
  pValue: number;
}

/**
 * The sign test and its interval come from one exact binomial (stats.ts's McNemar test and the
 * interval that inverts it, here for π = wins / decided instead of the accuracy difference), so the
 * interval leaves out 1/2 exactly when p < 0.05.
 */
export function summarizePairs(outcomes: PairOutcome[]): PairwiseSummary {
  let wins = 0;
  let losses = 0;
  let ties = 0;
  let errors = 0;
  for (const o of outcomes) {
    if (o === 'head') wins++;
    else if (o === 'base') losses++;
    else if (o === 'tie') ties++;
    else errors++;
  }
  const decided = wins + losses;
  // With n = d, pairedInterval's Δ = 2π − 1, so π = (Δ + 1) / 2; both steps are exact at π = 1/2.
  const delta = decided === 0 ? null : pairedInterval(losses, wins, decided);
  return {
    n: outcomes.length - errors,
    wins,
    losses,
    ties,
    errors,
    winRate: decided === 0 ? null : wins / decided,
    interval: delta === null ? null : [(delta[0] + 1) / 2, (delta[1] + 1) / 2],
    pValue: mcnemarExact(losses, wins),
  };
}

/**
 * The pairwise result in the accuracy comparison's terms, for the gate: a head win is a "gained"
 * pair, a loss a "lost" one, ties count in n. Δ = (wins − losses) / judged is then the net share of
 * examples the head answers better, with the same exact test, interval and detectable drop.
 */
export function pairwisePaired(s: PairwiseSummary): PairedComparison {
  const k = minDetectableLoss(s.n);
  return {
    n: s.n,
    baseCorrect: s.losses,
    headCorrect: s.wins,
    lost: s.losses,
    gained: s.wins,
    delta: s.n === 0 ? 0 : (s.wins - s.losses) / s.n,
    interval: pairedInterval(s.losses, s.wins, s.n),
    pValue: s.pValue,
    detectableDrop: k === null ? null : k / s.n,
  };
}

/** One judged order: the winner by position and the judge's reason. */
export interface Verdict {
  winner: Winner;
  reason: string;
}

export interface PairItem {
  id: string;
  /** The task input as shown to the task model (fields filled in). */
  input: string;
  base: string;
  head: string;
  /** The reference answer, when the judge scorer names one. */
  reference?: string;
}

export interface PairJudgement {
  id: string;
  outcome: PairOutcome;
  /** Null when that call failed, or for both when base and head gave the same output (a tie, not asked). */
  baseFirst: Verdict | null;
  headFirst: Verdict | null;
  /** Why a judge call failed, one line, when outcome is `error`. */
  error?: string;
}

export interface PairwiseJudge {
  client: LlmClient;
  model: string;
  rubric: string;
}

export const PAIRWISE_SCHEMA_NAME = 'lpo_pairwise';
const SCHEMA = z.object({ winner: z.enum(['A', 'B', 'tie']), reason: z.string() });
const JSON_NOTE = 'Reply with a JSON object {"winner": "A", "B" or "tie", "reason": "<one sentence>"}.';
const TEXT_NOTE = 'Reply in exactly two lines:\nWinner: A, B or TIE\nReason: <one sentence>';

// A literal `new URL(..., import.meta.url)`: the bundler copies the file next to dist/ (see meta-prompts.ts).
const TEMPLATE_FILE = new URL('../../prompts/judge-pairwise.md', import.meta.url);
let template: string | undefined;

/** The one user message of a pairwise request: the filled template, then one format note. */
export function pairwiseMessage(
  rubric: string,
  input: string,
  a: string,
  b: string,
  json: boolean,
  reference?: string,
): string {
  template ??= readFileSync(TEMPLATE_FILE, 'utf8')
    .replace(/^<!--[\s\S]*?-->\s*/, '')
    .trimEnd();
  const values: Record<string, string> = {
    rubric,
    input,
    output_a: untagged(a),
    output_b: untagged(b),
    reference: reference ?? '(none)',
  };
  return `${fillPlaceholders(template, (key) => values[key])}\n\n${json ? JSON_NOTE : TEXT_NOTE}`;
}

/** Tolerant reading of a plain-text reply: "Winner: B", "**Winner:** Answer A", or a bare first line. */
export function parseVerdictText(text: string): Verdict | null {
  // The article is optional so that "Winner: a tie" reads as a tie, not as answer A.
  const labelled = /winner\W{0,4}(?:answer[\s_]*|an?\s+)?(a|b|tie)\b/i.exec(text);
  const bare = /^\W*(a|b|tie)\W*$/i.exec(text.trim().split('\n')[0] ?? '');
  const found = (labelled ?? bare)?.[1];
  if (found === undefined) return null;
  const winner: Winner = found.toLowerCase() === 'tie' ? 'tie' : (found.toUpperCase() as 'A' | 'B');
  const reason = /reason\W{0,4}(.*)/i.exec(text)?.[1]?.trim() ?? '';
  return { winner, reason };
}

/** Turned off for the rest of the run once the endpoint rejects response_format. */
interface RunState {
  structured: boolean;
}

/** One order: structured first, then plain text; throws LlmError when neither gives a verdict. */
async function judgeOrder(j: PairwiseJudge, state: RunState, item: PairItem, a: string, b: string) {
  const content = (json: boolean) => pairwiseMessage(j.rubric, item.input, a, b, json, item.reference);
  const request = (json: boolean) => ({
    model: j.model,
    temperature: 0,
    messages: [{ role: 'user' as const, content: content(json) }],
  });
  if (state.structured) {
    try {
      return (await j.client.parse(request(true), SCHEMA, PAIRWISE_SCHEMA_NAME)).value;
    } catch (error) {
      if (!(error instanceof LlmError)) throw error;
      if (error.kind === 'http' && error.status === 400) state.structured = false;
      else if (!['invalid', 'refusal', 'length'].includes(error.kind)) throw error;
    }
  }
  const result = await j.client.chat(request(false));
  const verdict = result.refusal === undefined ? parseVerdictText(result.text) : null;
  if (verdict === null) {
    const shown = JSON.stringify(result.text.slice(0, 80));
    throw new LlmError('invalid', `judge ${j.model}: no winner in the answer ${shown}`);
  }
  return verdict;
}

/**
 * Judges every item in both orders (two ordinary requests through the one client: cached, counted,
 * limited). A judge that fails after retries makes its example an error, never a win or a loss.
 */
export async function judgePairs(j: PairwiseJudge, items: PairItem[]): Promise<PairJudgement[]> {
  const state: RunState = { structured: true };
  const attempt = (item: PairItem, a: string, b: string) =>
    judgeOrder(j, state, item, a, b).then(
      (v): Verdict | string => v,
      (error: unknown): Verdict | string => {
        if (error instanceof LlmError) return errorMessage(error);
        throw error;
      },
    );
  return Promise.all(
    items.map(async (item): Promise<PairJudgement> => {
      // The same text in both places: nothing to prefer, and no judge call to pay for.
      if (item.base === item.head) return { id: item.id, outcome: 'tie', baseFirst: null, headFirst: null };
      const [first, second] = await Promise.all([
        attempt(item, item.base, item.head),
        attempt(item, item.head, item.base),
      ]);
      const baseFirst = typeof first === 'string' ? null : first;
      const headFirst = typeof second === 'string' ? null : second;
      const failed = [first, second].find((v) => typeof v === 'string');
      const outcome = combineOrders(baseFirst?.winner ?? null, headFirst?.winner ?? null);
      return {
        id: item.id,
        outcome,
        baseFirst,
        headFirst,
        ...(failed === undefined ? {} : { error: failed }),
      };
    }),
  );
}
