// GitHub only accepts a review comment on a line the PR diff shows (RIGHT side: context or added),
// and a multi-line comment only inside one hunk. This reads `pulls.listFiles`' `patch` to know which.

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** Lines of the new file visible in the hunk: context and added lines. */
  rightLines: Set<number>;
}

const HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * Parses the hunks of a file's patch (no `diff --git`/`---`/`+++` headers, as GitHub returns it).
 * A hunk that does not match its own header's counts is dropped with everything after it: anchoring
 * on a line GitHub does not show would fail the whole review, leaving a suggestion out only moves it
 * to the review body.
 */
export function parseHunks(patch: string | undefined | null): Hunk[] {
  if (!patch) return [];
  const lines = patch.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const hunks: Hunk[] = [];
  let i = 0;
  while (i < lines.length) {
    const m = HEADER.exec(lines[i]!);
    if (!m) return hunks;
    const hunk: Hunk = {
      oldStart: Number(m[1]),
      oldLines: m[2] === undefined ? 1 : Number(m[2]),
      newStart: Number(m[3]),
      newLines: m[4] === undefined ? 1 : Number(m[4]),
      rightLines: new Set(),
    };
    i++;
    let oldLeft = hunk.oldLines;
    let newLeft = hunk.newLines;
    let newLine = hunk.newStart;
    while (i < lines.length && (oldLeft > 0 || newLeft > 0)) {
      const line = lines[i]!;
      // Some tools strip the single space of an empty context line.
      const tag = line === '' ? ' ' : line[0];
      if (tag === ' ') {
        if (oldLeft <= 0 || newLeft <= 0) return hunks;
        hunk.rightLines.add(newLine++);
        oldLeft--;
        newLeft--;
      } else if (tag === '+') {
        if (newLeft <= 0) return hunks;
        hunk.rightLines.add(newLine++);
        newLeft--;
      } else if (tag === '-') {
        if (oldLeft <= 0) return hunks;
        oldLeft--;
      } else if (tag !== '\\') {
        return hunks;
      }
      i++;
    }
    if (oldLeft !== 0 || newLeft !== 0) return hunks;
    while (i < lines.length && lines[i]!.startsWith('\\')) i++;
    hunks.push(hunk);
  }
  return hunks;
}

/** True when every line startLine..endLine of the new file is visible in one and the same hunk. */
export function anchorable(hunks: Hunk[], startLine: number, endLine: number): boolean {
  if (!Number.isInteger(startLine) || !Number.isInteger(endLine) || startLine < 1 || endLine < startLine) {
    return false;
  }
  return hunks.some((h) => {
    for (let l = startLine; l <= endLine; l++) if (!h.rightLines.has(l)) return false;
    return true;
  });
}
