// Reading JSON out of model output that may wrap it in prose or code fences.
import { tooDeepAt } from '../core/nesting.js';

/**
 * The first parsable JSON value: the whole text, else the first balanced `{...}` that parses
 * (models wrap JSON in prose or code fences when the server ignores response_format).
 */
export function extractJson(text: string): unknown {
  // Untrusted text nested past any real object: whatever walks the value would overflow the stack.
  if (tooDeepAt(text) !== -1) return undefined;
  try {
    return JSON.parse(text.trim());
  } catch {
    // fall through to the scan
  }
  // Bounded, because the text is untrusted and every candidate start costs a scan.
  let tries = 0;
  for (let start = text.indexOf('{'); start !== -1 && tries < 64; start = text.indexOf('{', start + 1)) {
    tries += 1;
    const end = balancedEnd(text, start);
    if (end === -1) continue;
    try {
      return JSON.parse(text.slice(start, end + 1));
    } catch {
      // not JSON after all (e.g. a template or code block): try the next brace
    }
  }
  return undefined;
}

function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i += 1;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth += 1;
    else if (ch === '}' && --depth === 0) return i;
  }
  return -1;
}
