import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '../../src/eval/stats.js';
import { REVIEW_MARKER, renderReviewBody } from '../../src/render/review-body.js';
import { buildSuggestions } from '../../src/render/suggestions.js';
import type { SplitSummary } from '../../src/core/types.js';

const s = (correct: number, total: number): SplitSummary => ({
  total,
  correct,
  errors: 0,
  accuracy: correct / total,
  interval: wilsonInterval(correct, total),
});

describe('renderReviewBody', () => {
  it('names the file with head → suggested accuracy per split', () => {
    const body = renderReviewBody({
      files: [
        {
          path: 'prompts/gsm8k.txt',
          head: { dev: s(28, 40), test: s(52, 80) },
          suggested: { dev: s(32, 40), test: s(58, 80) },
          unanchored: [],
        },
      ],
      simulated: false,
    });
    expect(body).toBe(
      `${REVIEW_MARKER}\nLPO suggests edits to \`prompts/gsm8k.txt\` (dev 70.0 % → 80.0 %, test 65.0 % → 72.5 %).`,
    );
  });

  it('lists several files, says what was not repeated, flags the simulator', () => {
    const body = renderReviewBody({
      files: [
        {
          path: 'a.txt',
          head: { test: s(1, 2) },
          suggested: { test: s(2, 2) },
          unanchored: [],
          skippedExisting: 2,
        },
        { path: 'b|`c`.txt', head: {}, suggested: {}, unanchored: [] },
      ],
      simulated: true,
    });
    expect(body).toContain(
      '- LPO suggests edits to `a.txt` (test 50.0 % → 100.0 %); 2 identical suggestion(s)',
    );
    expect(body).toContain('- LPO suggests edits to ``b|`c`.txt``.');
    expect(body).toContain('**Simulated**');
  });

  it('appends the suggestions that could not be anchored', () => {
    const head = 'one\ntwo\nthree\n';
    const built = buildSuggestions({
      path: 'p.txt',
      headText: head,
      suggestedText: 'one\n2\nthree\n',
      patch: undefined,
      edits: [],
    });
    const body = renderReviewBody({
      files: [{ path: 'p.txt', head: {}, suggested: {}, unanchored: built.unanchored }],
      simulated: false,
    });
    expect(body).toContain('Suggested changes that cannot be shown inline:');
    expect(body).toContain(
      '`p.txt`, lines 2–2 (not in the PR diff, so no inline suggestion):\n\n```diff\n-two\n+2\n```',
    );
  });

  it('stays within the limit with whole blocks and says how many were left out', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i} ${'```'.repeat(3)} ${'x'.repeat(200)}`);
    const head = `${lines.join('\n')}\n`;
    const sugg = `${lines.map((l, i) => (i % 2 ? l.toUpperCase() : l)).join('\n')}\n`;
    const built = buildSuggestions({
      path: 'big.txt',
      headText: head,
      suggestedText: sugg,
      patch: undefined,
      edits: [],
    });
    expect(built.unanchored.length).toBe(200);
    const url = 'https://github.com/o/r/actions/runs/7';
    const body = renderReviewBody({
      files: [{ path: 'big.txt', head: {}, suggested: {}, unanchored: built.unanchored }],
      simulated: false,
      maxChars: 20_000,
      jobSummaryUrl: url,
    });
    expect(body.length).toBeLessThanOrEqual(20_000);
    expect(body).toMatch(
      /… \d+ more not shown here \(size limit\); see the job summary \(\[job summary\]\(https:\/\/github\.com\/o\/r\/actions\/runs\/7\)\)\.$/,
    );
    // Every block shown is whole: its fences open and close.
    const fences = body.split('\n').filter((l) => /^`{3,}/.test(l));
    expect(fences.length % 2).toBe(0);
    for (let i = 0; i < fences.length; i += 2) expect(fences[i + 1]).toBe(fences[i]!.replace('diff', ''));
  });
});
