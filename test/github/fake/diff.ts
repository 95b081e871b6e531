// How GitHub anchors review comments: `line` (and `start_line`) are file line numbers on one side
// of the diff, and must fall inside a hunk of the file's patch; a multi-line range must stay in one hunk.

export type Side = 'LEFT' | 'RIGHT';

export interface Hunk {
  header: string;
  /** Patch lines of this hunk (without the header), with their line numbers per side. */
  lines: { text: string; left: number | null; right: number | null }[];
}

const HUNK_HEADER = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

export function parseHunks(patch: string): Hunk[] {
  const hunks: Hunk[] = [];
  let current: Hunk | null = null;
  let left = 0;
  let right = 0;
  // A patch ending in "\n" would otherwise yield a trailing "" that is not a context line.
  for (const text of patch.replace(/\n$/, '').split('\n')) {
    const header = HUNK_HEADER.exec(text);
    if (header) {
      current = { header: text, lines: [] };
      hunks.push(current);
      left = Number(header[1]);
      right = Number(header[2]);
      continue;
    }
    if (!current || text.startsWith('\\')) continue; // "\ No newline at end of file"
    if (text.startsWith('+')) current.lines.push({ text, left: null, right: right++ });
    else if (text.startsWith('-')) current.lines.push({ text, left: left++, right: null });
    else if (text.startsWith(' ') || text === '') current.lines.push({ text, left: left++, right: right++ });
  }
  return hunks;
}

function hunkIndexOf(hunks: Hunk[], line: number, side: Side): number {
  return hunks.findIndex((h) => h.lines.some((l) => (side === 'RIGHT' ? l.right : l.left) === line));
}

export interface AnchorRequest {
  line?: number;
  side?: string;
  start_line?: number;
  start_side?: string;
}

/** Returns GitHub's error strings for an anchor that does not resolve, or the diff hunk GitHub stores with it. */
export function resolveAnchor(
  patch: string | undefined,
  anchor: AnchorRequest,
): { errors: string[] } | { diffHunk: string } {
  const side = anchor.side ?? 'RIGHT';
  const startSide = anchor.start_side ?? side;
  if ((side !== 'LEFT' && side !== 'RIGHT') || (startSide !== 'LEFT' && startSide !== 'RIGHT')) {
    return { errors: ['Side is not included in the list'] };
  }
  if (anchor.line === undefined) return { errors: ['Line could not be resolved'] };
  const hunks = patch ? parseHunks(patch) : [];
  const end = hunkIndexOf(hunks, anchor.line, side);
  if (end < 0) return { errors: ['Line could not be resolved'] };
  if (anchor.start_line !== undefined) {
    if (startSide === side && anchor.start_line >= anchor.line) {
      return { errors: ['Pull request review thread start line must precede the end line.'] };
    }
    const start = hunkIndexOf(hunks, anchor.start_line, startSide);
    if (start < 0) return { errors: ['Start line could not be resolved'] };
    if (start !== end) {
      return { errors: ['Pull request review thread start line must be part of the same hunk as the line.'] };
    }
  }
  const hunk = hunks[end]!;
  const at = hunk.lines.findIndex((l) => (side === 'RIGHT' ? l.right : l.left) === anchor.line);
  return { diffHunk: [hunk.header, ...hunk.lines.slice(0, at + 1).map((l) => l.text)].join('\n') };
}
