// The picture test: `npm run render` photographs the fixture review's comment and job summary in
// headless Chromium the way GitHub shows them, and fails on a chart mermaid cannot draw, a table wider
// than the PR column, or a folded comment of 1,500 px or more. Skipped, saying so, without Chromium.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../../src/tools/render/browser.js';
import { ROOT, runNode } from '../helpers/cli.js';

const chromium = findChromium();
if (!chromium) {
  process.stderr.write(
    'test/render/picture.e2e.test.ts: SKIPPED, no Chromium on PATH (apt-get install chromium, or set CHROMIUM)\n',
  );
}

let out: string;
beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'lpo-picture-'));
});
afterAll(() => rm(out, { recursive: true, force: true }));

const render = (...args: string[]) => runNode([path.join(ROOT, 'scripts', 'render.mjs'), ...args]);

/** A PNG's size from its IHDR chunk. */
async function pngSize(file: string): Promise<{ width: number; height: number }> {
  const bytes = await readFile(file);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe.skipIf(!chromium)('npm run render (headless Chromium)', () => {
  it('photographs the fixture review with every check passing', { timeout: 300_000 }, async () => {
    const res = await render('--out', out);
    expect(res.stderr).not.toMatch(/^error:/m);
    expect(res.code).toBe(0);
    for (const kind of ['comment', 'summary']) {
      const line = res.stdout.split('\n').find((l) => l.startsWith(`${kind}:`));
      const [, charts, folded, open] =
        /(\d+) charts?, folded (\d+) px, unfolded (\d+) px/.exec(line ?? '') ?? [];
      // Both prompts' charts and the optimizer's per-step chart, all drawn.
      expect(Number(charts)).toBeGreaterThanOrEqual(3);
      expect(Number(open)).toBeGreaterThan(Number(folded));
      const shot = await pngSize(path.join(out, `${kind}.png`));
      expect(shot.width).toBe(880);
      expect(Math.abs(shot.height - Number(folded))).toBeLessThanOrEqual(1);
      // The measure rounds up, the screenshot to the nearest pixel.
      const unfolded = await pngSize(path.join(out, `${kind}-open.png`));
      expect(Math.abs(unfolded.height - Number(open))).toBeLessThanOrEqual(1);
    }
    const comment = await readFile(path.join(out, 'comment.md'), 'utf8');
    expect(comment).toContain('Simulated');
    expect(comment).toContain('prompts/math.txt');
    expect(comment).toContain('prompts/boolean.prompt.yml');
  });

  it('fails with one line per broken check: a chart mermaid rejects, a wide table, a tall comment', {
    timeout: 120_000,
  }, async () => {
    const cells = (text: string) => `| ${Array.from({ length: 16 }, () => text).join(' | ')} |`;
    const markdown = [
      '## broken on purpose',
      '```mermaid\nxychart-beta\n  x-axis ["a", "b"]\n  bar [1, 2\n```',
      [cells('column'), cells('---'), cells('12.3 %')].join('\n'),
      '```mermaid\nxychart-beta\n  x-axis ["a", "b"]\n  bar [1, 2]\n```',
      ...Array.from({ length: 60 }, (_, i) => `paragraph ${i + 1}`),
    ].join('\n\n');
    const file = path.join(out, 'broken.md');
    await writeFile(file, markdown);
    const res = await render('--comment', file, '--out', path.join(out, 'broken'));
    expect(res.code).toBe(1);
    const errors = res.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^error: comment: chart 1: .*Parse error/);
    expect(errors[1]).toMatch(
      /^error: comment: table 1 needs \d+ px unwrapped; the 880 px column leaves 848 px$/,
    );
    expect(errors[2]).toMatch(/^error: comment: folded it is \d+ px tall, not under 1500 px$/);
  });
});
