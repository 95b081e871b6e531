// Number formats shared by every text the project prints: the CLI's tables, the optimizer's reasons,
// the comment. One spelling of a missing figure (an em dash) and of a percentage ("72.5 %").
// Percentage points use the ASCII hyphen-minus so a figure copied out of a comment pastes as a number.

export const DASH = '—';

/** 0..1 → "72.5 %", or an em dash when there is no figure. */
export function percent(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined || !Number.isFinite(x) ? DASH : `${(x * 100).toFixed(digits)} %`;
}

/** A 0..1 difference in signed percentage points with one decimal: "+4.0", "-2.5", "0.0". */
export function signedPp(delta: number): string {
  const tenths = Math.round(delta * 1000);
  if (tenths === 0) return '0.0';
  return `${tenths > 0 ? '+' : '-'}${(Math.abs(tenths) / 10).toFixed(1)}`;
}

/** A p-value for a cell under a "p" header: "< 0.001", or two significant digits ("0.013", "0.50"). */
export function pValue(p: number): string {
  if (!Number.isFinite(p)) return DASH;
  if (p < 0.001) return '< 0.001';
  return p.toPrecision(2);
}

/** A p-value in a sentence: "p < 0.001", "p = 0.013". */
export function pText(p: number): string {
  const v = pValue(p);
  return v === DASH ? `p ${DASH}` : v.startsWith('<') ? `p ${v}` : `p = ${v}`;
}
