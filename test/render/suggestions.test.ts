import { addedFilePatch, applySuggestions } from '../helpers/github-behaviour.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSuggestion, splitLines } from '../../src/render/lines.js';
import { buildSuggestions } from '../../src/render/suggestions.js';

const PATH = 'prompts/gsm8k.txt';
// A slice of a real GSM8K-style prompt.
const HEAD = [
  'You are a careful math tutor.',
  'Solve the word problem below.',
  'Answer with a number.',
  '',
  'Question: {{question}}',
].join('\n');

function build(
  headText: string,
  suggestedText: string,
  extra: Partial<Parameters<typeof buildSuggestions>[0]> = {},
) {
  return buildSuggestions({
    path: PATH,
    headText,
    suggestedText,
    patch: addedFilePatch(headText),
    edits: [],
    ...extra,
  });
}

describe('buildSuggestions', () => {
  it('replaces one line with a single-line comment carrying the edit reason, escaped', () => {
    const sugg = HEAD.replace('Answer with a number.', 'Answer with a single integer, no units.');
    const edits = [
      {
        old: 'Answer with a number.',
        new: 'Answer with a single integer, no units.',
        reason: 'units confused @octocat <b>',
      },
    ];
    const { comments, unanchored } = build(HEAD, sugg, { edits });
    expect(unanchored).toEqual([]);
    expect(comments).toHaveLength(1);
    const c = comments[0]!;
    expect(c).toMatchObject({ path: PATH, line: 3, side: 'RIGHT' });
    expect(c.start_line).toBeUndefined();
    expect(c.body).toContain('units confused @\u200Boctocat &lt;b&gt;');
    expect(c.body.endsWith('```suggestion\nAnswer with a single integer, no units.\n```')).toBe(true);
    expect(applySuggestions(HEAD, comments)).toBe(sugg);
  });

  it('spans replaced lines with start_line and start_side', () => {
    const sugg = HEAD.replace(
      'Solve the word problem below.\nAnswer with a number.',
      'Think step by step.\nEnd with "Answer: <n>".',
    );
    const { comments } = build(HEAD, sugg);
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatchObject({ start_line: 2, line: 3, start_side: 'RIGHT', side: 'RIGHT' });
    expect(parseSuggestion(comments[0]!.body)).toEqual(['Think step by step.', 'End with "Answer: <n>".']);
  });

  it('anchors a pure insertion on the line before and repeats it', () => {
    const sugg = HEAD.replace('Answer with a number.', 'Answer with a number.\nDo not explain.');
    const { comments } = build(HEAD, sugg);
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatchObject({ line: 3 });
    expect(comments[0]!.start_line).toBeUndefined();
    expect(parseSuggestion(comments[0]!.body)).toEqual(['Answer with a number.', 'Do not explain.']);
    expect(applySuggestions(HEAD, comments)).toBe(sugg);
  });

  it('anchors an insertion at the top on the first line', () => {
    const sugg = `System: be brief.\n${HEAD}`;
    const { comments } = build(HEAD, sugg);
    expect(comments[0]).toMatchObject({ line: 1 });
    expect(parseSuggestion(comments[0]!.body)).toEqual([
      'System: be brief.',
      'You are a careful math tutor.',
    ]);
    expect(applySuggestions(HEAD, comments)).toBe(sugg);
  });

  it('merges two insertions that would claim the same line', () => {
    const { comments } = build('a\n', 'x\na\ny\n');
    expect(comments).toHaveLength(1);
    expect(parseSuggestion(comments[0]!.body)).toEqual(['x', 'a', 'y']);
    expect(applySuggestions('a\n', comments)).toBe('x\na\ny\n');
  });

  it('deletes lines with an empty suggestion', () => {
    const sugg = HEAD.replace('Solve the word problem below.\n', '');
    const { comments } = build(HEAD, sugg);
    expect(comments[0]).toMatchObject({ line: 2 });
    expect(comments[0]!.body.endsWith('```suggestion\n```')).toBe(true);
    expect(parseSuggestion(comments[0]!.body)).toEqual([]);
    expect(applySuggestions(HEAD, comments)).toBe(sugg);
  });

  it('keeps CRLF line endings in the suggestion content', () => {
    const head = `${HEAD.replace(/\n/g, '\r\n')}\r\n`;
    const sugg = head.replace('Answer with a number.', 'Answer with an integer.');
    const { comments } = build(head, sugg);
    expect(comments[0]!.body).toContain('```suggestion\r\nAnswer with an integer.\r\n```');
    expect(applySuggestions(head, comments)).toBe(sugg);
  });

  it('matches lines across line-ending styles and writes the file’s own', () => {
    const head = 'a\r\nb\r\nc\r\n';
    const { comments } = build(head, 'a\nB\nc\n');
    expect(comments).toHaveLength(1);
    expect(applySuggestions(head, comments)).toBe('a\r\nB\r\nc\r\n');
  });

  it('uses a fence longer than any backtick run in the new lines', () => {
    const { comments } = build('a\nb\n', 'a\n````js\n');
    expect(comments[0]!.body).toContain('`````suggestion\n````js\n`````');
    expect(parseSuggestion(comments[0]!.body)).toEqual(['````js']);
  });

  it('moves a change outside the PR diff to a diff block', () => {
    const head = 'l1\nl2\nl3\nl4\nl5\nl6\n';
    // Only lines 1-2 are in the diff.
    const patch = '@@ -1,2 +1,2 @@\n-l0\n+l1\n l2';
    const out = buildSuggestions({
      path: PATH,
      headText: head,
      suggestedText: 'L1\nl2\nl3\nl4\nL5\nl6\n',
      patch,
      edits: [],
    });
    expect(out.comments.map((c) => c.line)).toEqual([1]);
    expect(out.unanchored).toHaveLength(1);
    expect(out.unanchored[0]).toContain('lines 5–5');
    expect(out.unanchored[0]).toContain('```diff\n-l5\n+L5\n```');
  });

  it('has only diff blocks when the patch is missing (binary or huge file)', () => {
    const out = buildSuggestions({
      path: PATH,
      headText: HEAD,
      suggestedText: `${HEAD}\nmore`,
      patch: undefined,
      edits: [],
    });
    expect(out.comments).toEqual([]);
    expect(out.unanchored).toHaveLength(1);
    expect(out.unanchored[0]).toContain('+more');
  });

  it('sends the overflow over maxComments to diff blocks', () => {
    const out = build('a\nb\nc\nd\ne\n', 'A\nb\nC\nd\nE\n', { maxComments: 1 });
    expect(out.comments).toHaveLength(1);
    expect(out.unanchored).toHaveLength(2);
    expect(out.unanchored[0]).toContain('over the 1-comment limit');
  });

  it('skips a suggestion identical to one already on the PR', () => {
    const first = build('a\nb\nc\n', 'a\nB\nc\n');
    const existing = first.comments.map((c) => ({ ...c, start_line: null }));
    const again = build('a\nb\nc\n', 'a\nB\nc\n', { existing });
    expect(again.comments).toEqual([]);
    expect(again.skippedExisting).toBe(1);
    const changed = build('a\nb\nc\n', 'a\nB2\nc\n', { existing });
    expect(changed.comments).toHaveLength(1);
    expect(changed.skippedExisting).toBe(0);
  });

  it('notes a change of the final line break it cannot suggest', () => {
    const out = build('a\nb\n', 'a\nb');
    expect(out.comments).toEqual([]);
    expect(out.unanchored).toEqual([
      'The suggested text also removes the line break at the end of `prompts/gsm8k.txt`.',
    ]);
  });

  it('cannot anchor anything in an empty file', () => {
    const out = build('', 'new prompt\n');
    expect(out.comments).toEqual([]);
    expect(out.unanchored[0]).toContain('at the start');
  });

  it('produces nothing when the texts are equal', () => {
    expect(build(HEAD, HEAD)).toEqual({ comments: [], unanchored: [], skippedExisting: 0 });
  });

  it('suggests a rewrite of thousands of lines as one range, which still applies exactly', () => {
    // Every other line changed: a line-by-line diff costs O(lines × changes), minutes on large files.
    const rewrite = (n: number) => {
      const lines = Array.from({ length: n }, (_, i) => `${i} think`);
      const changed = lines.map((l, i) => (i % 2 === 1 ? l.replace('think', 'reason') : l));
      return { head: `${lines.join('\n')}\n`, sugg: `${changed.join('\n')}\n` };
    };
    const small = rewrite(3_000);
    const built = build(small.head, small.sugg);
    expect(built.unanchored).toEqual([]);
    // From the first changed line (the second) to the last changed line (the last).
    expect(built.comments.map((c) => [c.start_line, c.line])).toEqual([[2, 3_000]]);
    expect(applySuggestions(small.head, built.comments)).toBe(small.sugg);

    const large = rewrite(20_000);
    const body = build(large.head, large.sugg);
    expect(body.comments).toEqual([]);
    expect(body.unanchored).toHaveLength(1);
    expect(body.unanchored[0]).toMatch(
      /^`prompts\/gsm8k\.txt`, lines 2–20000 \(too long for an inline comment\)/,
    );
  });
});

describe('applySuggestions', () => {
  it('refuses overlapping suggestions', () => {
    const body = '```suggestion\nx\n```';
    expect(() =>
      applySuggestions('a\nb\nc', [
        { line: 2, start_line: 1, body },
        { line: 3, start_line: 2, body },
      ]),
    ).toThrow(/overlap/);
  });
  it('keeps a missing final newline', () => {
    expect(applySuggestions('a\nb', [{ line: 2, body: '```suggestion\nB\nC\n```' }])).toBe('a\nB\nC');
  });
});

const LINE = fc.constantFrom(
  'a',
  'b',
  'c',
  'Answer: {{x}}',
  '',
  ' ',
  '```',
  '`x`',
  '<!-- lpo-review:summary -->',
  '@octocat',
);

interface Op {
  at: number;
  del: number;
  ins: string[];
}

function edit(lines: string[], ops: Op[]): string[] {
  const out = [...lines];
  for (const op of ops) {
    const at = out.length === 0 ? 0 : op.at % (out.length + 1);
    out.splice(at, op.del, ...op.ins);
  }
  return out;
}

const text = (lines: string[], eol: string, final: boolean) =>
  lines.length === 0 ? '' : lines.join(eol) + (final ? eol : '');

describe('applying every suggestion reproduces the suggested text', () => {
  it('for random line edits, LF and CRLF, with and without a final newline', () => {
    const op = fc.record({ at: fc.nat(50), del: fc.nat(3), ins: fc.array(LINE, { maxLength: 3 }) });
    fc.assert(
      fc.property(
        fc.array(LINE, { minLength: 1, maxLength: 12 }),
        fc.array(op, { minLength: 1, maxLength: 5 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.boolean(),
        (lines, ops, eol, final, suggestedInLf) => {
          const headText = text(lines, eol, final);
          const head = splitLines(headText);
          fc.pre(head.lines.length > 0);
          const suggestedLines = edit(lines, ops);
          // A one-line file without a line break has no line ending to keep: new lines get LF.
          const expected = text(suggestedLines, head.eol, final);
          const suggestedText = suggestedInLf ? text(suggestedLines, '\n', final) : expected;
          const out = buildSuggestions({
            path: PATH,
            headText,
            suggestedText,
            patch: addedFilePatch(headText),
            edits: [],
            maxComments: 1000,
          });
          expect(out.unanchored.filter((u) => u.includes('```diff'))).toEqual([]);
          for (const c of out.comments) {
            expect(c.start_line === undefined || c.start_line < c.line).toBe(true);
          }
          const applied = applySuggestions(headText, out.comments);
          const sugg = splitLines(expected);
          if (sugg.lines.length > 0 && sugg.finalNewline !== head.finalNewline) {
            // A trailing empty line turned into a final line break: the one change a suggestion cannot make.
            expect(out.unanchored.filter((u) => u.includes('line break at the end'))).toHaveLength(1);
            expect(applied).toBe(sugg.lines.join(head.eol) + (head.finalNewline ? head.eol : ''));
          } else {
            expect(applied).toBe(expected);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
