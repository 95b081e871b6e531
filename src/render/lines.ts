// A text file as GitHub numbers it: lines split at LF (a CR before it belongs to the line ending),
// plus the file's line ending and whether it ends with one. Suggestions are applied on this model.

export interface TextLines {
  /** Line contents, without their line endings. */
  lines: string[];
  /** Each line's own ending ('' for a last line without one). */
  ends: string[];
  /** The ending new lines get: the file's first line ending, LF for a one-line file. */
  eol: '\n' | '\r\n';
  finalNewline: boolean;
}

export function splitLines(text: string): TextLines {
  const lines: string[] = [];
  const ends: string[] = [];
  const re = /\r?\n/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    lines.push(text.slice(last, m.index));
    ends.push(m[0]);
    last = m.index + m[0].length;
  }
  const finalNewline = text.length > 0 && last === text.length;
  if (last < text.length) {
    lines.push(text.slice(last));
    ends.push('');
  }
  const eol = ends[0] === '\r\n' ? '\r\n' : '\n';
  return { lines, ends, eol, finalNewline };
}

/**
 * The lines of the first ```suggestion block in a comment body, or null when there is none. CRs
 * before LFs are dropped: the applied lines take the file's own line ending.
 */
export function parseSuggestion(body: string): string[] | null {
  const lines = body.split('\n').map((l) => l.replace(/\r$/, ''));
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,})\s*suggestion\s*$/.exec(lines[i]!);
    if (!open) continue;
    const ticks = open[1]!.length;
    const content: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const close = /^ {0,3}(`{3,})\s*$/.exec(lines[j]!);
      if (close && close[1]!.length >= ticks) return content;
      content.push(lines[j]!);
    }
    return content;
  }
  return null;
}
