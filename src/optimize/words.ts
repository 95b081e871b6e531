// Words and word-level differences. Intl.Segmenter splits scripts written without spaces (Chinese,
// Japanese, Thai) into words, so "at most 5 words per tag" means the same thing in every language.
import { diffArrays } from 'diff';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });

/** Number of word-like segments (punctuation and spaces do not count). */
export function countWords(text: string): number {
  let n = 0;
  for (const s of segmenter.segment(text)) if (s.isWordLike) n++;
  return n;
}

/** The start of `text` up to the end of its `n`-th word (the whole text if it has fewer). */
export function firstWords(text: string, n: number): string {
  let seen = 0;
  for (const s of segmenter.segment(text)) {
    if (s.isWordLike && ++seen === n) return text.slice(0, s.index + s.segment.length);
  }
  return text;
}

/** Every segment, words and the text between them, so joining the tokens gives the text back. */
export function tokens(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

export interface Hunk {
  old: string;
  new: string;
  /** Offset of `old` in the first text. */
  at: number;
}

/**
 * The minimal word-level replacements turning `a` into `b`, each a contiguous old → new pair.
 * Hunks that only differ in the whitespace between words are kept: whitespace is part of a file.
 */
export function wordHunks(a: string, b: string): Hunk[] {
  const parts = diffArrays(tokens(a), tokens(b));
  const hunks: Hunk[] = [];
  let offset = 0;
  let open: Hunk | null = null;
  parts.forEach((part, i) => {
    const text = part.value.join('');
    if (!part.added && !part.removed) {
      // Only spaces or punctuation between two changes: one reviewable span, not two fragments.
      const next = parts[i + 1];
      if (open && next && countWords(text) === 0) {
        open.old += text;
        open.new += text;
      } else if (open) {
        hunks.push(open);
        open = null;
      }
      offset += text.length;
      return;
    }
    open ??= { old: '', new: '', at: offset };
    if (part.removed) {
      open.old += text;
      offset += text.length;
    } else open.new += text;
  });
  if (open) hunks.push(open);
  return hunks.map(tidy);
}

/** Whitespace both sides share at a hunk's edges is context, not part of the change. */
function tidy(h: Hunk): Hunk {
  let { old, new: now, at } = h;
  while (old && now && old[0] === now[0] && /\s/.test(old[0]!)) {
    old = old.slice(1);
    now = now.slice(1);
    at++;
  }
  while (old && now && old.at(-1) === now.at(-1) && /\s/.test(old.at(-1)!)) {
    old = old.slice(0, -1);
    now = now.slice(0, -1);
  }
  return { old, new: now, at };
}

/** Size of an edit, for tie-breaks: words removed plus words added (at least 1 per hunk). */
export function changedWords(a: string, b: string): number {
  return wordHunks(a, b).reduce((n, h) => n + Math.max(1, countWords(h.old) + countWords(h.new)), 0);
}
