// Property tests of the renderers on arbitrary hostile text, in-process and fast: every place content
// reaches a comment (paths, inputs, targets, outputs, edit spans and reasons, notes, errors) is fed
// strings drawn from the characters that break markdown, and suggestions are applied back.
import { addedFilePatch, applySuggestions } from '../helpers/github-behaviour.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comparePaired, wilsonInterval } from '../../src/eval/stats.js';
import { COMMENT_LIMIT, MARKER, renderJobSummary, renderSummary } from '../../src/render/comment.js';
import { splitLines } from '../../src/render/lines.js';
import type { PromptReview, ReviewReport } from '../../src/review/model.js';
import { planReview } from '../../src/render/plan.js';
import { REVIEW_MARKER } from '../../src/render/review-body.js';
import { buildSuggestions } from '../../src/render/suggestions.js';
import { BOM, HOSTILE_BLOCK, HOSTILE_LINE } from './content.js';
import { checkMarkdown } from './markdown.js';
import { report as reviewReport } from '../render/fixtures.js';

const PIECES = [
  '`',
  '```',
  '````',
  '~~~',
  '<',
  '>',
  '</details>',
  '<details>',
  '<summary>',
  '<img src=x onerror=y>',
  '<script>',
  '@',
  '@octocat',
  '@org/team',
  '<!--',
  '-->',
  MARKER,
  REVIEW_MARKER,
  '|',
  '\\',
  '#1',
  '#',
  '1',
  'GH-',
  'o/r#2',
  'https://github.com/o/r/issues/1',
  'http://',
  'www.',
  '/pull/',
  '\u2028',
  '\u2029',
  '\u200F',
  '\u061C',
  '\u2067',
  '*',
  '_',
  '[',
  ']',
  '(',
  ')',
  '\n',
  '\r\n',
  '\r',
  '\t',
  ' ',
  '  ',
  'a',
  'word',
  BOM,
  '\uFFFD',
  '\u0000',
  '\u202E',
  '\uD800',
  'é',
  '😀',
  '- ',
  '1. ',
  '> ',
  '=',
];
const hostile = (max = 40) => fc.array(fc.constantFrom(...PIECES), { maxLength: max }).map((a) => a.join(''));
const big = fc.constantFrom('', HOSTILE_BLOCK.repeat(20_000), `${HOSTILE_LINE} `.repeat(8000));
/** One huge line: a diff over many thousand lines would test the diff library's speed, not the body. */
const bigLine = fc.constantFrom('', `${HOSTILE_LINE} `.repeat(8000));

const summary = (correct: number, total: number) => ({
  total,
  correct,
  errors: 0,
  accuracy: correct / total,
  interval: wilsonInterval(correct, total),
});

function review(t: {
  path: string;
  text: string;
  huge: string;
  status: PromptReview['status'];
  error: boolean;
}): PromptReview {
  const paired = comparePaired([true, true, true, false], [false, true, false, true]);
  const flip = {
    split: 'test' as const,
    line: 3,
    input: t.text + t.huge,
    target: t.text,
    baseOutput: t.huge,
    headOutput: t.text,
  };
  return {
    path: t.path,
    state: 'evaluated',
    previousPath: t.text,
    status: t.status,
    reason: t.text,
    splits: [{ split: 'test', base: summary(3, 4), head: summary(2, 4), paired }],
    regressed: !t.error,
    verdict: t.text,
    verdictKind: t.error ? 'could-not-evaluate' : 'regression',
    flipped: { lost: [flip, flip], gained: [flip] },
    suggestion: {
      fileText: t.text,
      source: t.text,
      splits: { test: summary(4, 4) },
      vsHead: {},
      edits: [{ old: t.text, new: t.huge, reason: t.text + t.huge }],
      steps: [
        { step: 0, search: 0.5, validation: 0.5, test: 0.5 },
        { step: 1, search: 0.75, validation: 0.75, test: 0.75 },
      ],
    },
    ...(t.error ? { error: t.text + t.huge } : {}),
    usage: { calls: 1, cacheHits: 0, promptTokens: 1, completionTokens: 1, failedCalls: 0 },
    wallMs: 1,
  };
}

const prompts = fc.array(
  fc.record({
    path: hostile(12),
    text: hostile(),
    huge: big,
    status: fc.constantFrom<PromptReview['status']>('modified', 'added', 'renamed', 'reevaluated', 'removed'),
    error: fc.boolean(),
  }),
  { minLength: 1, maxLength: 8 },
);

function report(list: PromptReview[], notes: string[]): ReviewReport {
  const usage = { calls: 1, cacheHits: 0, promptTokens: 1, completionTokens: 1, failedCalls: 0 };
  return reviewReport(list, { simulated: true, notes, usage, wallMs: 1 });
}

describe('renderers on hostile text', () => {
  it('the summary comment and the job summary stay well-formed and within their limits', () => {
    fc.assert(
      fc.property(prompts, fc.array(hostile(), { maxLength: 5 }), (list, notes) => {
        const r = report(list.map(review), notes);
        const comment = renderSummary(r, { jobSummaryUrl: 'https://github.com/o/r/actions/runs/1' });
        expect(comment.length).toBeLessThanOrEqual(COMMENT_LIMIT);
        expect(checkMarkdown(comment, { marker: MARKER }).problems).toEqual([]);
        const job = renderJobSummary(r);
        expect(checkMarkdown(job).problems).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  // Lines without line breaks; the file's own line ending and BOM are drawn separately.
  const line = hostile(8).map((s) => s.replace(/[\r\n]/g, ''));
  const file = fc.record({
    head: fc.array(line, { minLength: 1, maxLength: 12 }),
    sugg: fc.array(line, { minLength: 1, maxLength: 12 }),
    eol: fc.constantFrom('\n', '\r\n'),
    bom: fc.boolean(),
  });

  it('inline suggestions are well-formed and committing them gives the suggested file', () => {
    fc.assert(
      fc.property(file, ({ head, sugg, eol, bom }) => {
        const headText = `${bom ? BOM : ''}${head.join(eol)}${eol}`;
        const suggestedText = `${bom ? BOM : ''}${sugg.join(eol)}${eol}`;
        const built = buildSuggestions({
          path: 'prompts/p.txt',
          headText,
          suggestedText,
          patch: addedFilePatch(headText),
          edits: [{ old: head[0]!, new: sugg[0]!, reason: HOSTILE_LINE }],
          maxComments: 1000,
        });
        for (const c of built.comments) {
          expect(c.body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
          expect(checkMarkdown(c.body).problems).toEqual([]);
          // The block's own lines end as the file's do.
          if (eol === '\r\n')
            expect(c.body.slice(c.body.indexOf('\n\n') + 2).replace(/\r\n/g, '')).not.toContain('\n');
        }
        const withheld = built.unanchored.filter((b) => !b.startsWith('The suggested text also'));
        // A file's BOM is kept even when the suggested text (a prompt evaluated without it) lacks one.
        const keepsBom = headText.startsWith(BOM) && !suggestedText.startsWith(BOM);
        const expected = keepsBom ? BOM + suggestedText : suggestedText;
        if (withheld.length === 0) expect(applySuggestions(headText, built.comments)).toBe(expected);
        else expect(splitLines(headText).lines.some((l) => l.includes('\uFFFD'))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('the review body stays well-formed and within the limit with many unanchored diffs', () => {
    fc.assert(
      fc.property(fc.array(file, { minLength: 1, maxLength: 6 }), bigLine, (files, huge) => {
        const list = files.map((f, i) => {
          const p = review({ path: `p${i}.txt`, text: 'x', huge: '', status: 'modified', error: false });
          p.suggestion!.fileText = `${f.sugg.join(f.eol)}${huge}${f.eol}`;
          return p;
        });
        const heads = new Map(files.map((f, i) => [`p${i}.txt`, `${f.head.join(f.eol)}${f.eol}`]));
        // No patch: nothing is anchorable, so every change goes to the body as a diff.
        const plan = planReview(report(list, []), heads, new Map(), []).review;
        if (!plan) return;
        for (const body of [plan.body, plan.fallbackBody]) {
          expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
          expect(checkMarkdown(body, { marker: REVIEW_MARKER }).problems).toEqual([]);
        }
      }),
      { numRuns: 60 },
    );
  });
});
