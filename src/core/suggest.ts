// "Did you mean" for config keys, CLI flags and commands: the one name the user most likely meant.

const squash = (text: string) => text.toLowerCase().replace(/[-_\s]/g, '');
const parts = (text: string) =>
  text
    .toLowerCase()
    .split(/[-_\s]+/)
    .filter(Boolean);

/**
 * The candidate closest to `word`, or undefined when none is close enough to be worth naming.
 * In order: the same name spelled another way (`maxExamples` → `max-examples`); a name made of the
 * typed words or holding them whole (`model` → `task-model`, ranked above the one-letter typo
 * `mode`, because people drop a prefix far more often than they add a letter); a small typo
 * (`scorrer` → `scorer`); a name that contains the typed text (`data` → `dataset`).
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const same = candidates.find((candidate) => squash(candidate) === squash(word));
  if (same) return same;
  return wholeWords(word, candidates) ?? typo(word, candidates) ?? containing(word, candidates);
}

function wholeWords(word: string, candidates: readonly string[]): string | undefined {
  const typed = parts(word);
  if (typed.length === 0) return undefined;
  return closest(
    word,
    candidates.filter((candidate) => {
      const own = parts(candidate);
      return typed.every((part) => own.includes(part)) || own.every((part) => typed.includes(part));
    }),
  );
}

function typo(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= Math.max(1, Math.floor(candidate.length / 3)) && (!best || distance < best.distance)) {
      best = { candidate, distance };
    }
  }
  return best?.candidate;
}

function containing(word: string, candidates: readonly string[]): string | undefined {
  // Below three letters nearly everything contains the text, which would make the hint noise.
  if (squash(word).length < 3) return undefined;
  return closest(
    word,
    candidates.filter((candidate) => squash(candidate).includes(squash(word))),
  );
}

/** Of several matches, the one nearest in length (`model` → `task-model` over `optimizer-model`). */
function closest(word: string, matches: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const match of matches) {
    if (!best || Math.abs(match.length - word.length) < Math.abs(best.length - word.length)) best = match;
  }
  return best;
}

/** Optimal-string-alignment distance: Levenshtein plus adjacent transpositions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let beforePrevious = previous;
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      // Swapped neighbours ("--prot") are one slip, not two substitutions.
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        current[j] = Math.min(current[j]!, beforePrevious[j - 2]! + 1);
      }
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length]!;
}
