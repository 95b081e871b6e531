// <edit>-tagged spans: reading the optimizer's tags (identify) and holding its proposals to them
// (propose). Model output is untrusted, so the rules are enforced here, not only asked for.
import { placeholdersIn } from '../config/placeholders.js';
import type { SpanEdit } from './types.js';
import type { Tally } from './tally.js';
import { countWords, firstWords } from './words.js';

const TAG = /<edit>([\s\S]*?)<\/edit>/g;
const ANY_TAG = /<\/?edit>/g;
const HAS_TAG = /<\/?edit>/;
/** Characters of markup in one tag pair, `<edit>` plus `</edit>`. */
const PAIR_MARKUP = 13;
/** A proposal this much longer than its parent is not an edit of it. */
const MAX_GROWTH_CHARS = 4_000;

/** The parent cut at its tagged spans: fixed[0] spans[0] fixed[1] … spans[n-1] fixed[n]. */
export interface Tagged {
  fixed: string[];
  spans: string[];
  reasons: string[];
}

export function stripTags(text: string): string {
  return text.replace(ANY_TAG, '');
}

export function renderTagged(t: Tagged): string {
  return t.fixed.map((f, i) => (i < t.spans.length ? `${f}<edit>${t.spans[i]}</edit>` : f)).join('');
}

function untagged(t: Tagged): string {
  return t.fixed.map((f, i) => f + (t.spans[i] ?? '')).join('');
}

/**
 * Places the reply's tags on the parent. When the reply also changed text outside its tags, each tagged
 * text is looked up in the parent instead (counted as a repair); a tag holding more than `maxWords`
 * words is cut to its first `maxWords` (a repair); tags that cannot be placed, are empty or cover a
 * {{placeholder}} are dropped and counted.
 */
export function parseTagged(
  parent: string,
  reply: string,
  reasons: string[],
  maxWords: number,
  tally: Tally,
): Tagged | null {
  const found = [...reply.matchAll(TAG)].map((m, i) => ({ inner: stripTags(m[1]!), index: m.index, i }));
  // Exact: the reply is the parent plus well-formed tag pairs, so positions follow from the offsets.
  const exact = reply.replace(TAG, '$1') === parent;
  if (!exact && found.length > 0) tally.repaired('identify-touched-outside-tags');
  const placed: { start: number; end: number; reason: string }[] = [];
  let cursor = 0;
  for (const tag of found) {
    // In an exact reply, the position is known: the reply offset minus the tag markup before it.
    const start = exact ? tag.index - PAIR_MARKUP * tag.i : parent.indexOf(tag.inner, cursor);
    if (start < cursor || start < 0) {
      tally.discard('tag-not-in-prompt');
      continue;
    }
    // Surrounding whitespace stays outside the span, so replacements cannot glue words together.
    const lead = tag.inner.length - tag.inner.trimStart().length;
    let inner = tag.inner.trim();
    // Over the limit: the tag keeps its first words, where the optimizer pointed, and the rest stays fixed.
    if (countWords(inner) > maxWords) {
      inner = firstWords(inner, maxWords);
      tally.repaired('tag-trimmed-to-word-limit');
    }
    const s = start + lead;
    const e = s + inner.length;
    if (countWords(inner) === 0) tally.discard('tag-empty');
    else if (/\{\{|\}\}/.test(inner)) tally.discard('tag-on-placeholder');
    else placed.push({ start: s, end: e, reason: reasons[tag.i]?.trim() || 'marked by the optimizer' });
    cursor = start + tag.inner.length;
  }
  if (placed.length === 0) {
    tally.discard('no-usable-tags');
    return null;
  }
  const fixed: string[] = [];
  let at = 0;
  for (const p of placed) {
    fixed.push(parent.slice(at, p.start));
    at = p.end;
  }
  fixed.push(parent.slice(at));
  return {
    fixed,
    spans: placed.map((p) => parent.slice(p.start, p.end)),
    reasons: placed.map((p) => p.reason),
  };
}

/** `texts`: the new text of every span, in order, changed or not. */
export type LocalOutcome =
  | { ok: true; prompt: string; edits: SpanEdit[]; texts: string[] }
  | { ok: false; why: string };

/** Cuts `text` (tags already removed) at the parent's fixed segments, in order; null if one is missing. */
function align(t: Tagged, text: string): string[] | null {
  const n = t.spans.length;
  const first = t.fixed[0]!;
  const last = t.fixed[n]!;
  if (!text.startsWith(first) || !text.endsWith(last) || text.length < first.length + last.length)
    return null;
  const limit = text.length - last.length;
  const out: string[] = [];
  let cursor = first.length;
  for (let i = 1; i < n; i++) {
    const at = text.indexOf(t.fixed[i]!, cursor);
    if (at < 0 || at + t.fixed[i]!.length > limit) return null;
    out.push(text.slice(cursor, at));
    cursor = at + t.fixed[i]!.length;
  }
  out.push(text.slice(cursor, limit));
  return out;
}

/**
 * Holds one proposal to the tagged spans of its parent. With one tag pair per span, only the tags'
 * contents are kept (text changed outside them is put back: a repair); otherwise the untagged proposal
 * must contain the parent's fixed text in order, or it is discarded. The result always equals
 * fixed[0] + new[0] + fixed[1] + … + fixed[n]: nothing outside the spans can change.
 */
export function enforceLocal(t: Tagged, proposal: string, tally: Tally): LocalOutcome {
  const parent = untagged(t);
  if (proposal.trim() === '') return { ok: false, why: 'empty' };
  if (proposal.length > parent.length + MAX_GROWTH_CHARS) return { ok: false, why: 'garbage' };
  const pairs = [...proposal.matchAll(TAG)];
  const outside = proposal.split(TAG).filter((_, i) => i % 2 === 0);
  let replacements: string[];
  if (pairs.length === t.spans.length && !outside.some((o) => HAS_TAG.test(o))) {
    replacements = pairs.map((m) => m[1]!);
    if (outside.some((o, i) => o !== t.fixed[i])) tally.repaired('proposal-touched-outside-tags');
  } else {
    const aligned = align(t, stripTags(proposal));
    if (!aligned) return { ok: false, why: 'touched-outside-tags' };
    if (HAS_TAG.test(proposal)) tally.repaired('stray-edit-tags-stripped');
    replacements = aligned;
  }
  replacements = replacements.map((r, i) => {
    const span = t.spans[i]!;
    let out = stripTags(r);
    if (!/^\s/.test(span)) out = out.trimStart();
    if (!/\s$/.test(span)) out = out.trimEnd();
    return out;
  });
  const prompt = t.fixed.map((f, i) => f + (replacements[i] ?? '')).join('');
  if (prompt.trim() === '') return { ok: false, why: 'empty' };
  if (prompt === parent) return { ok: false, why: 'unchanged' };
  const before = placeholdersIn(parent).sort().join();
  if (placeholdersIn(prompt).sort().join() !== before) return { ok: false, why: 'placeholder-changed' };
  const edits = t.spans
    .map((old, i) => ({ old, new: replacements[i]!, reason: t.reasons[i]! }))
    .filter((e) => e.old !== e.new);
  return { ok: true, prompt, edits, texts: replacements };
}

export type GlobalOutcome = { ok: true; prompt: string } | { ok: false; why: string };

/** A whole-prompt proposal: tags stripped, the parent's line endings and trailing newline kept. */
export function cleanGlobal(parent: string, proposal: string, tally: Tally): GlobalOutcome {
  if (HAS_TAG.test(proposal)) tally.repaired('stray-edit-tags-stripped');
  const eol = parent.includes('\r\n') ? '\r\n' : '\n';
  let prompt = stripTags(proposal).replace(/\r?\n/g, eol).trim();
  if (prompt === '') return { ok: false, why: 'empty' };
  if (prompt.length > parent.length + MAX_GROWTH_CHARS) return { ok: false, why: 'garbage' };
  if (/\r?\n$/.test(parent)) prompt += eol;
  if (prompt === parent) return { ok: false, why: 'unchanged' };
  const missing = placeholdersIn(parent).filter((p) => !placeholdersIn(prompt).includes(p));
  if (missing.length > 0) return { ok: false, why: 'placeholder-changed' };
  return { ok: true, prompt };
}
