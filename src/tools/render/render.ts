// `npm run render [-- --out <dir>] [--comment <file.md>] [--summary <file.md>]`: the PR comment and the
// job summary as GitHub shows them, photographed in headless Chromium at the PR column's width, and
// checked: every chart drawn, no table wider than the column, the folded comment under 1,500 px.
// Without files it renders the fixture review (fixture.ts): both prompts of examples/ edited, reviewed
// by the built CLI and the Action's bundle against the simulator. Exit 1 names each failed check.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Measure, findChromium, launch, measure } from './browser.js';
import { fixtureReview } from './fixture.js';
import { COLUMN_PX, type Kind } from './page.js';

/** The most a folded comment may take: about one screen and a half, verdict and rows in the first. */
const MAX_FOLDED_PX = 1500;

/** One line per failed check; none when the page is fine. */
function failures(m: Measure): string[] {
  const out = m.chartErrors.map((e) => `${m.kind}: ${e}`);
  m.tables.forEach((width, i) => {
    if (width > m.textPx)
      out.push(
        `${m.kind}: table ${i + 1} needs ${width} px unwrapped; the ${COLUMN_PX} px column leaves ${m.textPx} px`,
      );
  });
  if (m.kind === 'comment' && m.foldedPx >= MAX_FOLDED_PX)
    out.push(`comment: folded it is ${m.foldedPx} px tall, not under ${MAX_FOLDED_PX} px`);
  return out;
}

const reportLine = (m: Measure) =>
  `${m.kind}: ${m.charts} chart${m.charts === 1 ? '' : 's'}, folded ${m.foldedPx} px, unfolded ${m.openPx} px, ` +
  `widest table ${Math.max(0, ...m.tables)} px unwrapped (of ${m.textPx} px) → ${m.screenshots.join(', ')}`;

async function sources(root: string, opts: { comment?: string; summary?: string }) {
  if (opts.comment || opts.summary) {
    const read = (file?: string) => (file ? readFileSync(file, 'utf8') : undefined);
    return { comment: read(opts.comment), summary: read(opts.summary) };
  }
  const work = mkdtempSync(path.join(os.tmpdir(), 'lpo-render-'));
  try {
    return await fixtureReview(root, work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const root = path.resolve(import.meta.dirname, '..', '..', '..');
  const { values } = parseArgs({
    options: { out: { type: 'string' }, comment: { type: 'string' }, summary: { type: 'string' } },
  });
  const chromium = findChromium();
  if (!chromium) {
    process.stderr.write('error: no Chromium found (install Debian\'s "chromium", or set CHROMIUM)\n');
    return 2;
  }
  const out = path.resolve(values.out ?? path.join(root, 'render-out'));
  mkdirSync(out, { recursive: true });
  const texts = await sources(root, values);
  const browser = await launch(chromium);
  const failed: string[] = [];
  try {
    for (const kind of ['comment', 'summary'] as Kind[]) {
      const markdown = texts[kind];
      if (markdown === undefined) continue;
      writeFileSync(path.join(out, `${kind}.md`), markdown);
      const m = await measure(browser, root, markdown, kind, out);
      process.stdout.write(`${reportLine(m)}\n`);
      failed.push(...failures(m));
    }
  } finally {
    await browser.close();
  }
  for (const line of failed) process.stderr.write(`error: ${line}\n`);
  return failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
