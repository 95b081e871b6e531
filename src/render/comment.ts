// The one summary comment on the pull request (found again by its hidden marker) and the job summary.
// Both must fit a hard size limit, so the text shrinks in steps and is never cut inside a block.
import type { PromptReview, ReviewReport } from '../review/model.js';
import { inconclusiveFails } from '../review/outcome.js';
import { codeSpan, escapeInline, safeLink } from './escape.js';
import { costLine, gateText } from './figures.js';
import { type Detail, accuracyChart, promptSection } from './sections.js';

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
  jobSummaryUrl?: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function overallVerdict(report: ReviewReport): string {
  const regressed = report.prompts.filter((p) => p.regressed && p.error === undefined).length;
  const errored = report.prompts.filter((p) => p.error !== undefined).length;
  const evaluated = report.prompts.filter((p) => p.status !== 'removed' && p.error === undefined).length;
  if (regressed > 0) return `❌ **${plural(regressed, 'prompt')} regressed**`;
  if (report.regressed) return '❌ **regression** (see the gate below)';
  if (evaluated === 0 && (errored > 0 || report.partial)) return '⚠️ **evaluation could not run**';
  const unsure = report.prompts.filter(
    (p) => p.verdictKind === 'inconclusive' && p.error === undefined,
  ).length;
  if (unsure > 0) {
    const effect = inconclusiveFails(report.gate)
      ? 'the check fails (fail-on-inconclusive)'
      : 'not failing the check';
    const failed = errored > 0 ? `; ${plural(errored, 'prompt')} could not be evaluated` : '';
    return `⚠️ **inconclusive**: ${plural(unsure, 'prompt')} with too little test data to detect a ${report.gate.minDetectableDrop} pp drop; ${effect}${failed}`;
  }
  if (errored > 0) {
    return `⚠️ **no regression among the evaluated prompts**; ${plural(errored, 'prompt')} could not be evaluated`;
  }
  if (evaluated === 0) return '✅ **no regression**: no prompt needed evaluating';
  return `✅ **no regression** (${plural(evaluated, 'prompt')} evaluated)`;
}

function header(report: ReviewReport, marker: boolean): string {
  const lines: string[] = [];
  if (marker) lines.push(MARKER);
  lines.push('## LPO review', '', overallVerdict(report));
  if (report.simulated) lines.push('', `> ⚠️ ${SIMULATED_LINE}`);
  if (report.partial) {
    lines.push(
      '',
      '**Partial**: the run stopped early (deadline or fault); prompts not listed were not evaluated.',
    );
  }
  const shas = `base ${codeSpan(report.baseSha.slice(0, 12))} → head ${codeSpan(report.headSha.slice(0, 12))}`;
  lines.push('', `${shas} · ${gateText(report.gate)}`);
  return lines.join('\n');
}

function footer(report: ReviewReport): string {
  const lines = ['---', `Total cost: ${costLine(report.usage, report.wallMs)}`];
  if (report.notes.length > 0) {
    lines.push('', '**Notes**', '');
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
  }
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

/** Regressions and failures are what a reader must see, so they are the last to be cut. */
const priority = (p: PromptReview) =>
  p.regressed
    ? 0
    : p.error !== undefined || p.verdictKind === 'inconclusive'
      ? 1
      : p.status === 'removed'
        ? 3
        : 2;

function render(report: ReviewReport, o: RenderOptions): string {
  if (o.budget < MIN_BUDGET) throw new RangeError(`summary size limit ${o.budget} is below ${MIN_BUDGET}`);
  const top = header(report, o.marker);
  const chart = report.prompts.length <= CHART_MAX_PROMPTS ? accuracyChart(report.prompts) : '';
  const bottom = footer(report);
  for (const detail of [0, 1, 2] as Detail[]) {
    const sections = report.prompts.map((p) => promptSection(p, report.gate, detail));
    const text = join([top, detail < 2 ? chart : '', ...sections, bottom]);
    if (o.size(text) <= o.budget) return text;
  }
  // Whole sections only, most important first, shown in their original order.
  const sections = report.prompts.map((p) => promptSection(p, report.gate, 2));
  const order = report.prompts
    .map((_, i) => i)
    .sort((a, b) => priority(report.prompts[a]!) - priority(report.prompts[b]!));
  const notice = truncationNotice(report.prompts.length, o);
  let used = o.size(join([top, bottom, notice]));
  const keep = new Set<number>();
  for (const i of order) {
    const cost = o.size(sections[i]!) + 2;
    if (used + cost > o.budget) continue;
    used += cost;
    keep.add(i);
  }
  const kept = sections.filter((_, i) => keep.has(i));
  const text = join([top, ...kept, truncationNotice(sections.length - kept.length, o), bottom]);
  if (o.size(text) <= o.budget) return text;
  // Only the notes can still be too long (the header is bounded): drop them, never cut mid-block.
  return join([top, ...kept, truncationNotice(sections.length - kept.length, o)]);
}

/**
 * The PR summary comment: the marker first, at most `maxChars` UTF-16 units (GitHub counts characters;
 * UTF-16 units are never fewer). `jobSummaryUrl` is linked when sections had to be left out.
 */
export function renderSummary(
  report: ReviewReport,
  opts: { maxChars?: number; jobSummaryUrl?: string } = {},
): string {
  return render(report, {
    marker: true,
    budget: opts.maxChars ?? COMMENT_LIMIT,
    size: (s) => s.length,
    ...(opts.jobSummaryUrl ? { jobSummaryUrl: opts.jobSummaryUrl } : {}),
  });
}

/** The same report for the job summary: no marker, and its own limit counted in UTF-8 bytes. */
export function renderJobSummary(report: ReviewReport, opts: { maxBytes?: number } = {}): string {
  return render(report, {
    marker: false,
    budget: opts.maxBytes ?? JOB_SUMMARY_LIMIT,
    size: (s) => Buffer.byteLength(s, 'utf8'),
  });
}
