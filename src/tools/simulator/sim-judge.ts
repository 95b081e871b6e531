/**
 * The simulated judge: answers the rubric (`lpo_judge`) and pairwise (`lpo_pairwise`) requests of
 * src/eval, deterministically for a seed (and the request's seed when it samples, temperature > 0).
 * How a request is read and what is checked: sim-judge-read.ts.
 *
 * - Rubric: the truth is the checks (judgeTruth): pass-fail passes when every check does; 1-5 scores
 *   1 + 4 × the share passed, rounded. A seeded share `judgeDisagreement` (default 0.15) of answers is
 *   flipped (pass ↔ fail; a score moves across the default threshold 4: 5→2, 4→1, 3→5, 2→5, 1→4), so
 *   a judge checked against labels that follow the checks agrees on about 1 − that share of them.
 * - Pairwise: with probability `positionBias` (default 0.3, drawn per order shown) the answer shown
 *   first wins whatever it says, so only asking in both orders cancels it. Otherwise the answer passing
 *   more checks wins; equal, the shorter one when they differ in length by more than 20 %, else a tie.
 * - Lost information gets a worse answer, never a good one: no output → fail (score 1); no rubric or no
 *   input → a coin flip; a pairwise answer lost → the other wins (so the two orders disagree).
 *
 * Replies are the JSON object the schema asks for, else the two lines the text note asks for
 * ("Verdict: PASS", "Score: 4" or "Winner: A", then "Reason: …").
 */
import { ConfigError } from '../../core/errors.js';
import { type Check, checkShare, type JudgeView, readJudgeRequest, rubricChecks } from './sim-judge-read.js';
import { hashUnit } from './sim-model.js';
import type { SimRequest } from './sim-request.js';

export { isJudgeRequest, rubricChecks } from './sim-judge-read.js';

export interface JudgeOptions {
  /** Share of rubric verdicts flipped against the checks (0 to 1, default 0.15). */
  judgeDisagreement?: number;
  /** Share of pairwise answers where the answer shown first wins regardless (0 to 1, default 0.3). */
  positionBias?: number;
}

export const DEFAULT_JUDGE_DISAGREEMENT = 0.15;
export const DEFAULT_POSITION_BIAS = 0.3;

type Draw = (...parts: (string | number)[]) => number;
type Verdict = { pass: boolean; score: number; reason: string };
type Preference = { winner: 'A' | 'B' | 'tie'; reason: string };

export function checkJudgeOptions(opts: JudgeOptions): void {
  for (const [name, value] of Object.entries(opts)) {
    if (value !== undefined && !(typeof value === 'number' && value >= 0 && value <= 1)) {
      throw new ConfigError(`simulator ${name}: expected a share from 0 to 1, got ${value}`);
    }
  }
}

/** What a judge that never errs says of an output: the checks it passes and fails (see the header). */
export function judgeTruth(
  rubric: string,
  input: string,
  output: string,
  reference: string | null = null,
): { pass: boolean; score: number; checks: Check[] } {
  const checks = rubricChecks(rubric, input, output, reference);
  const share = checkShare(checks);
  return { pass: share === 1, score: 1 + Math.round(4 * share), checks };
}

const flipScore = (score: number) => (score >= 4 ? score - 3 : Math.min(5, score + 3));

function pointwise(view: JudgeView, disagreement: number, draw: Draw): Verdict {
  const { rubric, input } = view;
  const output = view.outputs[0] ?? null;
  if (output === null) return { pass: false, score: 1, reason: 'No output was given to grade.' };
  if (rubric === null || input === null) {
    const u = draw('lost', output);
    return { pass: u < 0.5, score: 1 + Math.floor(u * 5), reason: 'The output looks reasonable overall.' };
  }
  // A lost reference section (undefined) grades without it, as a judge that was not shown one would.
  const truth = judgeTruth(rubric, input, output, view.reference ?? null);
  const failed = truth.checks.filter((c) => !c.ok);
  const met = truth.checks.length - failed.length;
  const honest =
    failed.length === 0
      ? 'The output meets every point of the rubric.'
      : `The output lacks ${failed.map((c) => c.what).join(', ')}.`;
  if (draw('disagree', rubric, input, output, view.reference ?? '') >= disagreement) {
    const reason = view.scale === '1-5' ? `${honest} (${met} of ${truth.checks.length} points met)` : honest;
    return { ...truth, reason };
  }
  const pass = !truth.pass;
  const reason = pass
    ? 'The output meets every point of the rubric.'
    : 'The output misses what the rubric asks.';
  return { pass, score: flipScore(truth.score), reason };
}

function pairwise(view: JudgeView, positionBias: number, draw: Draw): Preference {
  const { rubric, input } = view;
  const [a = null, b = null] = view.outputs;
  if (rubric === null || input === null) {
    const u = draw('lost', a ?? '', b ?? '');
    return { winner: u < 1 / 3 ? 'A' : u < 2 / 3 ? 'B' : 'tie', reason: 'Both answers are reasonable.' };
  }
  if (a === null || b === null) {
    if (a === b) return { winner: 'tie', reason: 'Neither answer says anything.' };
    return { winner: a === null ? 'B' : 'A', reason: `Answer ${a === null ? 'A' : 'B'} is empty.` };
  }
  if (draw('position', rubric, input, a, b) < positionBias) {
    return { winner: 'A', reason: 'Answer A addresses the input better.' };
  }
  // A lost reference section (undefined) compares without it, as for a pointwise grade.
  const checksA = rubricChecks(rubric, input, a, view.reference ?? null);
  const checksB = rubricChecks(rubric, input, b, view.reference ?? null);
  const [qa, qb] = [checkShare(checksA), checkShare(checksB)];
  const n = checksA.length;
  if (qa !== qb) {
    const [winner, q, other] = qa > qb ? (['A', qa, qb] as const) : (['B', qb, qa] as const);
    return {
      winner,
      reason: `Answer ${winner} meets ${Math.round(q * n)} of ${n} points of the rubric, the other ${Math.round(other * n)}.`,
    };
  }
  const [la, lb] = [a.trim().length, b.trim().length];
  if (Math.max(la, lb) > 1.2 * Math.min(la, lb)) {
    const winner = la < lb ? 'A' : 'B';
    return { winner, reason: `Both meet the rubric equally; answer ${winner} says it more concisely.` };
  }
  return { winner: 'tie', reason: 'Both answers meet the rubric equally.' };
}

function render(view: JudgeView, value: Verdict | Preference): string {
  if ('winner' in value) {
    if (view.json) return JSON.stringify({ winner: value.winner, reason: value.reason });
    return `Winner: ${value.winner.toUpperCase()}\nReason: ${value.reason}`;
  }
  if (view.scale === '1-5') {
    if (view.json) return JSON.stringify({ score: value.score, reason: value.reason });
    return `Score: ${value.score}\nReason: ${value.reason}`;
  }
  const verdict = value.pass ? 'pass' : 'fail';
  if (view.json) return JSON.stringify({ verdict, reason: value.reason });
  return `Verdict: ${verdict.toUpperCase()}\nReason: ${value.reason}`;
}

/** The reply to a judge request and which judge it was, or null when the request is not one. */
export function simulateJudge(
  seed: number,
  opts: JudgeOptions,
  request: SimRequest,
): { text: string; kind: 'judge' | 'pairwise' } | null {
  const view = readJudgeRequest(request);
  if (view === null) return null;
  const nonce = request.temperature > 0 ? String(request.seed ?? 'unseeded') : 'greedy';
  const draw: Draw = (...parts) => hashUnit(seed, nonce, request.temperature, view.kind, ...parts);
  const value =
    view.kind === 'judge'
      ? pointwise(view, opts.judgeDisagreement ?? DEFAULT_JUDGE_DISAGREEMENT, draw)
      : pairwise(view, opts.positionBias ?? DEFAULT_POSITION_BIAS, draw);
  return { text: render(view, value), kind: view.kind };
}
