// Flipped examples with long texts: the comment keeps their start and their end, because a worked
// answer states its result last (GSM8K's "#### 18"). Rows come from the real GSM8K test set (MIT).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '../../src/eval/stats.js';
import { renderSummary } from '../../src/render/comment.js';
import { escapeBlock, KEPT_END_CHARS } from '../../src/render/escape.js';
import type { PromptReview, ReviewReport } from '../../src/review/model.js';
import { report as reviewReport } from './fixtures.js';

const GSM8K = '/work/shared/data/gsm8k/test.jsonl';
const rows = readFileSync(GSM8K, 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { question: string; answer: string });
// The longest worked solution: far past the 400 characters a target gets in the comment.
const row = rows.reduce((a, b) => (b.answer.length > a.answer.length ? b : a));
const finalLine = row.answer.split('\n').at(-1)!;
const answer = /^#### (.+)$/.exec(finalLine)![1]!;

const summary = (correct: number, total: number) => ({
  total,
  correct,
  errors: 0,
  accuracy: correct / total,
  interval: wilsonInterval(correct, total),
});

function report(output: string): ReviewReport {
  const prompt: PromptReview = {
    path: 'prompts/math.txt',
    state: 'evaluated',
    status: 'modified',
    splits: [{ split: 'test', base: summary(1, 1), head: summary(0, 1), paired: null }],
    regressed: false,
    verdict: 'no significant change on test',
    verdictKind: 'no-change',
    flipped: {
      lost: [
        {
          split: 'test',
          line: rows.indexOf(row) + 1,
          input: row.question,
          target: row.answer,
          baseOutput: output,
          headOutput: `${'Hmm. '.repeat(300)}The answer is 7.`,
          baseExtracted: answer,
          headExtracted: '7',
        },
      ],
      gained: [],
    },
    usage: { calls: 2, cacheHits: 0, promptTokens: 10, completionTokens: 10, failedCalls: 0 },
    wallMs: 10,
  };
  return reviewReport([prompt], {
    gate: { ...reviewReport([]).gate, minDelta: 0, minDetectableDrop: 0 },
    regressed: false,
    usage: prompt.usage,
    wallMs: 10,
  });
}

describe('long flipped examples', () => {
  it('keep the final "#### <n>" of a real GSM8K target, and the answer at the end of a long output', () => {
    expect(row.answer.length).toBeGreaterThan(800);
    const output = `Let me work through it.\n${row.answer.replace(finalLine, '')}\nThe answer is ${answer}.`;
    const md = renderSummary(report(output));
    expect(md).toContain(finalLine);
    expect(md).toContain(`The answer is ${answer}.`);
    expect(md).toContain('The answer is 7.');
    // The answers the scorer compared, beside the example's heading.
    expect(md).toContain(`answers taken: base \`${answer}\`, head \`7\``);
    // All of it inside the prompt's folded section, below the top block.
    expect(md.indexOf(finalLine)).toBeGreaterThan(md.indexOf('<details>'));
    // The start is still there, and the cut is visible.
    expect(md).toContain(row.answer.split('\n')[0]!.slice(0, 60));
    expect(md).toContain('Let me work through it.');
    expect(md).toMatch(/\(cut at …: [\d,]+ more characters\)/);
    // Nothing of the middle leaks in: the block stays bounded.
    expect(md.length).toBeLessThan(row.answer.length + output.length + 4000);
  });

  it('keeps both ends of a 1 MB block from a line start, within the size asked for', () => {
    const text = `first line\n${'x'.repeat(1_000_000)}\n${row.answer}`;
    const block = escapeBlock(text, 'text', 600);
    const lines = block.split('\n');
    expect(lines[1]).toBe('first line');
    expect(lines.at(-3)).toBe(finalLine);
    expect(lines.at(-2)).toMatch(/^\(cut at …: [\d,]+ more characters\)$/);
    expect(lines[2]).toMatch(/^x+…$/);
    const end = lines.slice(3, -2).join('\n');
    expect(row.answer.endsWith(end)).toBe(true);
    expect(end.length).toBeGreaterThan(100);
    expect(lines.slice(1, -2).join('\n').length).toBeLessThanOrEqual(600 + 1);
    expect(KEPT_END_CHARS).toBeGreaterThanOrEqual(120);
  });

  it('leaves text within the limit whole', () => {
    expect(escapeBlock(row.answer, 'text', 2000)).toBe(`\`\`\`text\n${row.answer}\n\`\`\``);
  });
});
