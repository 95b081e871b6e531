// The comment's mermaid charts. GitHub draws ```mermaid blocks with mermaid 11, whose xychart-beta has
// no legend: each chart names its series' colours in its title, and an init directive sets those
// colours, so the title and the picture agree. Every chart is parsed by mermaid in the test suite.
import type { PromptReview, Suggestion } from '../review/model.js';
import { pct } from './figures.js';

/** GitHub's own palette; blue and orange stay apart for the common colour-vision deficiencies. */
export const COLOURS = {
  base: { name: 'grey', hex: '#8c959f' },
  head: { name: 'blue', hex: '#0969da' },
  suggested: { name: 'orange', hex: '#bc4c00' },
  search: { name: 'orange', hex: '#bc4c00' },
  validation: { name: 'blue', hex: '#0969da' },
} as const;

type Series = keyof typeof COLOURS;

/** Mermaid-safe characters only (no quote can end the string early); a long name keeps its start. */
export function chartLabel(text: string, max = 24): string {
  const safe = text.replace(/[^A-Za-z0-9 ._/+-]/g, '_');
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
}

/**
 * The init directive: series colours in series order, and a compact size. Bar charts hide the value
 * axis's numbers: mermaid pads that axis by half a number's width, so a zero bar would still show, and
 * its own value labels are taken from the first series for every series; each bar's label says its value.
 */
function directive(series: Series[], barCount?: number): string {
  const xyChart: Record<string, unknown> =
    barCount === undefined
      ? { height: 300, titleFontSize: 16 }
      : { height: 70 + 30 * barCount, titleFontSize: 16, yAxis: { showLabel: false, showTick: false } };
  const config = {
    xyChart,
    themeVariables: { xyChart: { plotColorPalette: series.map((s) => COLOURS[s].hex).join(', ') } },
  };
  return `%%{init: ${JSON.stringify(config)}}%%`;
}

const legend = (series: Series[]) => series.map((s) => `${s} ${COLOURS[s].name}`).join(', ');
const percentValue = (x: number) => (x * 100).toFixed(1);

/**
 * One prompt's accuracy per split, base, head and the suggestion as horizontal bars of their own colour,
 * each labelled with its value. Mermaid draws every bar series at the same positions, so each side owns
 * its own rows and is zero (no bar) at the others'. Empty when nothing was scored.
 */
export function promptChart(p: PromptReview): string {
  if (p.error !== undefined || p.status === 'removed') return '';
  const sug = p.suggestion && !p.suggestion.withheld ? p.suggestion : undefined;
  const sides = ['base', 'head', 'suggested'] as const;
  const categories: { label: string; side: (typeof sides)[number]; value: number }[] = [];
  for (const s of p.splits) {
    const values = {
      base: s.base?.accuracy,
      head: s.head?.accuracy,
      suggested: sug?.splits[s.split]?.accuracy,
    };
    for (const side of sides) {
      const value = values[side];
      if (typeof value === 'number')
        categories.push({ label: `${s.split} ${side} ${pct(value)}`, side, value });
    }
  }
  const present = sides.filter((side) => categories.some((c) => c.side === side));
  if (present.length === 0) return '';
  const name = chartLabel(p.path.split('/').pop() ?? p.path);
  const bars = present.map(
    (side) => `  bar [${categories.map((c) => (c.side === side ? percentValue(c.value) : '0')).join(', ')}]`,
  );
  return [
    '```mermaid',
    directive(present, categories.length),
    'xychart-beta horizontal',
    `  title "${name}, accuracy %: ${legend(present)}"`,
    `  x-axis [${categories.map((c) => `"${c.label}"`).join(', ')}]`,
    '  y-axis "accuracy (%), 0 to 100" 0 --> 100',
    ...bars,
    '```',
  ].join('\n');
}

/**
 * A mermaid line chart of the search's best prompt per step: search accuracy (what the optimizer saw)
 * and validation accuracy (what it never saw) side by side, so a widening gap shows overfitting.
 * Test was scored for the head and the final prompt only, so it is a sentence under the chart.
 */
export function stepsChart(s: Suggestion): string {
  // Only steps with both figures: a missing value is never drawn as a number.
  const steps = (s.steps ?? []).filter((x) => x.search !== null && x.validation !== null);
  if (steps.length < 2) return '';
  const lines = ['search', 'validation'] as const;
  const series = (k: 'search' | 'validation') => steps.map((x) => percentValue(x[k]!)).join(', ');
  // Where the lines meet, the second hides the first: the title gives both final figures.
  const last = steps.at(-1)!;
  return [
    '```mermaid',
    directive([...lines]),
    'xychart-beta',
    `  title "Per step, accuracy %: ${lines.map((k) => `${legend([k])} (last ${percentValue(last[k]!)})`).join(', ')}"`,
    `  x-axis "optimizer step" [${steps.map((x) => `"${x.step}"`).join(', ')}]`,
    '  y-axis "accuracy (%)" 0 --> 100',
    `  line [${series('search')}]`,
    `  line [${series('validation')}]`,
    '```',
  ].join('\n');
}

/** Test accuracy of the head and the final prompt, the only two prompts scored on test. */
export function stepsTestLine(s: Suggestion): string[] {
  const steps = s.steps ?? [];
  const head = steps.find((x) => x.step === 0)?.test;
  const last = steps.at(-1);
  const final = last && last.step !== 0 ? last.test : undefined;
  if (typeof head !== 'number' || typeof final !== 'number') return [];
  return [
    `Test (scored for these two prompts only, never used to choose): head ${pct(head)}, final ${pct(final)}.`,
  ];
}
