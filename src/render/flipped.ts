// The examples a change flipped, folded by direction. Long texts keep their start and their end
// (escapeBlock): a worked target or output states its answer last (GSM8K's `#### 18`).
import type { FlippedExample, PromptReview } from '../review/model.js';
import { rowLabel } from '../eval/format.js';
import { codeSpan, escapeBlock, escapeInline } from './escape.js';

/** Examples listed per direction; the counts cover all of them. */
const SHOWN_EXAMPLES = 10;

const answer = (x: string | null | undefined) =>
  x === null || x === undefined ? '_none_' : codeSpan(x, { max: 80 });

/** What the scorer compared, so a reader sees why one side counted and the other did not. */
function extracted(e: FlippedExample): string {
  if (e.baseExtracted === undefined && e.headExtracted === undefined) return '';
  return ` · answers taken: base ${answer(e.baseExtracted)}, head ${answer(e.headExtracted)}`;
}

/** The judge's word on one side, under that side's output. */
const reason = (side: string, why: string | undefined) =>
  why?.trim() ? [`_Judge on ${side}:_ ${escapeInline(why, 300)}`] : [];

function example(e: FlippedExample): string {
  const output = (o: string | null) =>
    o === null ? '_(no output: the call failed)_' : escapeBlock(o, 'text', 600);
  return [
    `**${e.split}, ${rowLabel(e)}**${extracted(e)}`,
    `Input:\n\n${escapeBlock(e.input, 'text', 600)}`,
    `Target:\n\n${escapeBlock(e.target, 'text', 400)}`,
    `Base output:\n\n${output(e.baseOutput)}`,
    ...reason('base', e.baseReason),
    `Head output:\n\n${output(e.headOutput)}`,
    ...reason('head', e.headReason),
  ].join('\n\n');
}

function flippedBlock(direction: string, total: number, list: FlippedExample[]): string {
  const title = `${total} example${total === 1 ? '' : 's'} flipped ${direction}`;
  if (list.length === 0) return `${title} (not listed).`;
  const shown = list.slice(0, SHOWN_EXAMPLES);
  const more = total > shown.length ? `\n\n_Showing ${shown.length} of ${total}._` : '';
  // Blank lines around the body: GitHub only renders markdown inside <details> when separated from the tags.
  return `<details><summary>${title}</summary>\n\n${shown.map(example).join('\n\n')}${more}\n\n</details>`;
}

/** `examples`: list them (folded); otherwise only the counts. */
export function flippedLines(p: PromptReview, examples: boolean): string[] {
  // The lists are capped upstream; the paired counts are complete.
  const sum = (k: 'lost' | 'gained') => p.splits.reduce((a, s) => a + (s.paired?.[k] ?? 0), 0);
  const lost = Math.max(sum('lost'), p.flipped.lost.length);
  const gained = Math.max(sum('gained'), p.flipped.gained.length);
  if (lost + gained === 0) return [];
  if (!examples || (p.flipped.lost.length === 0 && p.flipped.gained.length === 0)) {
    return [`Flipped: ${lost} right → wrong, ${gained} wrong → right.`];
  }
  const out: string[] = [];
  if (lost > 0) out.push(flippedBlock('right → wrong', lost, p.flipped.lost));
  if (gained > 0) out.push(flippedBlock('wrong → right', gained, p.flipped.gained));
  return out;
}
