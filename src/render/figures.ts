// Number formats for the review texts, on top of core/format.ts.
import type { PairedComparison } from '../eval/stats.js';
import type { GatePolicy } from '../review/model.js';
import { canDetect } from '../review/gate.js';
import type { UsageSnapshot } from '../core/types.js';
import { DASH, percent, signedPp } from '../core/format.js';
import { ignoredEntriesText } from '../llm/cache.js';

export { DASH, signedPp } from '../core/format.js';
/** The comment's name for core's percent(). */
export const pct = (x: number | null | undefined) => percent(x);

export function intervalPp(iv: [number, number] | null | undefined): string {
  return iv ? `[${signedPp(iv[0])}, ${signedPp(iv[1])}]` : DASH;
}

/** Three significant digits, or "< 0.001". */
export function pValue(p: number): string {
  if (!Number.isFinite(p)) return DASH;
  if (p < 0.001) return '< 0.001';
  return p.toPrecision(3);
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

export function costLine(u: UsageSnapshot, wallMs: number): string {
  const failed = u.failedCalls > 0 ? `, ${int(u.failedCalls)} failed` : '';
  const ignored = u.cacheIgnored ? `, ${ignoredEntriesText(u.cacheIgnored)}` : '';
  return (
    `${int(u.calls)} calls (${int(u.cacheHits)} cache hits${failed}${ignored}), ` +
    `${int(u.promptTokens)} prompt + ${int(u.completionTokens)} completion tokens, ${(wallMs / 1000).toFixed(1)} s`
  );
}

/** The smallest detectable drop in whole-ish pp for a table cell: "20", "85.7". */
const detectable = (paired: PairedComparison) =>
  paired.detectableDrop === null ? null : String(Number((paired.detectableDrop * 100).toFixed(1)));

/**
 * One row's reading of a paired comparison against the significance level, and of its power: a split
 * that found nothing and could not have found a min-delta drop says so instead of "no change".
 */
export function rowVerdict(paired: PairedComparison | null, gate: GatePolicy): string {
  if (!paired || paired.n === 0) return DASH;
  if (paired.pValue < gate.alpha && paired.delta < 0) return 'significant drop';
  if (paired.pValue < gate.alpha && paired.delta > 0) return 'significant gain';
  if (!canDetect(paired, gate.minDetectableDrop)) {
    const least = detectable(paired);
    return least === null ? '⚠️ inconclusive: no drop detectable' : `⚠️ inconclusive: detects ≥ ${least} pp`;
  }
  return 'no significant change';
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
