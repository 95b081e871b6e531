// Attacks on the owner's bill, through the bundled Action: the PR adds a prompt file that names an
// expensive model, asks for 100,000 output tokens and carries 2,000 examples. The workflow's inputs
// (max-calls, max-output-tokens, max-examples, allowed-models) bound every request of the run.
import { afterAll, describe, it } from 'vitest';
import { removeActionCopy, runAction } from '../action/harness.js';
import { readReport, world } from '../action/scenarios.js';
import { startModelProxy } from '../hostile/model-proxy.js';

afterAll(removeActionCopy);

/** A .prompt.yml with `rows` testData rows; the examples' boolean entry covers prompts/*.prompt.yml. */
function promptFile(opts: { model: string; rows: number }): string {
  const rows = Array.from(
    { length: opts.rows },
    (_, i) =>
      `  - input: "True and ${i % 2 === 0 ? 'True' : 'False'} or False #${i} is"\n    expected: "${i % 2 === 0}"`,
  );
  return [
    'name: Expensive',
    `model: ${opts.model}`,
    'modelParameters:',
    '  temperature: 0',
    '  max_tokens: 100000',
    'messages:',
    '  - role: user',
    '    content: "Evaluate: {{input}}"',
    'testData:',
    ...rows,
    'evaluators:',
    '  - name: answer matches',
    '    string:',
    '      equals: "{{expected}}"',
    '',
  ].join('\n');
}

describe.concurrent('the owner bounds what a pull request can spend', () => {
  it('a model outside allowed-models is one line before any request', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, {
      edits: { 'prompts/costly.prompt.yml': promptFile({ model: 'o1-pro', rows: 20 }) },
    });
    const proxy = await startModelProxy(w.sim.url);
    ctx.onTestFinished(() => proxy.close());
    const run = await runAction(w, { inputs: { 'base-url': proxy.url } });
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      expect.stringMatching(
        /^prompts\/costly\.prompt\.yml: model "o1-pro" is not allowed \(allowed: gpt-4\.1-mini;/,
      ),
    ]);
    expect(proxy.requests).toEqual([]);

    // Allowed by the owner, the same file runs, and every request's max_tokens is held to the cap.
    const allowed = await runAction(w, {
      inputs: {
        'base-url': proxy.url,
        'allowed-models': 'o1-pro',
        'max-output-tokens': '256',
        optimize: 'false',
      },
    });
    expect(allowed.errors.join('\n')).not.toMatch(/not allowed/);
    const bodies = proxy.requests
      .filter((r) => r.path.endsWith('/chat/completions'))
      .map((r) => JSON.parse(r.body));
    expect(bodies.length).toBeGreaterThan(0);
    expect(bodies.every((b) => (b.max_tokens ?? b.max_completion_tokens) === 256)).toBe(true);
  }, 120_000);

  it('max-calls bounds evaluation and optimizer together, and a cut evaluation fails closed', async (ctx) => {
    const { expect } = ctx;
    const w = await world(ctx, {
      edits: { 'prompts/costly.prompt.yml': promptFile({ model: 'gpt-4.1-mini', rows: 2000 }) },
    });
    const proxy = await startModelProxy(w.sim.url);
    ctx.onTestFinished(() => proxy.close());
    const run = await runAction(w, {
      inputs: { 'base-url': proxy.url, 'max-calls': '50', 'max-examples': '300' },
    });
    const chats = proxy.requests.filter((r) => r.path.endsWith('/chat/completions'));
    expect(chats.length).toBeLessThanOrEqual(50);
    expect(chats.length).toBeGreaterThan(0);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.errors).toEqual([
      expect.stringMatching(
        /ceiling of 50 requests \(max-calls\) was reached before prompts\/costly\.prompt\.yml could be fully evaluated; the check fails closed/,
      ),
    ]);
    const report = await readReport(run.outputs['report']!);
    const costly = report.prompts.find((p) => p.path === 'prompts/costly.prompt.yml')!;
    // max-examples held the 2,000 rows to 300 per split; the plan said so before the first request.
    expect(costly.split!.test.n).toBeLessThanOrEqual(300);
    expect(report.notes.find((n) => n.startsWith('Plan: at most 50 model requests'))).toBeDefined();
  }, 120_000);
});
