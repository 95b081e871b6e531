// The one summary comment on the pull request (found again by its hidden marker) and the job summary.
// The top reads in one screen: the run's verdict, one row per prompt, the cost. Each prompt's details
// are folded below it. Both texts must fit a hard size limit, so the details shrink in steps and whole
// sections go, never cut inside a block.
import type { ReviewReport, Suggestion } from '../review/model.js';
import { stepsChart, stepsTestLine, promptChart } from './charts.js';
import { codeSpan, escapeInline, safeLink } from './escape.js';
import { gateText } from './figures.js';
import { type Detail, promptSection } from './prompt-section.js';
import { NOT_POSTED, type SuggestionDelivery } from './suggestion-section.js';
import { priority, promptTable, runCostLine } from './top.js';
import { overallVerdict } from './verdicts.js';

export { NOT_POSTED, type SuggestionDelivery } from './suggestion-section.js';

export const MARKER = '<!-- lpo-review:summary -->';
export const SIMULATED_LINE =
  '**Simulated**: these figures come from the offline simulator, not a real model.';

/** GitHub rejects issue comments longer than 65,536 characters. */
export const COMMENT_LIMIT = 65_536;
/** The job summary's limit is 1 MiB per step, in bytes. */
export const JOB_SUMMARY_LIMIT = 1024 * 1024;

const MAX_NOTES = 20;
const MAX_NOTES_CHARS = 6000;
const CHART_MAX_PROMPTS = 6;
/** Below this the header, footer and truncation notice alone may not fit. */
const MIN_BUDGET = 4096;

interface RenderOptions {
  marker: boolean;
  budget: number;
  size: (s: string) => number;
  delivery: SuggestionDelivery;
  jobSummaryUrl?: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Verdict, notices, one row per prompt, the cost and what was compared: the part read without scrolling. */
function header(report: ReviewReport, o: RenderOptions): string {
  const lines: string[] = [];
  if (o.marker) lines.push(MARKER);
  lines.push('## LPO review', '', overallVerdict(report));
  if (report.simulated) lines.push('', `> ⚠️ ${SIMULATED_LINE}`);
  if (report.partial) {
    lines.push(
      '',
      '**Partial**: the run stopped early (deadline or fault); prompts not listed were not evaluated.',
    );
  }
  // The rows may take a quarter of the limit: a PR touching hundreds of prompts keeps room for details.
  const rows = promptTable(report, o.budget / 4, o.size);
  if (rows) lines.push('', rows);
  const shas = `base ${codeSpan(report.baseSha.slice(0, 12))} → head ${codeSpan(report.headSha.slice(0, 12))}`;
  lines.push('', runCostLine(report), '', `${shas} · ${gateText(report.gate)}`);
  return lines.join('\n');
}

function footer(report: ReviewReport): string {
  if (report.notes.length === 0) return '';
  const lines = ['---', '**Notes**', ''];
  let shown = 0;
  let chars = 0;
  for (const note of report.notes) {
    const line = `- ${escapeInline(note, 500)}`;
    // Escaping can multiply a note's length; the notes must not crowd out the prompt sections.
    if (shown >= MAX_NOTES || chars + line.length > MAX_NOTES_CHARS) break;
    lines.push(line);
    shown++;
    chars += line.length;
  }
  if (report.notes.length > shown) lines.push(`- … and ${report.notes.length - shown} more`);
  return lines.join('\n');
}

function truncationNotice(omitted: number, o: RenderOptions): string {
  const left = `… truncated: ${plural(omitted, 'prompt section')} left out`;
  // The job summary is itself the full report's place; only its own limit can cut it.
  if (!o.marker) return `${left} to fit the job summary's size limit.`;
  const link = o.jobSummaryUrl ? ` (${safeLink('job summary', o.jobSummaryUrl)})` : '';
  return `${left}; see the job summary for the full report${link}.`;
}

const join = (parts: string[]) => parts.filter((p) => p !== '').join('\n\n');

/** The per-step chart and its test line; the bar chart of the prompt's figures comes with its table. */
const chartOf = (s: Suggestion) => {
  const chart = stepsChart(s);
  return chart ? [chart, ...stepsTestLine(s)] : [];
};

function sections(report: ReviewReport, o: RenderOptions, detail: Detail): string[] {
  const charts = report.prompts.length <= CHART_MAX_PROMPTS && detail < 2;
  return report.prompts.map((p) =>
    promptSection(p, {
      gate: report.gate,
      detail,
      delivery: o.delivery,
      chart: chartOf,
      figures: charts ? promptChart(p) : '',
    }),
  );
}

function render(report: ReviewReport, o: RenderOptions): string {
  if (o.budget < MIN_BUDGET) throw new RangeError(`summary size limit ${o.budget} is below ${MIN_BUDGET}`);
  const top = header(report, o);
  const bottom = footer(report);
  for (const detail of [0, 1, 2] as Detail[]) {
    const text = join([top, ...sections(report, o, detail), bottom]);
    if (o.size(text) <= o.budget) return text;
  }
  // Whole sections only, most important first, shown in their original order.
  const all = sections(report, o, 2);
  const order = report.prompts
    .map((_, i) => i)
    .sort((a, b) => priority(report.prompts[a]!) - priority(report.prompts[b]!));
  const notice = truncationNotice(report.prompts.length, o);
  let used = o.size(join([top, bottom, notice]));
  const keep = new Set<number>();
  for (const i of order) {
    const cost = o.size(all[i]!) + 2;
    if (used + cost > o.budget) continue;
    used += cost;
    keep.add(i);
  }
  const kept = all.filter((_, i) => keep.has(i));
  const text = join([top, ...kept, truncationNotice(all.length - kept.length, o), bottom]);
  if (o.size(text) <= o.budget) return text;
  // Only the notes can still be too long (the header is bounded): drop them, never cut mid-block.
  return join([top, ...kept, truncationNotice(all.length - kept.length, o)]);
}

export interface SummaryOptions {
  /** Which suggestions are on the pull request; by default none (the text then never says "posted"). */
  delivery?: SuggestionDelivery;
}

/**
 * The PR summary comment: the marker first, at most `maxChars` UTF-16 units (GitHub counts characters;
 * UTF-16 units are never fewer). `jobSummaryUrl` is linked when sections had to be left out.
 */
export function renderSummary(
  report: ReviewReport,
  opts: SummaryOptions & { maxChars?: number; jobSummaryUrl?: string } = {},
): string {
  return render(report, {
    marker: true,
    budget: opts.maxChars ?? COMMENT_LIMIT,
    size: (s) => s.length,
    delivery: opts.delivery ?? NOT_POSTED,
    ...(opts.jobSummaryUrl ? { jobSummaryUrl: opts.jobSummaryUrl } : {}),
  });
}

/** The same report for the job summary: no marker, and its own limit counted in UTF-8 bytes. */
export function renderJobSummary(
  report: ReviewReport,
  opts: SummaryOptions & { maxBytes?: number } = {},
): string {
  return render(report, {
    marker: false,
    budget: opts.maxBytes ?? JOB_SUMMARY_LIMIT,
    size: (s) => Buffer.byteLength(s, 'utf8'),
    delivery: opts.delivery ?? NOT_POSTED,
  });
}
