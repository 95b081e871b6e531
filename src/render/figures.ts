// Number formats for the review texts, on top of core/format.ts.
import type { PairedComparison } from '../eval/stats.js';
import type { GatePolicy, RunBudget } from '../review/model.js';
import { canDetect, powerText } from '../review/gate.js';
import type { UsageSnapshot } from '../core/types.js';
import { DASH, percent, signedPp } from '../core/format.js';
import { ignoredEntriesText } from '../llm/cache.js';

export { DASH, pText, pValue, signedPp } from '../core/format.js';
/** The comment's name for core's percent(). */
export const pct = (x: number | null | undefined) => percent(x);

export function intervalPp(iv: [number, number] | null | undefined): string {
  return iv ? `[${signedPp(iv[0])}, ${signedPp(iv[1])}]` : DASH;
}

/** Δ in signed pp with its 95 % interval: "-12.5 [-16.9, -2.5]"; a dash without answered pairs. */
export function deltaCell(paired: PairedComparison | null | undefined): string {
  if (!paired || paired.n === 0) return DASH;
  return `${signedPp(paired.delta)} ${intervalPp(paired.interval)}`;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** Requests that came back (failed ones apart), cache hits, tokens and wall time. */
export function costLine(u: UsageSnapshot, wallMs: number): string {
  const failed = u.failedCalls > 0 ? `, ${int(u.failedCalls)} failed` : '';
  const ignored = u.cacheIgnored ? `, ${ignoredEntriesText(u.cacheIgnored)}` : '';
  return (
    `${int(u.calls)} requests (${int(u.cacheHits)} cache hits${failed}${ignored}), ` +
    `${int(u.promptTokens)} prompt + ${int(u.completionTokens)} completion tokens, ${(wallMs / 1000).toFixed(1)} s`
  );
}

/** "412 of 2,000 requests (20.6 %, max-calls)": what the run used of one of the owner's ceilings. */
function used(n: number, max: number, unit: string, name: string): string {
  return `${int(n)} of ${int(max)} ${unit} (${max > 0 ? `${percent(n / max)}, ` : ''}${name})`;
}

/** What the run used of the owner's ceilings (max-calls, max-tokens). */
export function budgetText(b: RunBudget): string {
  const parts: string[] = [];
  if (b.maxRequests !== null) parts.push(used(b.requests, b.maxRequests, 'requests', 'max-calls'));
  if (b.maxTokens !== null) parts.push(used(b.tokens, b.maxTokens, 'tokens', 'max-tokens'));
  else if (parts.length > 0) parts.push('no max-tokens');
  return parts.length > 0 ? `budget used: ${parts.join(', ')}` : '';
}

/**
 * One row's reading of a paired comparison against the significance level, and of its power: a split
 * that found nothing and could not have found a min-delta drop says so instead of "no change".
 */
export function rowVerdict(paired: PairedComparison | null, gate: GatePolicy): string {
  if (!paired || paired.n === 0) return DASH;
  if (paired.pValue < gate.alpha && paired.delta < 0) return 'significant drop';
  if (paired.pValue < gate.alpha && paired.delta > 0) return 'significant gain';
  if (!canDetect(paired, gate.minDetectableDrop)) return '⚠️ inconclusive';
  return 'no significant change';
}

/** Under the table, what an inconclusive row could have detected (too long for a cell). */
export function powerNote(split: string, paired: PairedComparison, gate: GatePolicy): string {
  return `⚠️ ${split} is inconclusive: ${powerText(paired)}, so a ${gate.minDetectableDrop} pp drop (min-detectable-drop) could go unseen.`;
}

export function gateText(gate: GatePolicy): string {
  const floor = gate.minAccuracy !== undefined ? ` or test accuracy below ${pct(gate.minAccuracy)}` : '';
  switch (gate.failOn) {
    case 'never':
      return 'gate: report only, never fails';
    case 'regression':
      return `gate: fails on a test drop of more than ${gate.minDelta} pp${floor}${unsure(gate)}`;
    default:
      return `gate: fails on a significant test drop (α = ${gate.alpha})${floor}${unsure(gate)}`;
  }
}

/** The inconclusive clause of the gate line; `fail-on: never` fails on nothing, so it has none. */
const unsure = (gate: GatePolicy) =>
  gate.failOnInconclusive
    ? `, or when test cannot detect a ${gate.minDetectableDrop} pp drop (inconclusive)`
    : '';
