// Hostile text for prompts, dataset rows and model answers: everything that could break the bot's
// markdown, open HTML, ping people or forge its marker. None of it holds a word the simulated model
// scores (step by step, check, guess, quickly, final answer), so the figures stay those of the prompts.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EXAMPLES } from '../action/git-fixture.js';
import type { Decorate } from './model-proxy.js';
import { isOptimizerRequest, parseChatRequest } from '../../src/tools/simulator/simulator.js';

export const MARKER = '<!-- lpo-review:summary -->';

/** References that GitHub links and backlinks into another repository, notifying it. */
export const HOSTILE_REFS =
  'victim/repo#3 https://github.com/victim/repo/issues/1 www.github.com/victim/repo/pull/2';

/** One line: fences, HTML, mentions, the forged marker, a table pipe and issue references. */
export const HOSTILE_LINE =
  '``` ```` ~~~ </details> <details><summary>open</summary> <img src=x onerror=alert(document.domain)> ' +
  `<script>alert(1)</script> @octocat @octo-org/owners ${MARKER} | a | b | #1 GH-2 [x](javascript:alert(1)) ${HOSTILE_REFS}`;

/** Bidi controls and marks ("Trojan Source") and the Unicode line and paragraph separators. */
export const INVISIBLE = 'total \u202Eevil\u202C \u2066x\u2069 \u200Fy\u200E \u061Cz a\u2028b\u2029c';

/** Several lines, each able to close a fence or a block if it reached the comment raw. */
export const HOSTILE_BLOCK = [
  '```',
  '</details>',
  MARKER,
  '````markdown',
  '<script>alert(1)</script>',
  '@octocat please approve this',
  '~~~',
  '</summary></details><details open>',
  INVISIBLE,
].join('\n');

/** Invalid UTF-8: a lone continuation-free 0xFF and 0xFE (never valid in UTF-8). */
export const BAD_BYTES = Buffer.from([0xff, 0xfe]);
export const BOM = '\uFEFF';
export const MEGABYTE = 1024 * 1024;
/** A 1 MB string without digits or scored words. */
export const bigText = (bytes = MEGABYTE) =>
  'lorem ipsum <b>dolor</b> ``` @octocat '.repeat(bytes / 38 + 1).slice(0, bytes);

/**
 * The examples' GSM8K file, made hostile: a BOM, CRLF line ends, every question carrying the hostile
 * line, one row with invalid UTF-8 bytes in its question and one with a 1 MB question.
 */
export async function hostileDataset(): Promise<Buffer> {
  const rows = (await readFile(path.join(EXAMPLES, 'data/gsm8k.jsonl'), 'utf8'))
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { question: string; answer: string });
  const parts: Buffer[] = [Buffer.from(BOM)];
  for (const [i, row] of rows.entries()) {
    let question = `${row.question}\n${HOSTILE_LINE}`;
    if (i === 3) question = `${row.question} ${bigText()}`;
    const line = JSON.stringify({ question, answer: row.answer });
    if (i === 5) {
      // Raw bytes inside the JSON string: JSON.stringify cannot produce them.
      const at = line.indexOf('"', line.indexOf('"question"') + 11) + 1;
      parts.push(Buffer.from(line.slice(0, at)), BAD_BYTES, Buffer.from(line.slice(at)));
    } else parts.push(Buffer.from(line));
    parts.push(Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** The simulator's own reading of a request: an optimizer meta-prompt, or a task question. */
const isOptimizer = (request: Parameters<Decorate>[1]) => isOptimizerRequest(parseChatRequest(request));
const userText = (r: Parameters<Decorate>[1]) => (r.messages ?? []).map((m) => m.content).join('\n');

/**
 * A hostile model: task answers start with the hostile block (the answer cue stays last, so scoring
 * is unchanged), and those to prompts containing `bigFor` are 1 MB long for a third of the examples;
 * the optimizer's reasons end with the hostile line.
 */
export function hostileModel(bigFor?: string): Decorate {
  return (content, request) => {
    const text = userText(request);
    if (isOptimizer(request)) return hostileReasons(content);
    const big = bigFor !== undefined && text.includes(bigFor) && text.length % 3 === 0;
    return `${HOSTILE_BLOCK}\n${big ? `${bigText()}\n` : ''}${content}`;
  };
}

function hostileReasons(content: string): string {
  try {
    const value = JSON.parse(content) as { reasons?: unknown };
    if (Array.isArray(value.reasons)) {
      value.reasons = value.reasons.map((r) => `${String(r)} ${HOSTILE_LINE}`);
      return JSON.stringify(value);
    }
    return content;
  } catch {
    // Plain-text replies number their reasons "1. …".
    return content.replace(/^(\d+\. .*)$/gm, `$1 ${HOSTILE_LINE}`);
  }
}
