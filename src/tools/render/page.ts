// Markdown to the page GitHub would show: GitHub-flavoured markdown (marked, GFM), GitHub's own
// stylesheet (github-markdown-css), ```mermaid blocks left for mermaid 11 to draw in the browser.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Marked, type Tokens } from 'marked';

/** The PR conversation column GitHub gives a comment's body, in CSS pixels. */
export const COLUMN_PX = 880;
/** github-markdown-css's padding inside a comment box; the text gets the column less twice this. */
export const PADDING_PX = 16;

export type Kind = 'comment' | 'summary';

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The body's HTML. Comments take a line break as a line break (GitHub renders issue and PR comments so);
 * the job summary is read like a markdown file, where it does not.
 */
export function markdownHtml(markdown: string, kind: Kind): string {
  const marked = new Marked({ gfm: true, breaks: kind === 'comment' });
  marked.use({
    renderer: {
      code(token: Tokens.Code) {
        if (token.lang?.trim() !== 'mermaid') return false;
        return `<pre class="mermaid">${escapeHtml(token.text)}</pre>\n`;
      },
    },
  });
  return marked.parse(markdown, { async: false });
}

export function pageHtml(root: string, markdown: string, kind: Kind): string {
  const css = readFileSync(
    path.join(root, 'node_modules', 'github-markdown-css', 'github-markdown-light.css'),
    'utf8',
  );
  return `<!doctype html>
<html><head><meta charset="utf-8">
<style>${css}</style>
<style>
  body { margin: 0; background: #fff; }
  .markdown-body { box-sizing: border-box; width: ${COLUMN_PX}px; padding: ${PADDING_PX}px; }
  pre.mermaid { background: transparent; text-align: center; }
</style></head>
<body><article class="markdown-body" data-kind="${kind}">
${markdownHtml(markdown, kind)}
</article></body></html>`;
}

export const mermaidScript = (root: string) =>
  path.join(root, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js');
