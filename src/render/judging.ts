// The model-graded parts of a prompt's section: the side-by-side verdict (compare: pairwise), how far
// the judge agrees with people on the labelled rows, and the examples the judge gave to one side.
import { rowLabel } from '../eval/format.js';
import type { Calibration, PairExample, PairwiseReport } from '../review/judging.js';
import type { PromptReview } from '../review/model.js';
import { codeSpan, escapeBlock, escapeInline } from './escape.js';
import { pct, pText } from './figures.js';

const num = (x: number) => x.toFixed(2);

function pairwiseLine(s: PairwiseReport): string {
  const errors =
    s.errors > 0 ? `, ${s.errors} not judged (${escapeInline(s.error ?? 'judge failed', 200)})` : '';
  const rate =
    s.winRate === null
      ? 'every judged pair tied, so no preference'
      : `head's win rate over decided pairs ${pct(s.winRate)} [${pct(s.interval?.[0])}, ${pct(s.interval?.[1])}], ${pText(s.pValue)}`;
  return (
    `**Side by side** (judge ${codeSpan(s.model)}, each test pair shown in both orders; a preference that ` +
    `follows the order is a tie): head better on ${s.wins}, base on ${s.losses}, tied ${s.ties} of ${s.n}${errors}; ` +
    `${rate}. The gate decided on this.`
  );
}

function calibrationLine(c: Calibration): string {
  const a = c.agreement;
  const errors =
    c.errors > 0 ? ` (${c.errors} not graded: ${escapeInline(c.error ?? 'judge failed', 200)})` : '';
  const kappa =
    a.kappa === null
      ? 'κ undefined'
      : `Cohen's κ ${num(a.kappa)}${a.interval ? ` [${num(a.interval[0])}, ${num(a.interval[1])}]` : ''}`;
  const figures =
    a.n > 0 ? `agreement ${pct(a.accuracy)}, ${kappa} on ${a.n}` : `none of ${c.labelled} graded`;
  const head = `**Judge vs people** (judge ${codeSpan(c.model)}, ${c.scale}, on the labelled rows' stored answers): ${figures} of ${c.labelled} labelled rows${errors}`;
  switch (c.trust.status) {
    case 'trusted':
      return `✅ ${head}; at least min-judge-agreement ${c.minJudgeAgreement}, so the gate uses the judge.`;
    case 'untrusted':
      return `⚠️ ${head}; not trusted (${escapeInline(c.trust.why, 300)}), so the gate does not use its grades.`;
    default:
      return `⚠️ **Judge vs people**: no test or dev row carries a person's label (label: and labelled-output: in the config), so nothing shows that judge ${codeSpan(c.model)} grades as people would.`;
  }
}

function pairExample(e: PairExample): string {
  return [
    `**test, ${rowLabel(e)}** · _judge:_ ${escapeInline(e.reason || '(no reason given)', 300)}`,
    `Input:\n\n${escapeBlock(e.input, 'text', 400)}`,
    `Base output:\n\n${escapeBlock(e.baseOutput, 'text', 500)}`,
    `Head output:\n\n${escapeBlock(e.headOutput, 'text', 500)}`,
  ].join('\n\n');
}

function pairBlock(side: string, total: number, list: PairExample[]): string[] {
  if (total === 0) return [];
  const title = `${total} test example${total === 1 ? '' : 's'} the judge gave to ${side}`;
  if (list.length === 0) return [`${title} (not listed).`];
  const more = total > list.length ? `\n\n_Showing ${list.length} of ${total}._` : '';
  return [
    `<details><summary>${title}</summary>\n\n${list.map(pairExample).join('\n\n')}${more}\n\n</details>`,
  ];
}

/** `examples`: list the judged pairs (folded); otherwise only the figures. */
export function judgingLines(p: PromptReview, examples: boolean): string[] {
  const out: string[] = [];
  if (p.pairwise) out.push(pairwiseLine(p.pairwise));
  if (p.judge) out.push(calibrationLine(p.judge));
  if (examples && p.pairwise) {
    out.push(...pairBlock('base', p.pairwise.losses, p.pairwise.lost));
    out.push(...pairBlock('head', p.pairwise.wins, p.pairwise.gained));
  }
  return out;
}
