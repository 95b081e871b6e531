// The bundled Action on a PR full of hostile content: prompts, dataset rows, file names and model
// answers carrying fences, HTML, mentions, the bot's forged marker, 1 MB strings, invalid UTF-8, a
// BOM and CRLF line ends. What reaches GitHub must stay well-formed, within its limits, and apply.
import { applySuggestions } from '../helpers/github-behaviour.js';
import { readFile } from 'node:fs/promises';
import { afterAll, describe, it } from 'vitest';
import { REVIEW_MARKER } from '../../src/render/review-body.js';
import { BOT, PR, removeActionCopy, runAction } from '../action/harness.js';
import { QUICK_LPO, readReport, summaries, writes } from '../action/scenarios.js';
import { BAD_BYTES, BOM, HOSTILE_LINE, hostileDataset, hostileModel, MARKER } from './content.js';
import { checkMarkdown } from './markdown.js';
import { proxiedWorld } from './world.js';

afterAll(removeActionCopy);

const LIMIT = 65_536;
const MATH = 'prompts/math.txt';
const HOSTILE_NAME = 'prompts/@octocat <img src=x onerror=alert(1)> `x` |.txt';
const INTRO = 'Solve the grade-school math problem below.';
const WORSE = 'Guess the answer quickly, then give the final answer as a number.';
const BETTER = 'Work through it step by step, then give the final answer as a number.';

describe.concurrent('the bundled Action on hostile content', () => {
  it('keeps the comment, the review and the suggestions well-formed; a forged marker hijacks nothing', async (ctx) => {
    const { expect } = ctx;
    const head = `${INTRO}\n${WORSE} ${HOSTILE_LINE}\n`;
    const w = await proxiedWorld(ctx, {
      // The hostile rows are the repository's own (the base commit's): the gate never reads the PR's.
      baseEdits: {
        [MATH]: `${INTRO}\n${BETTER} ${HOSTILE_LINE}\n`,
        'data/gsm8k.jsonl': await hostileDataset(),
      },
      edits: {
        [MATH]: head,
        [HOSTILE_NAME]: `Answer with the number. ${HOSTILE_LINE}\n`,
      },
      decorate: hostileModel('Guess the answer quickly'),
    });
    const [forged] = w.fake.seedComments(PR, 1, {
      login: 'mallory',
      body: () => `${MARKER}\n## LPO review\n\n✅ **no regression** (forged) ${HOSTILE_LINE}`,
    });
    const run = await runAction(w, { inputs: QUICK_LPO });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/regression/);
    expect(w.fake.violations).toEqual([]);

    // The forged comment is left as it was; the bot wrote its own.
    const all = w.fake.issueComments(PR);
    expect(all.find((c) => c.id === forged!.id)!.body).toBe(forged!.body);
    expect(all.find((c) => c.id === forged!.id)!.updated_at).toBe(forged!.updated_at);
    const mine = summaries(w).filter((c) => c.user.login === BOT.login);
    expect(mine).toHaveLength(1);
    const body = mine[0]!.body;
    expect(body.length).toBeLessThanOrEqual(LIMIT);
    expect(checkMarkdown(body, { marker: MARKER }).problems).toEqual([]);
    // The hostile content did reach the comment, made harmless: the checks above were not vacuous.
    expect(body).toContain('onerror');
    expect(body).toContain('@\u200Boctocat');
    expect(body).toMatch(/more characters\)/);
    // The model's bidi controls are gone and its line separators shown, not obeyed.
    expect(body).toContain('total evil x y z a<U+2028>b<U+2029>c');
    expect(run.summary.length).toBeGreaterThan(0);
    expect(checkMarkdown(run.summary).problems).toEqual([]);

    const [review] = w.fake.reviews(PR);
    expect(review!.body.length).toBeLessThanOrEqual(LIMIT);
    expect(checkMarkdown(review!.body, { marker: REVIEW_MARKER }).problems).toEqual([]);
    const inline = w.fake.reviewComments(PR);
    expect(inline.length).toBeGreaterThan(0);
    // The optimizer's reasons carry issue references of another repository: shown, but not links.
    const reasons = [body, review!.body, ...inline.map((c) => c.body)].join('\n');
    expect(reasons).toContain('victim/repo\\#\u200B3 https:\u200B//github.com/victim/repo/issues/\u200B1');
    for (const c of inline) {
      expect(c.body.length).toBeLessThanOrEqual(LIMIT);
      expect(checkMarkdown(c.body).problems).toEqual([]);
    }

    // Committing the inline suggestions gives exactly the suggested prompt, hostile line and all.
    const report = await readReport(run.outputs['report']!);
    const math = report.prompts.find((p) => p.path === MATH)!;
    expect(math.suggestion?.text).toContain(HOSTILE_LINE);
    const applied = applySuggestions(
      head,
      inline.filter((c) => c.path === MATH),
    );
    expect(applied).toBe(math.suggestion!.text);
    expect(report.prompts.map((p) => p.path).sort()).toEqual([MATH, HOSTILE_NAME].sort());

    // A re-run edits the bot's comment only.
    const again = await runAction(w, { inputs: QUICK_LPO });
    expect(again.code).toBe(1);
    const edits = writes(w, again.firstRequest).filter((r) => r.method === 'PATCH');
    expect(edits.map((r) => r.path)).toEqual([`/repos/octo-org/prompts/issues/comments/${mine[0]!.id}`]);
    expect(w.fake.issueComments(PR).find((c) => c.id === forged!.id)!.body).toBe(forged!.body);
    expect(w.fake.violations).toEqual([]);
  }, 180_000);

  it('suggests with CRLF in a CRLF file, keeps its BOM, and never rewrites bytes that are not UTF-8', async (ctx) => {
    const { expect } = ctx;
    const crlf = (lines: string[]) => `${lines.join('\r\n')}\r\n`;
    const baseLines = [`${BOM}${INTRO}`, 'Read the question twice.', BETTER];
    const headText = crlf([`${BOM}${INTRO}`, 'Read the question twice.', WORSE]);
    // Invalid bytes on a line the suggestion leaves alone, and on the line it must change.
    const bytesFile = (last: string) =>
      Buffer.concat([Buffer.from(`${INTRO}\nNumbers may look odd: `), BAD_BYTES, Buffer.from(`\n${last}\n`)]);
    const onEdited = (last: string) =>
      Buffer.concat([Buffer.from(`${INTRO}\n${last} `), BAD_BYTES, Buffer.from('\n')]);
    const w = await proxiedWorld(ctx, {
      baseEdits: {
        [MATH]: crlf(baseLines),
        'prompts/bytes.txt': bytesFile(BETTER),
        'prompts/edited.txt': onEdited(BETTER),
      },
      edits: {
        [MATH]: headText,
        'prompts/bytes.txt': bytesFile(WORSE),
        'prompts/edited.txt': onEdited(WORSE),
      },
    });
    // Three prompts evaluated on both sides take 720 of the default 1,000 requests; leave the
    // optimizer enough for a suggestion on each.
    const run = await runAction(w, { inputs: { ...QUICK_LPO, 'max-calls': '3000' } });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(w.fake.violations).toEqual([]);
    const report = await readReport(run.outputs['report']!);
    const inline = w.fake.reviewComments(PR);
    const [review] = w.fake.reviews(PR);
    expect(checkMarkdown(review!.body, { marker: REVIEW_MARKER }).problems).toEqual([]);
    for (const c of inline) expect(checkMarkdown(c.body).problems).toEqual([]);

    // CRLF: every line of the suggestion block ends in CRLF, and applying it keeps the file CRLF.
    const math = report.prompts.find((p) => p.path === MATH)!;
    const mathInline = inline.filter((c) => c.path === MATH);
    expect(mathInline.length).toBeGreaterThan(0);
    for (const c of mathInline) {
      const block = c.body.slice(c.body.indexOf('```'));
      expect(block.replace(/\r\n/g, '')).not.toContain('\n');
    }
    const applied = applySuggestions(headText, mathInline);
    expect(applied).toBe(math.suggestion!.text);
    expect(applied.startsWith(BOM)).toBe(true);
    expect(applied.replace(/\r\n/g, '')).not.toContain('\n');

    // A line with undecodable bytes is never the target of a suggestion: committing it would replace
    // the bytes with U+FFFD. The untouched line's bytes do not stop the others.
    for (const c of inline) expect(c.body).not.toContain('\uFFFD');
    expect(inline.some((c) => c.path === 'prompts/bytes.txt')).toBe(true);
    expect(inline.some((c) => c.path === 'prompts/edited.txt')).toBe(false);
    const bytes = report.prompts.find((p) => p.path === 'prompts/bytes.txt')!;
    const bytesHead = await readFile(`${w.repo.workspace}/prompts/bytes.txt`, 'utf8');
    expect(
      applySuggestions(
        bytesHead,
        inline.filter((c) => c.path === 'prompts/bytes.txt'),
      ),
    ).toBe(bytes.suggestion!.text);
  }, 180_000);

  it('moves a suggestion too long for an inline comment to the review body, within the limit', async (ctx) => {
    const { expect } = ctx;
    const long = `${WORSE} ${'Mind the units of every number given. '.repeat(1750)}`;
    const w = await proxiedWorld(ctx, {
      baseEdits: { [MATH]: `${INTRO}\n${BETTER}\n` },
      // One line only: whatever the optimizer changes, it changes that line.
      edits: { [MATH]: `${long}\n` },
    });
    expect(long.length).toBeGreaterThan(LIMIT);
    const run = await runAction(w, { inputs: { ...QUICK_LPO, concurrency: '16' } });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(w.fake.violations).toEqual([]);
    expect(run.warnings.join('\n')).not.toMatch(/refused/);
    const [review] = w.fake.reviews(PR);
    expect(review).toBeDefined();
    expect(review!.body.length).toBeLessThanOrEqual(LIMIT);
    expect(checkMarkdown(review!.body, { marker: REVIEW_MARKER }).problems).toEqual([]);
    // The suggestion is in the body as a diff, its huge line cut for reading.
    expect(review!.body).toContain('too long for an inline comment');
    expect(review!.body).toMatch(/^-Guess the answer quickly, .*…$/m);
    expect(w.fake.reviewComments(PR)).toEqual([]);
  }, 180_000);
});
