// One prompt's part of the summary, at three levels of detail so the whole comment can shrink to fit
// GitHub's size limit: 0 = everything, 1 = flipped examples reduced to counts, 2 = heading, verdict, table.
import type {
  GatePolicy,
  FlippedExample,
  PromptReview,
  SplitComparison,
  Suggestion,
} from '../review/model.js';
import { failuresText } from '../eval/format.js';
import { codeSpan, escapeBlock, escapeInline } from './escape.js';
import { DASH, costLine, intervalPp, pValue, pct, rowVerdict, signedPp } from './figures.js';

export type Detail = 0 | 1 | 2;

/** Examples listed per direction; the counts cover all of them. */
const SHOWN_EXAMPLES = 10;

function statusLine(p: PromptReview): string {
  switch (p.status) {
    case 'added':
      return 'added (new prompt: no base version to compare with)';
    case 'renamed':
      return `renamed from ${codeSpan(p.previousPath ?? '?')}`;
    case 'removed':
      return 'deleted; not evaluated';
    case 'reevaluated':
      return `re-evaluated because ${escapeInline(p.reason ?? 'its inputs changed', 300)}`;
    default:
      return 'modified';
  }
}

function verdictLine(p: PromptReview): string {
  const verdict = escapeInline(p.verdict, 400);
  // The word "regression" must be there whatever the gate wrote, so a reader (or a grep) never misses it.
  if (p.regressed) return `❌ **regression**: ${verdict}`;
  switch (p.verdictKind) {
    case 'inconclusive':
    case 'could-not-evaluate':
    case 'not-evaluated':
      return `⚠️ ${verdict}`;
    default:
      return `✅ ${verdict}`;
  }
}

const showSuggestion = (s: Suggestion | undefined): s is Suggestion => !!s && !s.withheld;

function table(p: PromptReview, gate: GatePolicy): string {
  const sug = showSuggestion(p.suggestion) ? p.suggestion : undefined;
  const head = ['split', 'n', 'base', 'head', 'Δ (pp)', 'p', '95 % CI (pp)', 'verdict'];
  const align = ['---', '--:', '--:', '--:', '--:', '--:', '--:', '---'];
  if (sug) {
    head.push('suggested', 'Δ vs head (pp)');
    align.push('--:', '--:');
  }
  const rows = [head, align];
  for (const s of p.splits) rows.push(row(s, gate, sug));
  return rows.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function row(s: SplitComparison, gate: GatePolicy, sug: Suggestion | undefined): string[] {
  const side = s.head ?? s.base;
  const n = s.paired ? s.paired.n : side ? side.total - side.errors : 0;
  const cells = [
    s.split,
    String(n),
    pct(s.base?.accuracy),
    pct(s.head?.accuracy),
    s.paired && s.paired.n > 0 ? signedPp(s.paired.delta) : DASH,
    s.paired && s.paired.n > 0 ? pValue(s.paired.pValue) : DASH,
    s.paired && s.paired.n > 0 ? intervalPp(s.paired.interval) : DASH,
    rowVerdict(s.paired, gate),
  ];
  if (sug) {
    const vs = sug.vsHead[s.split];
    cells.push(pct(sug.splits[s.split]?.accuracy));
    cells.push(vs && vs.n > 0 ? `${signedPp(vs.delta)} (p ${pValue(vs.pValue)})` : DASH);
  }
  return cells;
}

/** Answers the table counts as wrong because the prompt made them unusable: the reader must see why. */
function failureLines(p: PromptReview): string[] {
  const parts: string[] = [];
  for (const s of p.splits) {
    for (const [side, summary] of [
      ['base', s.base],
      ['head', s.head],
    ] as const) {
      const text = failuresText(summary?.failures);
      if (text) parts.push(`${side} ${s.split}: ${text}`);
    }
  }
  return parts.length > 0 ? [`⚠️ Unusable answers: ${parts.join('; ')}.`] : [];
}

function budgetLine(s: Suggestion): string[] {
  if (!s.budget) return [];
  const b = s.budget;
  const tokens =
    b.maxTokens === null
      ? `${b.tokens.toLocaleString('en-US')} tokens`
      : `${b.tokens.toLocaleString('en-US')} / ${b.maxTokens.toLocaleString('en-US')} tokens`;
  return [
    `Optimizer budget: ${b.calls.toLocaleString('en-US')} / ${b.maxCalls.toLocaleString('en-US')} calls, ${tokens}.`,
  ];
}

/** A mermaid line chart of the search's best prompt per step: dev selects, test only reports. */
export function stepsChart(s: Suggestion): string {
  // Only steps with both figures: a missing value is never drawn as a number.
  const steps = (s.steps ?? []).filter((x) => x.dev !== null && x.test !== null);
  if (steps.length < 2) return '';
  const series = (k: 'dev' | 'test') => steps.map((x) => (x[k]! * 100).toFixed(1)).join(', ');
  return [
    '```mermaid',
    'xychart-beta',
    '  title "Best prompt per optimization step: dev (selects) and test (reports), %"',
    `  x-axis [${steps.map((x) => `"step ${x.step}"`).join(', ')}]`,
    '  y-axis "accuracy (%)" 0 --> 100',
    `  line [${series('dev')}]`,
    `  line [${series('test')}]`,
    '```',
  ].join('\n');
}

function suggestionLines(s: Suggestion | undefined, detail: Detail): string[] {
  if (!s) return [];
  if (s.withheld) return [`No suggestion posted: ${escapeInline(s.withheld, 400)}.`, ...budgetLine(s)];
  const out = [
    `Suggested edits (${escapeInline(s.source, 100)}) are posted as review suggestions.`,
    ...budgetLine(s),
  ];
  if (detail < 2) {
    const chart = stepsChart(s);
    if (chart) out.push(chart);
  }
  if (detail >= 2 || s.edits.length === 0) return out;
  const MAX_EDITS = 20;
  const list = s.edits.slice(0, MAX_EDITS).map((e) => {
    const reason = e.reason.trim() ? ` — ${escapeInline(e.reason, 300)}` : '';
    return `- ${codeSpan(e.old, { max: 160 })} → ${codeSpan(e.new, { max: 160 })}${reason}`;
  });
  if (s.edits.length > MAX_EDITS) list.push(`- … and ${s.edits.length - MAX_EDITS} more`);
  return [...out, list.join('\n')];
}

// Long texts keep their start and end (escapeBlock): where a worked target or output says its answer.
function example(e: FlippedExample): string {
  const output = (o: string | null) =>
    o === null ? '_(no output: the call failed)_' : escapeBlock(o, 'text', 600);
  return [
    `**${e.split}, line ${e.line}**`,
    `Input:\n\n${escapeBlock(e.input, 'text', 600)}`,
    `Target:\n\n${escapeBlock(e.target, 'text', 400)}`,
    `Base output:\n\n${output(e.baseOutput)}`,
    `Head output:\n\n${output(e.headOutput)}`,
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

function flippedLines(p: PromptReview, detail: Detail): string[] {
  // The lists are capped upstream; the paired counts are complete.
  const sum = (k: 'lost' | 'gained') => p.splits.reduce((a, s) => a + (s.paired?.[k] ?? 0), 0);
  const lost = Math.max(sum('lost'), p.flipped.lost.length);
  const gained = Math.max(sum('gained'), p.flipped.gained.length);
  if (lost + gained === 0) return [];
  if (detail >= 1 || (p.flipped.lost.length === 0 && p.flipped.gained.length === 0)) {
    return [`Flipped: ${lost} right → wrong, ${gained} wrong → right.`];
  }
  const out: string[] = [];
  if (lost > 0) out.push(flippedBlock('right → wrong', lost, p.flipped.lost));
  if (gained > 0) out.push(flippedBlock('wrong → right', gained, p.flipped.gained));
  return out;
}

export function promptSection(p: PromptReview, gate: GatePolicy, detail: Detail): string {
  const parts = [`### ${codeSpan(p.path)}`];
  if (p.status === 'removed') return [...parts, statusLine(p)].join('\n\n');
  parts.push(statusLine(p));
  if (p.error !== undefined) {
    parts.push(`⚠️ could not be evaluated: ${escapeInline(p.error, 600)}`);
  } else {
    parts.push(verdictLine(p));
    parts.push(p.splits.length > 0 ? table(p, gate) : 'No split was evaluated.');
    parts.push(...failureLines(p));
    parts.push(...suggestionLines(p.suggestion, detail));
    if (detail < 2) parts.push(...flippedLines(p, detail));
  }
  if (detail < 2) parts.push(`Cost: ${costLine(p.usage, p.wallMs)}`);
  return parts.join('\n\n');
}

/** Mermaid-safe characters only; a long file name keeps its start, the split and side always show. */
const label = (file: string, suffix: string) => {
  const safe = file.replace(/[^A-Za-z0-9 ._/-]/g, '_');
  return `${safe.length > 20 ? `${safe.slice(0, 19)}…` : safe} ${suffix}`;
};

/** A mermaid bar chart of base and head accuracy, side by side per prompt and split. */
export function accuracyChart(prompts: PromptReview[]): string {
  const names: string[] = [];
  const values: string[] = [];
  for (const p of prompts) {
    if (p.error !== undefined || p.status === 'removed') continue;
    const base = p.path.split('/').pop() ?? p.path;
    for (const s of p.splits) {
      for (const [side, summary] of [
        ['base', s.base],
        ['head', s.head],
      ] as const) {
        if (summary?.accuracy === null || summary?.accuracy === undefined) continue;
        names.push(`"${label(base, `${s.split} ${side}`)}"`);
        values.push((summary.accuracy * 100).toFixed(1));
      }
    }
  }
  if (values.length === 0) return '';
  return [
    '```mermaid',
    'xychart-beta',
    '  title "Accuracy (%), base vs head"',
    `  x-axis [${names.join(', ')}]`,
    '  y-axis "accuracy (%)" 0 --> 100',
    `  bar [${values.join(', ')}]`,
    '```',
  ].join('\n');
}
