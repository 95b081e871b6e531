// What every method shares: the step nonce, the error minibatches, the request template as the
// optimizer sees it, and how a proposal becomes a candidate.
import { createHash } from 'node:crypto';
import type { EvalTask, ExampleResult } from '../../core/types.js';
import type { AskContext } from '../ask.js';
import type { Candidate, OptimizeOptions, SpanEdit } from '../types.js';
import { changedWords } from '../words.js';

export interface ProposeContext {
  ask: AskContext;
  task: EvalTask;
  options: OptimizeOptions;
  head: string;
}

/** ProTeGi's errors_per_gradient: small enough that the optimizer reasons about each one. */
export const MINIBATCH = 4;
/** ProTeGi's n_gradients, lowered from 4 so a parent's requests stay within a small budget. */
export const APO_GRADIENTS = 2;
/** Taggings per parent in local mode: proposals do not all hang on one reading of the failures. */
export const TAGGINGS = 2;

/**
 * ProTeGi's reference code samples every request at 0.7; tagging and proposing need variety for the
 * two taggings to differ. PE2's step 1 is the careful reading of the failures both branches build on.
 */
export const TEMPERATURE = { sample: 0.7, reflect: 0 } as const;

function hash(...parts: (string | number)[]): Buffer {
  return createHash('sha256').update(parts.join('\u001f')).digest();
}

/**
 * The request seed: a step nonce. It differs by step, by the call's role and by its index, so no two
 * requests of a run are the same request and a re-ask in a later step is not answered from the cache.
 */
export function requestSeed(options: OptimizeOptions, step: number, role: string, index = 0): number {
  return hash(options.seed, step, role, index).readUInt32BE(0) & 0x7fffffff;
}

/** Minibatch `index` of step `step`: a seeded sample of the failures, drawn afresh every step. */
export function minibatch(
  options: OptimizeOptions,
  failures: ExampleResult[],
  step: number,
  index = 0,
): ExampleResult[] {
  const key = (f: ExampleResult) => hash(options.seed, step, index, f.id).readUInt32BE(0);
  return [...failures].sort((a, b) => key(a) - key(b)).slice(0, MINIBATCH);
}

/** The request template, showing where the prompt sits (PE2's context specification). */
export function templateText(task: EvalTask): string {
  return task.messages.map((m) => `[${m.role}]\n${m.content}`).join('\n\n');
}

export const numbered = (items: string[]) => items.map((r, i) => `${i + 1}. ${r}`).join('\n');

/** A gradient or reflection as the edit request reads it, with the pool's lessons merged in (GEPA). */
export function feedbackText(reasons: string[], lessons: string[]): string {
  const own = reasons.length > 0 ? numbered(reasons) : '(no reasons given)';
  if (lessons.length === 0) return own;
  return `${own}\nLessons from other prompts that do better on other examples:\n${lessons.map((l) => `- ${l}`).join('\n')}`;
}

/** `total` spread over `parts` as evenly as possible, the larger shares first. */
export function shares(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

export function child(
  ctx: ProposeContext,
  parent: Candidate,
  prompt: string,
  edits: SpanEdit[],
  step: number,
): Candidate {
  return { prompt, parent, step, edits, size: changedWords(ctx.head, prompt) };
}

/** A cleaned list of reasons from an untrusted reply. */
export const cleanReasons = (reasons: string[] | undefined) =>
  (reasons ?? []).map((r) => r.trim()).filter(Boolean);
