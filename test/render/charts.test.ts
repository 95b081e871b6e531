// @vitest-environment jsdom
// The comment's charts, read the way GitHub reads them: every chart goes through mermaid's own parser
// (it needs a DOM, hence jsdom), and the figures, series and colours are checked against the data.
import mermaid from 'mermaid';
import { describe, expect, it } from 'vitest';
import { comparePaired, wilsonInterval } from '../../src/eval/stats.js';
import { COLOURS, promptChart, stepsChart, stepsTestLine } from '../../src/render/charts.js';
import { renderJobSummary, renderSummary } from '../../src/render/comment.js';
import type {
  PromptReview,
  ReviewReport,
  SplitComparison,
  Suggestion,
  SuggestionStep,
} from '../../src/review/model.js';

const usage = { calls: 10, cacheHits: 0, promptTokens: 100, completionTokens: 10, failedCalls: 0 };
const summary = (correct: number, total: number) => ({
  total,
  correct,
  errors: 0,
  accuracy: correct / total,
  interval: wilsonInterval(correct, total),
});

function split(name: 'dev' | 'test', n: number, baseRight: number, headRight: number): SplitComparison {
  const base = Array.from({ length: n }, (_, i) => i < baseRight);
  const head = Array.from({ length: n }, (_, i) => i < headRight);
  return {
    split: name,
    base: summary(baseRight, n),
    head: summary(headRight, n),
    paired: comparePaired(base, head),
  };
}

const STEPS: SuggestionStep[] = [
  { step: 0, search: 0.3, validation: 0.32, test: 0.35 },
  { step: 1, search: 0.5, validation: 0.41 },
  { step: 2, search: 0.625, validation: 0.4 },
  { step: 3, search: 0.7, validation: 0.44, test: 0.42 },
];

function suggestion(steps: SuggestionStep[] = STEPS, over: Partial<Suggestion> = {}): Suggestion {
  return {
    fileText: 'x',
    source: 'LPO, apo, local mode',
    splits: { dev: summary(30, 40), test: summary(55, 80) },
    vsHead: {},
    edits: [],
    steps,
    ...over,
  };
}

function prompt(path: string, over: Partial<PromptReview> = {}): PromptReview {
  return {
    path,
    state: 'evaluated',
    status: 'modified',
    splits: [split('dev', 40, 28, 20), split('test', 80, 59, 41)],
    regressed: true,
    verdict: 'significant regression on test',
    verdictKind: 'regression',
    flipped: { lost: [], gained: [] },
    suggestion: suggestion(),
    usage,
    wallMs: 0,
    ...over,
  };
}

function report(prompts: PromptReview[]): ReviewReport {
  const gate = { failOn: 'significant-regression', minDelta: 2, minDetectableDrop: 2, alpha: 0.05 } as const;
  return {
    ...({ version: 1, kind: 'review', simulated: true, partial: false } as const),
    baseSha: 'a'.repeat(40),
    headSha: 'b'.repeat(40),
    gate: { ...gate, failOnInconclusive: false },
    prompts,
    notes: [],
    regressed: true,
    usage,
    wallMs: 1000,
  };
}

/** The body of every ```mermaid block in a markdown text. */
const mermaidBlocks = (markdown: string) =>
  [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]!);

/** The bracketed lists after `keyword` in a chart, as trimmed strings. */
function lists(chart: string, keyword: string): string[][] {
  return chart
    .split('\n')
    .filter((l) => l.trim().startsWith(keyword))
    .map((l) =>
      /\[(.*)\]/
        .exec(l)![1]!
        .split(',')
        .map((x) => x.trim()),
    );
}

/** mermaid's verdict and the colours its init directive set (none when the directive did not parse). */
async function parse(chart: string): Promise<{ type: string; palette: string[] }> {
  const result = await mermaid.parse(chart);
  if (!result) throw new Error('mermaid.parse returned false');
  const theme = (result.config as { themeVariables?: { xyChart?: { plotColorPalette?: string } } })
    .themeVariables;
  return {
    type: result.diagramType,
    palette: (theme?.xyChart?.plotColorPalette ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean),
  };
}

const TWO = [prompt('prompts/math.txt'), prompt('prompts/boolean.prompt.yml', { suggestion: undefined })];

describe('every chart passes mermaid 11 parser', () => {
  it('parses each chart the comment and the job summary carry, with the colours it names', async () => {
    const texts = [renderSummary(report(TWO)), renderJobSummary(report(TWO))];
    const charts = texts.flatMap(mermaidBlocks);
    // Two prompt charts and one per-step chart at least, wherever the layout puts them.
    expect(charts.length).toBeGreaterThanOrEqual(3);
    for (const chart of charts) {
      const { type, palette } = await parse(chart);
      expect(type).toBe('xychart');
      const series = chart.split('\n').filter((l) => /^\s+(bar|line) \[/.test(l));
      expect(palette).toHaveLength(series.length);
      expect(new Set(palette).size).toBe(palette.length);
    }
  });

  it('rejects a broken chart, so a passing parse means something', async () => {
    const chart = mermaidBlocks(stepsChart(suggestion()))[0]!;
    await expect(parse(chart)).resolves.toMatchObject({ type: 'xychart' });
    await expect(parse(chart.replace(/\]\n(\s+line)/, '\n$1'))).rejects.toThrow(/Parse error/);
  });

  it('keeps a hostile file name from breaking the chart', async () => {
    const chart = mermaidBlocks(promptChart(prompt('prompts/a"] bar [9"\n%%{init}.txt')))[0]!;
    await expect(parse(chart)).resolves.toMatchObject({ type: 'xychart' });
    expect(chart.split('\n').filter((l) => l.trim().startsWith('bar ['))).toHaveLength(3);
  });
});

describe('promptChart', () => {
  it('draws base, head and the suggestion per split in their own colour, each bar labelled with its value', async () => {
    const p = prompt('prompts/math.txt');
    const chart = mermaidBlocks(promptChart(p))[0]!;
    const expected = {
      base: p.splits.map((s) => s.base!.accuracy!),
      head: p.splits.map((s) => s.head!.accuracy!),
      suggested: p.splits.map((s) => p.suggestion!.splits[s.split]!.accuracy!),
    };
    const sides = ['base', 'head', 'suggested'] as const;
    const [labels] = lists(chart, 'x-axis');
    expect(labels).toEqual(
      p.splits.flatMap((s, i) =>
        sides.map((side) => `"${s.split} ${side} ${(expected[side][i]! * 100).toFixed(1)} %"`),
      ),
    );
    const bars = lists(chart, 'bar');
    expect(bars).toHaveLength(3);
    sides.forEach((side, i) => {
      // Each series has a bar only in its own rows (every third one), zero elsewhere.
      expect(bars[i]!.filter((_, j) => j % 3 === i)).toEqual(expected[side].map((x) => (x * 100).toFixed(1)));
      expect(bars[i]!.filter((_, j) => j % 3 !== i).every((v) => v === '0')).toBe(true);
      expect(chart).toContain(`${side} ${COLOURS[side].name}`);
    });
    expect((await parse(chart)).palette).toEqual([COLOURS.base.hex, COLOURS.head.hex, COLOURS.suggested.hex]);
    // Mermaid's own value labels repeat the first series' values on every series: never switched on.
    expect(chart).not.toContain('showDataLabel');
  });

  it('leaves out what was not scored: no suggestion, no base for a new prompt, nothing for an error', () => {
    const noSug = promptChart(prompt('p.txt', { suggestion: suggestion(STEPS, { withheld: 'no gain' }) }));
    expect(lists(noSug, 'bar')).toHaveLength(2);
    expect(noSug).not.toContain('suggested');
    const added = prompt('p.txt', { status: 'added', suggestion: undefined });
    added.splits = added.splits.map((s) => ({ ...s, base: null, paired: null }));
    expect(lists(promptChart(added), 'x-axis')[0]).toEqual(
      added.splits.map((s) => `"${s.split} head ${(s.head!.accuracy! * 100).toFixed(1)} %"`),
    );
    expect(promptChart(prompt('p.txt', { error: 'boom' }))).toBe('');
  });

  it('keeps the start of a long file name in the title', () => {
    const chart = promptChart(prompt('prompts/a-very-long-classifier-name-for-tickets.prompt.yml'));
    expect(chart).toMatch(/title "a-very-long-classifier-…, accuracy %/);
  });
});

describe('stepsChart', () => {
  it('is a search line and a validation line, one point per step, in the colours its title names', async () => {
    const chart = mermaidBlocks(stepsChart(suggestion()))[0]!;
    expect(lists(chart, 'x-axis')[0]).toEqual(STEPS.map((s) => `"${s.step}"`));
    expect(lists(chart, 'line')).toEqual([
      STEPS.map((s) => (s.search! * 100).toFixed(1)),
      STEPS.map((s) => (s.validation! * 100).toFixed(1)),
    ]);
    const last = STEPS.at(-1)!;
    expect(chart).toContain(
      `search ${COLOURS.search.name} (last ${(last.search! * 100).toFixed(1)}), validation ${COLOURS.validation.name} (last ${(last.validation! * 100).toFixed(1)})`,
    );
    expect((await parse(chart)).palette).toEqual([COLOURS.search.hex, COLOURS.validation.hex]);
    // Test is not a series: it was scored for two prompts, not per step.
    for (const s of STEPS.filter((x) => x.test !== undefined))
      expect(lists(chart, 'line').flat()).not.toContain((s.test! * 100).toFixed(1));
  });

  it('leaves out a step with a missing figure rather than drawing a number for it', () => {
    const steps = [...STEPS.slice(0, 2), { step: 2, search: 0.6, validation: null }, STEPS[3]!];
    const chart = stepsChart(suggestion(steps));
    expect(lists(chart, 'x-axis')[0]).toEqual(['"0"', '"1"', '"3"']);
    for (const series of lists(chart, 'line')) expect(series).toHaveLength(3);
    expect(stepsChart(suggestion(STEPS.slice(0, 1)))).toBe('');
  });

  it('says test of the head and the final prompt in one sentence under the chart', () => {
    const [line] = stepsTestLine(suggestion());
    expect(line).toContain('head 35.0 %');
    expect(line).toContain('final 42.0 %');
    expect(stepsTestLine(suggestion(STEPS.slice(0, 3)))).toEqual([]);
  });
});
