// The comment's layout as a reader meets it: the verdict and one row per prompt before anything folded,
// tables narrow enough for the PR column, the suggested prompt as a diff that gives the suggestion
// back, and "posted" said only of suggestions that are on the pull request.
import { applyPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { comparePaired } from '../../src/eval/stats.js';
import { renderJobSummary, renderSummary } from '../../src/render/comment.js';
import type { PromptReview, Suggestion } from '../../src/review/model.js';
import { VERDICT_KINDS } from '../../src/review/gate.js';
import { prompt, report, split, summary, tableColumns } from './fixtures.js';

const HEAD = 'You sort support tickets.\nReply with the category.\n\nCategories: billing, bug, other.\n';

function suggestion(over: Partial<Suggestion> = {}): Suggestion {
  const fileText = HEAD.replace('Reply with', 'Read the whole ticket, then reply with just').concat(
    'If unsure, answer other.\n',
  );
  return {
    headText: HEAD,
    fileText,
    source: 'LPO, apo, local mode',
    splits: { dev: summary(30, 40), test: summary(70, 80) },
    vsHead: { test: comparePaired([true, false, false, true], [true, true, true, true]) },
    edits: [
      {
        old: 'Reply with',
        new: 'Read the whole ticket, then reply with just',
        reason: 'answers came with prose',
      },
      { old: '', new: 'If unsure, answer other.', reason: 'ambiguous tickets got no category' },
    ],
    budget: { calls: 52, maxCalls: 200, tokens: 40_000, maxTokens: null },
    ...over,
  };
}

function twoPrompts(): PromptReview[] {
  return [
    prompt(),
    prompt({
      path: 'prompts/tickets.txt',
      regressed: false,
      verdict: 'no significant change (+2.0 pp, p = 0.63)',
      verdictKind: 'no-change',
      splits: [split('dev', 40, 30, 1, 2), split('test', 100, 70, 3, 5)],
      suggestion: suggestion(),
    }),
  ];
}

/** The fenced ```diff block's content. */
function diffBlock(md: string): string {
  const m = /^(`{3,})diff\n([\s\S]*?)^\1$/m.exec(md);
  expect(m, 'a diff block').not.toBeNull();
  return m![2]!;
}

describe('the top of the comment', () => {
  it('holds every prompt’s verdict and test Δ before the first folded section', () => {
    const md = renderSummary(report(twoPrompts()));
    const top = md.slice(0, md.indexOf('<details>'));
    expect(top).toContain('❌ **1 prompt regressed**');
    for (const p of twoPrompts()) {
      const test = p.splits.find((s) => s.split === 'test')!;
      const pp = (test.paired!.delta * 100).toFixed(1);
      const row = top.split('\n').find((l) => l.startsWith(`| ${p.path} |`));
      expect(row, p.path).toBeDefined();
      expect(row).toContain(
        `${(test.base!.accuracy! * 100).toFixed(1)} % → ${(test.head!.accuracy! * 100).toFixed(1)} %`,
      );
      expect(row).toContain(`${test.paired!.delta > 0 ? '+' : ''}${pp} [`);
    }
    expect(top).toMatch(/\| prompts\/gsm8k\.txt \|.*\| ❌ regression \| — \|$/m);
    expect(top).toMatch(
      /\| prompts\/tickets\.txt \|.*\| ✅ no significant change \| 87\.5 % \(\+50\.0\) \|$/m,
    );
    // The verdict comes first, the rows and the cost after it, all before the fold.
    expect(top.indexOf('regressed')).toBeLessThan(top.indexOf('| prompt |'));
    expect(top.indexOf('| prompt |')).toBeLessThan(top.indexOf('Cost: '));
  });

  it('says what the run used of the owner’s ceilings, from the report’s figures', () => {
    const budget = { requests: 412, maxRequests: 2000, tokens: 51_000, maxTokens: 400_000 };
    const md = renderSummary(report(twoPrompts(), { budget }));
    expect(md).toContain(
      'budget used: 412 of 2,000 requests (20.6 %, max-calls), 51,000 of 400,000 tokens (12.8 %, max-tokens).',
    );
    const none = renderSummary(report(twoPrompts(), { budget: { ...budget, maxTokens: null } }));
    expect(none).toContain('412 of 2,000 requests (20.6 %, max-calls), no max-tokens.');
    expect(renderSummary(report(twoPrompts()))).not.toContain('budget used');
  });

  it('names each verdict kind with its own word', () => {
    const words = VERDICT_KINDS.map((kind) => {
      const md = renderSummary(report([prompt({ verdictKind: kind, regressed: kind === 'regression' })]));
      return /^\| prompts\/gsm8k\.txt \| .* \| (.+) \| — \|$/m.exec(md)?.[1];
    });
    expect(words).toEqual([
      '❌ regression',
      '✅ improvement',
      '✅ no significant change',
      '⚠️ drop the gate allows',
      '⚠️ inconclusive',
      '🆕 new',
      '⚠️ could not evaluate',
      '⚠️ not evaluated',
    ]);
  });
});

describe('a run the ceiling cut short', () => {
  it('is not decided, in the verdict and in the prompt’s row', () => {
    const cut = prompt({
      regressed: false,
      verdictKind: 'not-evaluated',
      verdict: 'not decided: the run’s ceiling of 40 requests (max-calls) was reached part-way',
      overBudget: 'the run’s ceiling of 40 requests (max-calls) was reached',
    });
    const md = renderSummary(report([cut]));
    expect(md).toContain(
      "⚠️ **not decided**: the run's ceiling (max-calls, max-tokens) stopped 1 prompt part-way; the check fails",
    );
    expect(md).toMatch(/^\| prompts\/gsm8k\.txt \| .* \| ⚠️ not decided \(ceiling reached\) \| — \|$/m);
    expect(md).not.toContain('✅');
  });
});

describe('the tables', () => {
  it('have at most 7 columns, with and without a suggestion, in the comment and the job summary', () => {
    const texts = [renderSummary(report(twoPrompts())), renderJobSummary(report(twoPrompts()))];
    const tables = texts.flatMap(tableColumns);
    // The top table and one per prompt, in each text.
    expect(tables).toHaveLength(6);
    for (const rows of tables) {
      expect(new Set(rows).size).toBe(1);
      expect(rows[0]).toBeLessThanOrEqual(7);
    }
    expect(Math.max(...tables.map((rows) => rows[0]!))).toBe(7);
  });
});

describe('the suggested prompt', () => {
  it('is shown in full as a diff that, applied to the head file, gives the suggestion', () => {
    const md = renderSummary(report(twoPrompts()));
    const patch = diffBlock(md);
    expect(patch.startsWith('--- a/prompts/tickets.txt\n+++ b/prompts/tickets.txt\n@@ ')).toBe(true);
    expect(applyPatch(HEAD, patch)).toBe(suggestion().fileText);
    // Every line of the suggestion is in the block, unchanged ones as context.
    for (const line of suggestion()
      .fileText.split('\n')
      .filter((l) => l !== '')) {
      expect(patch).toMatch(new RegExp(`^[ +]${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    }
    expect(md).toContain('- line 2: `Reply with` → `Read the whole ticket, then reply with just`');
    expect(md).toContain(
      '- inserted at line 5: `If unsure, answer other.` — ambiguous tickets got no category',
    );
  });

  it('says "posted as review suggestions" only for the prompts whose suggestions were posted', () => {
    const prompts = twoPrompts();
    const posted = renderSummary(report(prompts), {
      delivery: { posted: new Set(['prompts/tickets.txt']), why: 'unused' },
    });
    expect(posted).toContain('**Suggested prompt** (LPO, apo, local mode): posted as review suggestions');
    const cli = renderSummary(report(prompts), {
      delivery: { posted: new Set(), why: 'lpo review posts nothing' },
    });
    expect(cli).not.toContain('posted as review suggestions');
    expect(cli).toContain(
      '**Suggested prompt** (LPO, apo, local mode): not posted: lpo review posts nothing.',
    );
    // Without a delivery (a caller that posts nothing), the text never claims a post.
    expect(renderJobSummary(report(prompts))).not.toContain('posted as review suggestions');
    // Both still carry the diff: it is how the suggestion is seen before a PR.
    expect(diffBlock(cli)).toBe(diffBlock(posted));
  });

  it('is left out, with the reason, when withheld', () => {
    const withheld = prompt({ suggestion: suggestion({ withheld: 'no candidate beat the head prompt' }) });
    const md = renderSummary(report([withheld]));
    expect(md).toContain('No suggestion posted: no candidate beat the head prompt.');
    expect(md).not.toContain('```diff');
  });
});
