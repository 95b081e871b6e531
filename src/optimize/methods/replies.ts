// The versions in an optimizer's reply, held to the rules before they become candidates. Real models
// wrap what they were asked for in what they were not (fences, <prompt> tags inside JSON strings,
// quotes, "Version 1:" labels), copy the whole prompt where only a span was asked, or send more
// versions than asked: what can be put right is put right and counted, the rest is discarded and counted.
import {
  type GlobalOutcome,
  cleanGlobal,
  enforceLocal,
  type LocalOutcome,
  stripTags,
  type Tagged,
} from '../tags.js';
import type { Tally } from '../tally.js';
import { countWords } from '../words.js';

const QUOTES: [string, string][] = [
  ['"', '"'],
  ['“', '”'],
  ['„', '“'],
  ["'", "'"],
  ['‘', '’'],
];

/** Surrounding quotes the original did not have are the model's, not part of the text. */
function unquote(text: string, original: string, tally: Tally): string {
  const t = text.trim();
  for (const [open, close] of QUOTES) {
    if (t.length >= 2 && t.startsWith(open) && t.endsWith(close) && !original.trim().startsWith(open)) {
      tally.repaired('quotes-stripped');
      return t.slice(open.length, -close.length);
    }
  }
  return text;
}

/** One whole-prompt version, unwrapped of the markup around it. */
export function unwrapVersion(parent: string, version: string, tally: Tally): string {
  let text = version.replace(/\r\n?/g, '\n').trim();
  if (text.startsWith('<prompt>') && !parent.trimStart().startsWith('<prompt>')) {
    const end = text.indexOf('</prompt>');
    tally.repaired('prompt-wrapper-stripped');
    text = text.slice('<prompt>'.length, end === -1 ? undefined : end).trim();
  }
  const fenced = /^```[\w-]*[ \t]*\n([\s\S]*?)\n?```$/.exec(text);
  if (fenced && !parent.trimStart().startsWith('```')) {
    tally.repaired('code-fence-stripped');
    text = fenced[1]!.trim();
  }
  // Bounded spaces: the text is untrusted, and two open-ended runs side by side backtrack quadratically.
  const label =
    /^(?:\*\*)?(?:version|variation|prompt|option)[ \t]{0,3}(?:\d{1,3}[ \t]{0,3})?:?(?:\*\*)?:?[ \t]{0,3}\n/i.exec(
      text,
    );
  if (label && !parent.trimStart().toLowerCase().startsWith(label[0].trim().toLowerCase())) {
    tally.repaired('version-label-stripped');
    text = text.slice(label[0].length).trim();
  }
  return unquote(text, parent, tally);
}

/** Whole-prompt versions (global mode): the first `count` kept, each unwrapped and cleaned. */
export function globalVersions(
  parent: string,
  versions: string[],
  count: number,
  tally: Tally,
): GlobalOutcome[] {
  for (let i = count; i < versions.length; i++) tally.discard('extra-version');
  return versions.slice(0, count).map((v) => cleanGlobal(parent, unwrapVersion(parent, v, tally), tally));
}

const eolOf = (t: Tagged) => (t.fixed.join('').includes('\r\n') ? '\r\n' : '\n');

/** Whether a string holds the prompt's fixed text in order: a copy of the whole prompt, not a span. */
function holdsFixedText(t: Tagged, text: string): boolean {
  const body = stripTags(text);
  const fixed = t.fixed.map((f) => f.trim()).filter((f) => countWords(f) > 0);
  let cursor = 0;
  for (const f of fixed) {
    const at = body.indexOf(f, cursor);
    if (at < 0) return false;
    cursor = at + f.length;
  }
  return fixed.length > 0;
}

function tagContents(text: string): string[] {
  return [...text.matchAll(/<edit>([\s\S]*?)<\/edit>/g)].map((m) => m[1]!);
}

/** New texts for the spans, one per span, as the tagged proposal enforceLocal holds to the parent. */
function fromReplacements(t: Tagged, replacements: string[], tally: Tally): LocalOutcome {
  const texts = replacements.map((r, i) => {
    let out = r;
    if (/<\/?edit>/.test(out)) {
      tally.repaired('edit-wrapper-stripped');
      out = stripTags(out);
    }
    return unquote(out, t.spans[i]!, tally);
  });
  const proposal = t.fixed.map((f, i) => (i < texts.length ? `${f}<edit>${texts[i]}</edit>` : f)).join('');
  return enforceLocal(t, proposal, tally);
}

/** The whitespace a copy lost at its ends (a JSON string rarely keeps the file's last newline). */
function repad(t: Tagged, text: string): string {
  const first = t.fixed[0]!;
  const last = t.fixed.at(-1)!;
  const lead = first.slice(0, first.length - first.trimStart().length);
  const trail = last.slice(last.trimEnd().length);
  return lead + text.trim() + trail;
}

/**
 * One string holding tags: a copy of the whole prompt (it holds the fixed text, or as many other words
 * as a copy whose fixed text the model reworded), or a run of span texts, one version per n tags.
 */
function fromOneString(t: Tagged, text: string, tally: Tally): LocalOutcome[] {
  const inner = tagContents(text);
  const n = t.spans.length;
  const outside = countWords(text.replace(/<edit>[\s\S]*?<\/edit>/g, ' '));
  const fixedWords = countWords(t.fixed.join(' '));
  if (holdsFixedText(t, text) || (inner.length === n && fixedWords > 0 && outside * 2 >= fixedWords)) {
    tally.repaired('whole-prompt-copied');
    return [enforceLocal(t, repad(t, text), tally)];
  }
  if (inner.length === 0 || inner.length % n !== 0) return [{ ok: false, why: 'edit-count-mismatch' }];
  tally.repaired('span-texts-in-tags');
  return Array.from({ length: inner.length / n }, (_, k) =>
    fromReplacements(t, inner.slice(k * n, k * n + n), tally),
  );
}

/** An untagged string that starts and ends as the prompt does: a copy of it, not one span's text. */
function isUntaggedCopy(t: Tagged, text: string): boolean {
  const body = text.trim();
  return (
    holdsFixedText(t, body) && body.startsWith(t.fixed[0]!.trim()) && body.endsWith(t.fixed.at(-1)!.trim())
  );
}

/**
 * Local versions: each gives one new text per tagged span, in order, or (older format, tolerated) a
 * whole copy of the tagged prompt. The first `count` versions are kept.
 */
export function localVersions(t: Tagged, versions: string[][], count: number, tally: Tally): LocalOutcome[] {
  const eol = eolOf(t);
  const out: LocalOutcome[] = [];
  for (const version of versions) {
    const strings = version.map((s) => s.replace(/\r?\n/g, eol));
    const only = strings.length === 1 ? strings[0]! : null;
    if (only !== null && (/<edit>/.test(only) || isUntaggedCopy(t, only)))
      out.push(...fromOneString(t, only, tally));
    else if (strings.length === t.spans.length) out.push(fromReplacements(t, strings, tally));
    else out.push({ ok: false, why: 'edit-count-mismatch' });
  }
  for (let i = count; i < out.length; i++) tally.discard('extra-version');
  return out.slice(0, count);
}
