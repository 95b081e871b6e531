import { describe, expect, it } from 'vitest';
import { comparePaired, wilsonInterval } from '../../src/eval/stats.js';
import { MARKER, renderJobSummary, renderSummary } from '../../src/render/comment.js';
import type { FlippedExample, PromptReview, ReviewReport, SplitComparison } from '../../src/review/model.js';
import type { SplitSummary } from '../../src/core/types.js';

const usage = { calls: 120, cacheHits: 40, promptTokens: 12_345, completionTokens: 2_345, failedCalls: 0 };

function summary(correct: number, total: number): SplitSummary {
  return { total, correct, errors: 0, accuracy: correct / total, interval: wilsonInterval(correct, total) };
}

/** Base and head verdict lists with the given numbers of right → wrong and wrong → right flips. */
function split(
  name: 'dev' | 'test',
  n: number,
  bothRight: number,
  lost: number,
  gained: number,
): SplitComparison {
  const base: boolean[] = [];
  const head: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const b = i < bothRight + lost;
    base.push(b);
    head.push(i < bothRight || (i >= bothRight + lost && i < bothRight + lost + gained));
  }
  const paired = comparePaired(base, head);
  return { split: name, base: summary(paired.baseCorrect, n), head: summary(paired.headCorrect, n), paired };
}

const flip = (line: number, over: Partial<FlippedExample> = {}): FlippedExample => ({
  split: 'test',
  line,
  input: 'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.',
  target: '72',
  baseOutput: '72',
  headOutput: '48',
  ...over,
});

function prompt(over: Partial<PromptReview> = {}): PromptReview {
  return {
    path: 'prompts/gsm8k.txt',
    state: 'evaluated',
    status: 'modified',
    splits: [split('dev', 40, 25, 2, 5), split('test', 80, 50, 12, 2)],
    regressed: true,
    verdict: 'significant regression on test (-12.5 pp, p = 0.0129)',
    verdictKind: 'regression',
    flipped: { lost: [flip(12), flip(30)], gained: [flip(7, { baseOutput: '48', headOutput: '72' })] },
    usage,
    wallMs: 12_300,
    ...over,
  };
}

function report(prompts: PromptReview[], over: Partial<ReviewReport> = {}): ReviewReport {
  return {
    version: 1,
    kind: 'review',
    simulated: false,
    partial: false,
    baseSha: 'a'.repeat(40),
    headSha: 'b'.repeat(40),
    gate: {
      failOn: 'significant-regression',
      minDelta: 2,
      minDetectableDrop: 2,
      alpha: 0.05,
      failOnInconclusive: true,
    },
    prompts,
    notes: [],
    regressed: prompts.some((p) => p.regressed),
    usage,
    wallMs: 30_000,
    ...over,
  };
}

/** The markdown outside fenced blocks and code spans (where HTML and mentions are live), line by line. */
function liveLines(md: string): string[] {
  const out: string[] = [];
  let open: number | null = null;
  for (const line of md.split('\n')) {
    const run = /^ {0,3}(`{3,})/.exec(line);
    if (open === null && run) {
      open = run[1]!.length;
      continue;
    }
    if (open !== null) {
      if (run && new RegExp(`^ {0,3}\`{${open},}\\s*$`).test(line)) open = null;
      continue;
    }
    out.push(line.replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '<code/>'));
  }
  expect(open, 'an unclosed code fence').toBeNull();
  return out;
}

/** Fences and <details> must balance; a cut inside either would break the rest of the page. */
function assertBalanced(md: string): void {
  let details = 0;
  for (const line of liveLines(md)) {
    details += (line.match(/<details>/g) ?? []).length - (line.match(/<\/details>/g) ?? []).length;
    expect(details).toBeGreaterThanOrEqual(0);
  }
  expect(details).toBe(0);
}

describe('renderSummary', () => {
  it('lays out marker, verdict, table, flipped examples and cost', () => {
    const md = renderSummary(report([prompt()]));
    expect(md.split('\n')[0]).toBe(MARKER);
    expect(md).toContain('## LPO review');
    expect(md).toContain('❌ **1 prompt regressed**');
    expect(md).toContain('### `prompts/gsm8k.txt`');
    expect(md).toContain('❌ **regression**: significant regression on test');
    expect(md).toContain('| split | n | base | head | Δ (pp) | p | 95 % CI (pp) | verdict |');
    // test: 62/80 → 52/80, 12 lost, 2 gained: -12.5 pp, exact McNemar p = 0.0129, and the exact
    // interval of the same test: Clopper–Pearson for 2 of 14 flips gained, [0.0178, 0.4281], as Δ.
    expect(md).toMatch(
      /\| test \| 80 \| 77\.5 % \| 65\.0 % \| -12\.5 \| 0\.0129 \| \[-16\.9, -2\.5\] \| significant drop \|/,
    );
    expect(md).toMatch(/\| dev \| 40 \| 67\.5 % \| 75\.0 % \| \+7\.5 \| 0\.453 \|/);
    expect(md).toContain('<details><summary>14 examples flipped right → wrong</summary>');
    expect(md).toContain('<details><summary>7 examples flipped wrong → right</summary>');
    expect(md).toContain('_Showing 2 of 14._');
    expect(md).toContain('**test, line 12**');
    expect(md).toContain('Cost: 120 calls (40 cache hits), 12,345 prompt + 2,345 completion tokens, 12.3 s');
    expect(md).toContain('xychart-beta');
    expect(md).toContain('"gsm8k.txt test head"');
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
    expect(md).toContain('### `old.txt`\n\ndeleted; not evaluated');
    expect(md).toContain('renamed from `prompts/math.txt`');
    expect(md).toContain('added (new prompt');
    expect(md).toContain('re-evaluated because dataset data/gsm8k.jsonl changed');
  });

  it('adds the suggestion columns, the edit list, or why it was withheld', () => {
    const vs = comparePaired([true, false, false, true], [true, true, true, true]);
    const suggestion = {
      fileText: 'x',
      source: 'LPO (apo, local)',
      splits: { test: summary(70, 80) },
      vsHead: { test: vs },
      edits: [
        { old: 'Answer with a number.', new: 'Answer with `one` integer.', reason: 'outputs had units' },
      ],
    };
    const md = renderSummary(report([prompt({ suggestion })]));
    expect(md).toContain('| verdict | suggested | Δ vs head (pp) |');
    expect(md).toMatch(/\| 87\.5 % \| \+50\.0 \(p 0\.500\) \|/);
    expect(md).toContain('- `Answer with a number.` → ``Answer with `one` integer.`` — outputs had units');
    const withheld = renderSummary(
      report([prompt({ suggestion: { ...suggestion, withheld: 'the rewrite loses on test' } })]),
    );
    expect(withheld).toContain('No suggestion posted: the rewrite loses on test.');
    expect(withheld).not.toContain('| suggested |');
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
    // Only the renderer's own <details> (one block: one lost example) is live HTML.
    expect(live.match(/<\/?details>/g)).toEqual(['<details>', '</details>']);
    expect(live).toContain('@\u200Boctocat');
    expect(md).toContain('_(no output: the call failed)_');
    expect(md).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    assertBalanced(md);
  });

  it('formats p below 0.001 and zero deltas', () => {
    const md = renderSummary(report([prompt({ splits: [split('test', 200, 100, 60, 0)] })]));
    expect(md).toMatch(/\| -30\.0 \| < 0\.001 \|/);
    const flat = (n: number) =>
      renderSummary(
        report([
          prompt({ splits: [split('test', n, n / 2, 0, 0)], regressed: false, verdictKind: 'no-change' }),
        ]),
      );
    // 400 pairs can detect a drop of 6 examples (1.5 pp), under the 2 pp min-delta; 10 pairs only 60 pp.
    expect(flat(400)).toMatch(/\| 0\.0 \| 1\.00 \| \[0\.0, 0\.0\] \| no significant change \|/);
    expect(flat(10)).toMatch(/\| 0\.0 \| 1\.00 \| \[0\.0, 0\.0\] \| ⚠️ inconclusive: detects ≥ 60 pp \|/);
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
    expect(job.match(/^### /gm)).toHaveLength(200);
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
    expect(smaller).not.toContain('<details>');
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
    expect(md).toContain('### `bad.txt`');
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
