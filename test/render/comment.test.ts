import { describe, expect, it } from 'vitest';
import { comparePaired } from '../../src/eval/stats.js';
import { MARKER, renderJobSummary, renderSummary } from '../../src/render/comment.js';
import { assertBalanced, flip, liveLines, prompt, report, split, summary } from './fixtures.js';

describe('renderSummary', () => {
  it('lays out marker, verdict, table, flipped examples and cost', () => {
    const md = renderSummary(report([prompt()]));
    expect(md.split('\n')[0]).toBe(MARKER);
    expect(md).toContain('## LPO review');
    expect(md).toContain('❌ **1 prompt regressed**');
    expect(md).toContain('<details><summary>❌ prompts/gsm8k.txt — regression</summary>');
    expect(md).toContain('modified · ❌ **regression**: significant regression on test');
    expect(md).toContain('| split | n | base → head | Δ pp [95 % CI] | p | reading |');
    // test: 62/80 → 52/80, 12 lost, 2 gained: -12.5 pp, exact McNemar p = 0.0129, and the exact
    // interval of the same test: Clopper–Pearson for 2 of 14 flips gained, [0.0178, 0.4281], as Δ.
    expect(md).toContain('| test | 80 | 77.5 % → 65.0 % | -12.5 [-16.9, -2.5] | 0.013 | significant drop |');
    // dev: 40 pairs cannot detect the 2 pp min-detectable-drop, and the note under the table says what they can.
    expect(md).toContain('| dev | 40 | 67.5 % → 75.0 % | +7.5 [-7.3, +16.2] | 0.45 | ⚠️ inconclusive |');
    expect(md).toContain('⚠️ dev is inconclusive: n = 40 can only detect drops ≥ 15 pp (6 of 40 examples)');
    // The top row: test base → head, Δ with its interval, the verdict word; no suggestion.
    expect(md).toContain('| prompts/gsm8k.txt | 77.5 % → 65.0 % | -12.5 [-16.9, -2.5] | ❌ regression | — |');
    expect(md).toContain('<details><summary>14 examples flipped right → wrong</summary>');
    expect(md).toContain('<details><summary>7 examples flipped wrong → right</summary>');
    expect(md).toContain('_Showing 2 of 14._');
    expect(md).toContain('**test, line 12**');
    expect(md).toContain(
      'Cost: 120 requests (40 cache hits), 12,345 prompt + 2,345 completion tokens, 12.3 s',
    );
    // The run's cost line, at the top: no ceiling was given in this report, so no budget is claimed.
    expect(md).toContain(
      'Cost: 120 requests (40 cache hits), 12,345 prompt + 2,345 completion tokens, 30.0 s.',
    );
    expect(md).toContain('xychart-beta');
    expect(md).toContain('title "gsm8k.txt, accuracy %');
    assertBalanced(md);
  });

  it('reports no regression, simulated and partial runs', () => {
    const ok = prompt({
      regressed: false,
      verdict: 'no significant change (+1.0 pp, p = 0.8)',
      verdictKind: 'no-change',
    });
    const md = renderSummary(report([ok], { simulated: true, partial: true }));
    expect(md).toContain('✅ **no regression**');
    expect(md).toContain('**Simulated**: these figures come from the offline simulator, not a real model.');
    expect(md).toContain('**Partial**:');
    expect(md).not.toMatch(/regression\*\*:/);
  });

  it('claims no verdict for a prompt that could not be evaluated', () => {
    const broken = prompt({
      regressed: false,
      verdict: 'could not evaluate',
      verdictKind: 'could-not-evaluate',
      error: 'all 80 calls failed (401 <b>@admin</b>)',
    });
    const md = renderSummary(report([broken]));
    expect(md).toContain('⚠️ **evaluation could not run**');
    expect(md).toContain('could not be evaluated: all 80 calls failed (401 &lt;b&gt;@\u200Badmin&lt;/b&gt;)');
    expect(md).not.toContain('| split |');
    expect(md).not.toContain('❌');
  });

  it('marks removed, renamed, added and re-evaluated prompts', () => {
    const md = renderSummary(
      report([
        prompt({
          path: 'old.txt',
          status: 'removed',
          splits: [],
          regressed: false,
          verdict: 'deleted; not evaluated',
          verdictKind: 'not-evaluated',
        }),
        prompt({
          status: 'renamed',
          previousPath: 'prompts/math.txt',
          regressed: false,
          verdict: 'improvement',
          verdictKind: 'improvement',
        }),
        prompt({
          path: 'new.txt',
          status: 'added',
          regressed: false,
          verdict: 'new prompt (no base to compare)',
          verdictKind: 'new',
        }),
        prompt({
          path: 'r.txt',
          status: 'reevaluated',
          reason: 'dataset data/gsm8k.jsonl changed',
          regressed: false,
          verdictKind: 'no-change',
        }),
      ]),
    );
    expect(md).toContain('<summary>➖ old.txt — deleted</summary>\n\ndeleted; not evaluated\n\n</details>');
    expect(md).toContain('| old.txt | — | — | ➖ deleted | — |');
    expect(md).toContain('| new.txt | 77.5 % → 65.0 % | -12.5 [-16.9, -2.5] | 🆕 new | — |');
    expect(md).toContain(
      '| prompts/gsm8k.txt | 77.5 % → 65.0 % | -12.5 [-16.9, -2.5] | ✅ improvement | — |',
    );
    expect(md).toContain('renamed from `prompts/math.txt`');
    expect(md).toContain('added (new prompt');
    expect(md).toContain('re-evaluated because dataset data/gsm8k.jsonl changed');
  });

  it('adds the suggestion columns, the edit list, or why it was withheld', () => {
    const vs = comparePaired([true, false, false, true], [true, true, true, true]);
    const headText = 'Solve it.\nAnswer with a number.\n';
    const suggestion = {
      headText,
      fileText: 'Solve it.\nAnswer with `one` integer.\nShow no units.\n',
      source: 'LPO (apo, local)',
      splits: { test: summary(70, 80) },
      vsHead: { test: vs },
      edits: [
        { old: 'Answer with a number.', new: 'Answer with `one` integer.', reason: 'outputs had units' },
        { old: '', new: 'Show no units.', reason: '' },
      ],
    };
    const md = renderSummary(report([prompt({ suggestion })]));
    expect(md).toContain('| reading | suggested (Δ vs head) |');
    expect(md).toContain('| significant drop | 87.5 % (+50.0) |');
    expect(md).toContain(
      '_suggested_: the optimizer’s prompt, scored on the same examples; Δ in pp against head (paired test: test p = 0.50).',
    );
    // Where each span sits; an insertion says where it goes instead of "(empty) →".
    expect(md).toContain(
      '- line 2: `Answer with a number.` → ``Answer with `one` integer.`` — outputs had units',
    );
    expect(md).toContain('- inserted at line 3: `Show no units.`');
    expect(md).not.toContain('(empty)');
    // The top row carries the suggestion's test figure against head.
    expect(md).toMatch(/\| ❌ regression \| 87\.5 % \(\+50\.0\) \|$/m);
    const withheld = renderSummary(
      report([prompt({ suggestion: { ...suggestion, withheld: 'the rewrite loses on test' } })]),
    );
    expect(withheld).toContain('No suggestion posted: the rewrite loses on test.');
    expect(withheld).not.toContain('suggested (Δ vs head)');
    expect(withheld).toMatch(/\| ❌ regression \| withheld \|$/m);
  });

  it('escapes hostile paths, verdicts, examples and notes', () => {
    const evil = '```\n</details>\n<!-- lpo-review:summary -->\n@octocat | #1';
    const md = renderSummary(
      report(
        [
          prompt({
            path: 'p/`x`|<details>.txt',
            verdict: evil,
            flipped: {
              lost: [flip(1, { input: evil, target: evil, baseOutput: evil, headOutput: null })],
              gained: [],
            },
          }),
        ],
        { notes: [evil, '\uD800lone'] },
      ),
    );
    expect(md.split(MARKER)).toHaveLength(2);
    expect(md.match(/<!--/g)).toHaveLength(1);
    const live = liveLines(md).join('\n');
    expect(live).not.toMatch(/@octocat/);
    // Only the renderer's own <details> (the prompt's section, and in it one lost example) is live HTML.
    expect(live.match(/<\/?details>/g)).toEqual(['<details>', '<details>', '</details>', '</details>']);
    expect(md).toContain('<summary>❌ p/`x`|&lt;details&gt;.txt — regression</summary>');
    expect(live).toContain('@\u200Boctocat');
    expect(md).toContain('_(no output: the call failed)_');
    expect(md).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    assertBalanced(md);
  });

  it('formats p below 0.001 and zero deltas', () => {
    const md = renderSummary(report([prompt({ splits: [split('test', 200, 100, 60, 0)] })]));
    expect(md).toMatch(/\| -30\.0 \[-?[\d.]+, -[\d.]+\] \| < 0\.001 \|/);
    const flat = (n: number) =>
      renderSummary(
        report([
          prompt({ splits: [split('test', n, n / 2, 0, 0)], regressed: false, verdictKind: 'no-change' }),
        ]),
      );
    // 400 pairs can detect a drop of 6 examples (1.5 pp), under the 2 pp min-delta; 10 pairs only 60 pp.
    expect(flat(400)).toContain('| 0.0 [0.0, 0.0] | 1.0 | no significant change |');
    expect(flat(10)).toContain('| 0.0 [0.0, 0.0] | 1.0 | ⚠️ inconclusive |');
    expect(flat(10)).toContain(
      '⚠️ test is inconclusive: n = 10 can only detect drops ≥ 60 pp (6 of 10 examples)',
    );
  });

  it('leaves the chart out beyond six prompts', () => {
    const many = Array.from({ length: 7 }, (_, i) => prompt({ path: `p${i}.txt` }));
    expect(renderSummary(report(many))).not.toContain('mermaid');
  });

  it('fits 200 prompts × 100 flipped examples of 1 MB strings in 65,536 characters', () => {
    const mb = `\`\`\`\n<details>${'x@y|'.repeat(262_144)}`;
    const examples = Array.from({ length: 100 }, (_, i) =>
      flip(i + 1, { input: mb, target: mb, baseOutput: mb, headOutput: mb }),
    );
    const prompts = Array.from({ length: 200 }, (_, i) =>
      prompt({
        path: `prompts/${i}-${mb.slice(0, 300)}`,
        verdict: mb,
        flipped: { lost: examples, gained: examples },
      }),
    );
    const url = 'https://github.com/o/r/actions/runs/42';
    const md = renderSummary(report(prompts, { notes: [mb, mb] }), { jobSummaryUrl: url });
    expect(md.length).toBeLessThanOrEqual(65_536);
    expect(md.startsWith(MARKER)).toBe(true);
    expect(md).toContain(`… truncated: `);
    expect(md).toContain(`[job summary](${url})`);
    expect(md).toContain('❌ **200 prompts regressed**');
    assertBalanced(md);

    const job = renderJobSummary(report(prompts));
    expect(Buffer.byteLength(job, 'utf8')).toBeLessThanOrEqual(1024 * 1024);
    expect(job).not.toContain(MARKER);
    // A larger limit: every prompt section fits, with counts instead of examples.
    expect(job.match(/^<details><summary>❌ /gm)).toHaveLength(200);
    const jobTight = renderJobSummary(report(prompts), { maxBytes: 100_000 });
    expect(Buffer.byteLength(jobTight, 'utf8')).toBeLessThanOrEqual(100_000);
    expect(jobTight).toContain("left out to fit the job summary's size limit.");
    assertBalanced(job);
  });

  it('drops example details first, keeping the counts', () => {
    const lost = Array.from({ length: 10 }, (_, i) => flip(i, { input: 'x'.repeat(500) }));
    const p = prompt({ flipped: { lost, gained: [] } });
    const full = renderSummary(report([p]));
    const smaller = renderSummary(report([p]), { maxChars: full.length - 1 });
    expect(smaller.length).toBeLessThan(full.length);
    expect(smaller).not.toContain('examples flipped');
    expect(smaller).toContain('Flipped: 14 right → wrong, 7 wrong → right.');
    expect(smaller).toContain('xychart-beta');
    expect(smaller).toContain('| test | 80 |');
  });

  it('keeps regressed prompts when whole sections must go', () => {
    const fine = Array.from({ length: 60 }, (_, i) =>
      prompt({ path: `ok${i}.txt`, regressed: false, verdict: 'fine', verdictKind: 'no-change' }),
    );
    const bad = prompt({ path: 'bad.txt' });
    const md = renderSummary(report([...fine, bad]), { maxChars: 8000 });
    expect(md.length).toBeLessThanOrEqual(8000);
    expect(md).toContain('<details><summary>❌ bad.txt — regression</summary>');
    expect(md).toContain('| bad.txt | 77.5 % → 65.0 % |');
    expect(md).toMatch(
      /… truncated: \d+ prompt sections left out; see the job summary for the full report\./,
    );
    assertBalanced(md);
  });

  it('renders the job summary without the marker', () => {
    const md = renderJobSummary(report([prompt()]));
    expect(md.startsWith('## LPO review')).toBe(true);
    expect(md).toContain('<details>');
  });
});
