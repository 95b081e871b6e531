// JSON.parse takes any depth, but what later walks the value (JSON.stringify, comparisons, the SDK
// serialising a request) recurses and overflows the stack somewhere past a few thousand levels. A
// dataset row or a schema nested that deep is never meant; it is refused up front, by a linear scan
// of the text, as the input error it is.

/** Far beyond any real row or schema, far below where recursion overflows. */
export const MAX_JSON_DEPTH = 100;

/**
 * Offset of the first `[` or `{` nested deeper than `limit` in JSON text, or -1. Strings are skipped,
 * so brackets inside them do not count; the text need not be valid (JSON.parse judges that).
 */
export function tooDeepAt(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: to its closing quote, past escapes.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

/** The reason to show for text that tooDeepAt refused. */
export function tooDeepReason(limit = MAX_JSON_DEPTH): string {
  return `JSON nested deeper than ${limit} levels (arrays and objects inside each other); no row or schema needs that`;
}
