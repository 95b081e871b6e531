// Threat: a PR whose prompt makes the model's answers unusable (filtered, cut off) must not escape the
// gate, and an endpoint sending huge answers must not take the runner's memory. Through the bundled
// Action (see test/action/harness.ts): before, a head prompt whose every answer was filtered or cut
// off left accuracy ("could not evaluate"), and a 31 MB answer was read whole, once per request.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { MATH, mathPrompt, removeActionCopy, runAction } from '../action/harness.js';
import { improve, readReport, STEP, summaries, world } from '../action/scenarios.js';

afterAll(removeActionCopy);

/** A phrase only the head prompt has: the simulator filters or cuts every answer to a request with it. */
const MARK = 'Show every step in full';
const PROBE = path.join(import.meta.dirname, 'rss-probe.cjs');
const ANSWER_BYTES = 31 * 1024 * 1024;

/** An endpoint whose every chat completion is `bytes` long, sent in chunks without Content-Length. */
async function startHugeAnswers(bytes: number) {
  const stats = { requests: 0, finished: 0, cut: 0 };
  const head =
    '{"id":"chatcmpl-huge","object":"chat.completion","created":0,"model":"m","choices":[{"index":0,' +
    '"message":{"role":"assistant","content":"The answer is 18. ';
  const tail = '"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":10}}';
  const chunk = Buffer.alloc(256 * 1024, 'a');
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"not found"}}');
        return;
      }
      stats.requests++;
      res.on('close', () => {
        if (res.writableFinished) stats.finished++;
        else stats.cut++;
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(head);
      let left = bytes - head.length - tail.length;
      // Written as fast as the client reads, so what got out is what the client took in.
      const pump = () => {
        while (left > 0 && !res.destroyed) {
          const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
          left -= piece.length;
          if (!res.write(piece)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end(tail);
      };
      pump();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.concurrent('answers the head prompt causes, and answers too large to read', () => {
  it('counts filtered and cut-off answers as wrong: a regression, shown by kind', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, {
      edits: { [MATH]: (await mathPrompt()).replace(STEP, `${MARK}. ${STEP}`) },
      faults: { rate: 1, seed: 3, kinds: ['content-filter', 'length'], only: MARK },
    });
    const run = await runAction(w, { inputs: { optimize: 'false' } });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.outputs['regressed']).toBe('true');
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/^prompt regression/);

    const report = await readReport(run.outputs['report']!);
    const math = report.prompts.find((p) => p.path === MATH)!;
    expect(math).toMatchObject({ state: 'evaluated', regressed: true, verdictKind: 'regression' });
    const head = math.head!.splits.test!;
    const base = math.base!.splits.test!;
    // Every head answer came back unusable, and each counts as wrong, none as an error.
    expect(head).toMatchObject({ errors: 0, correct: 0, accuracy: 0 });
    const truncated = head.failures?.truncated ?? 0;
    const filtered = head.failures?.filtered ?? 0;
    expect(truncated).toBeGreaterThan(0);
    expect(filtered).toBeGreaterThan(0);
    expect(truncated + filtered).toBe(head.total);
    expect(base.failures).toBeUndefined();
    expect(base.correct).toBeGreaterThan(0);
    // The simulator filtered or cut exactly the head's requests.
    const faults = w.sim.stats().faults;
    expect((faults['content-filter'] ?? 0) + (faults.length ?? 0)).toBeGreaterThanOrEqual(head.total);

    // The reader is told why the head scored so: by kind, counted wrong, and not "could not evaluate".
    const line = `head test: ${truncated} truncated, ${filtered} filtered, counted wrong`;
    const [comment] = summaries(w);
    expect(comment!.body).toContain(line);
    expect(comment!.body).toContain('❌ **regression**');
    expect(comment!.body).not.toMatch(/could not/i);
    expect(run.summary).toContain(line);
  }, 90_000);

  it('rejects a 31 MB answer as an error of its request, without reading it or holding it', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, { edits: { [MATH]: improve(await mathPrompt()) } });
    const huge = await startHugeAnswers(ANSWER_BYTES);
    const dir = await mkdtemp(path.join(tmpdir(), 'lpo-rss-'));
    ctx.onTestFinished(async () => {
      await huge.close();
      await rm(dir, { recursive: true, force: true });
    });
    const probe = (name: string) => ({
      NODE_OPTIONS: `--require ${PROBE}`,
      LPO_RSS_FILE: path.join(dir, name),
    });
    const peakKb = async (name: string) => Number(await readFile(path.join(dir, name), 'utf8'));

    // The same run against a well-behaved endpoint: the memory a review takes anyway.
    const normal = await runAction(w, { inputs: { optimize: 'false' }, env: probe('normal') });
    expect(normal.code, normal.stdout + normal.stderr).toBe(0);

    const run = await runAction(w, {
      inputs: { optimize: 'false', 'base-url': huge.url },
      env: probe('hostile'),
    });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.errors.length).toBeGreaterThan(0);
    for (const error of run.errors) expect(error).not.toContain('\n');
    expect(run.errors.join(' ')).toMatch(/response body exceeds 1048576 bytes \(max-response-bytes\)/);
    expect(run.stdout + run.stderr).not.toMatch(/a bug|\n\s+at /);

    // Each example asked once (not retried), and no answer was read to its end.
    const report = await readReport(run.outputs['report']!);
    const math = report.prompts.find((p) => p.path === MATH)!;
    expect(math.state).toBe('failed');
    expect(math.error).toMatch(/max-response-bytes/);
    expect(huge.stats.requests).toBeGreaterThan(0);
    await expect.poll(() => huge.stats.cut).toBe(huge.stats.requests);
    expect(huge.stats.finished).toBe(0);
    const [comment] = summaries(w).slice(-1);
    expect(comment!.body).toMatch(/response body exceeds 1048576 bytes/);

    // With 8 requests in flight, reading the answers would hold several times their size at once; the
    // runner held less than two answers' worth more than the well-behaved run (measured: ~15 MB).
    const extraKb = (await peakKb('hostile')) - (await peakKb('normal'));
    expect(extraKb).toBeLessThan((2 * ANSWER_BYTES) / 1024);

    // The limit is the owner's input, checked like any other.
    const before = huge.stats.requests;
    const bad = await runAction(w, { inputs: { 'base-url': huge.url, 'max-response-bytes': 'lots' } });
    expect(bad.code).toBe(1);
    expect(bad.errors).toEqual([
      'input max-response-bytes: expected an integer from 1 to 1073741824, got "lots"',
    ]);
    expect(huge.stats.requests).toBe(before);
  }, 120_000);
});
