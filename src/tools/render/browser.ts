// The page in headless Chromium (the system's, driven by puppeteer-core: nothing is downloaded):
// mermaid 11 draws the charts, then the page is measured and photographed folded and unfolded.
import { accessSync, constants, writeFileSync } from 'node:fs';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { COLUMN_PX, type Kind, PADDING_PX, mermaidScript, pageHtml } from './page.js';

// The page's globals as far as used here: the project compiles without the DOM library, and these
// module-local declarations keep it so (the functions below run in the page, not in Node).
interface PageElement {
  textContent: string | null;
  innerHTML: string;
  open: boolean;
  scrollWidth: number;
  style: { maxWidth: string };
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { height: number };
  querySelectorAll(selector: string): Iterable<PageElement>;
}
interface Mermaid {
  initialize(config: object): void;
  render(id: string, text: string): Promise<{ svg: string }>;
}
declare const document: PageElement & { querySelector(selector: string): PageElement | null };
declare const window: { mermaid: Mermaid };

/** Chromium from $CHROMIUM or the PATH (Debian names it `chromium`). */
export function findChromium(): string | undefined {
  const names = ['chromium', 'chromium-browser'];
  const candidates = process.env.CHROMIUM
    ? [process.env.CHROMIUM]
    : (process.env.PATH ?? '').split(path.delimiter).flatMap((dir) => names.map((n) => path.join(dir, n)));
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export interface Measure {
  kind: Kind;
  charts: number;
  /** One line per chart mermaid could not draw. */
  chartErrors: string[];
  /** Height of the body with every <details> folded, as a reader first sees it, and unfolded. */
  foldedPx: number;
  openPx: number;
  /** Each table's width with no cell wrapped (unfolded), against the width the column leaves for text. */
  tables: number[];
  textPx: number;
  screenshots: string[];
}

export async function launch(executablePath: string): Promise<Browser> {
  // Root (as in CI) cannot use Chromium's sandbox; the page is our own markdown and a local script.
  return puppeteer.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
}

/** Draws every chart the way GitHub's mermaid viewer does; a chart that fails leaves its message. */
async function drawCharts(page: Page): Promise<{ charts: number; errors: string[] }> {
  return page.evaluate(async () => {
    const { mermaid } = window;
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
    const nodes = [...document.querySelectorAll('pre.mermaid')];
    const errors: string[] = [];
    for (const [i, node] of nodes.entries()) {
      try {
        const { svg } = await mermaid.render(`chart-${i}`, node.textContent ?? '');
        node.innerHTML = svg;
      } catch (error) {
        errors.push(`chart ${i + 1}: ${String((error as Error).message ?? error).split('\n')[0]}`);
      }
    }
    // mermaid also draws its own error picture ("Syntax error in text") where a chart failed.
    const drawn = [...document.querySelectorAll('article svg')];
    drawn.forEach((svg, i) => {
      if (svg.getAttribute('aria-roledescription') === 'error' || /Syntax error/.test(svg.textContent ?? ''))
        errors.push(`chart ${i + 1}: mermaid drew its error picture`);
    });
    return { charts: nodes.length, errors };
  });
}

async function heightAndTables(page: Page, open: boolean): Promise<{ height: number; tables: number[] }> {
  return page.evaluate((open) => {
    for (const d of document.querySelectorAll('details')) d.open = open;
    const body = document.querySelector('article')!;
    // GitHub caps a table at the column and wraps its cells ("85.7 % → 66.7 %" over two lines), so
    // the width that matters is the one it needs unwrapped: measured with the cap lifted.
    const tables = [...body.querySelectorAll('table')].map((t) => {
      t.style.maxWidth = 'none';
      const width = t.scrollWidth;
      t.style.maxWidth = '';
      return width;
    });
    return { height: Math.ceil(body.getBoundingClientRect().height), tables };
  }, open);
}

/** Renders one markdown text, writes `<name>.png` (folded) and `<name>-open.png` into `out`. */
export async function measure(
  browser: Browser,
  root: string,
  markdown: string,
  kind: Kind,
  out: string,
): Promise<Measure> {
  const page = await browser.newPage();
  try {
    await page.setViewport({ width: COLUMN_PX, height: 1000, deviceScaleFactor: 1 });
    const html = pageHtml(root, markdown, kind);
    writeFileSync(path.join(out, `${kind}.html`), html);
    await page.setContent(html, { waitUntil: 'load' });
    await page.addScriptTag({ path: mermaidScript(root) });
    const { charts, errors } = await drawCharts(page);
    const article = (await page.$('article'))!;
    const shots = [path.join(out, `${kind}.png`), path.join(out, `${kind}-open.png`)];
    const folded = await heightAndTables(page, false);
    await article.screenshot({ path: shots[0] as `${string}.png` });
    const open = await heightAndTables(page, true);
    await article.screenshot({ path: shots[1] as `${string}.png` });
    return {
      kind,
      charts,
      chartErrors: errors,
      foldedPx: folded.height,
      openPx: open.height,
      tables: open.tables,
      textPx: COLUMN_PX - 2 * PADDING_PX,
      screenshots: shots,
    };
  } finally {
    await page.close();
  }
}
