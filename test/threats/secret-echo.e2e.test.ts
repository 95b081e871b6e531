// A hostile model endpoint hands the API key back in forms an exact mask misses: spaced out, with
// dashes and upper-cased, base64 of the key and of its Authorization header. Whether it does so in its
// error bodies or in its answers, none of them may reach the comment, the review, the job summary,
// the report, the log or any file the run leaves; the user sees `***` where they were.
import { readFile } from 'node:fs/promises';
import { afterAll, describe, type ExpectStatic, it } from 'vitest';
import { MATH, mathPrompt, PR, removeActionCopy, runAction, type ActionRun } from '../action/harness.js';
import { QUICK_LPO, regress } from '../action/scenarios.js';
import type { ModelRequest } from '../hostile/model-proxy.js';
import { type ProxiedWorld, proxiedWorld } from '../hostile/world.js';
import { scanTree } from '../secrets/scan.js';

afterAll(removeActionCopy);

const KEY = 'sk-test-LPO-ECHO-4b7e1d9a2c';

/** What the endpoint sends back, built from the Authorization header it received. */
function echoed(authorization: string): string[] {
  const token = authorization.replace(/^Bearer /, '');
  return [
    [...token].join(' '),
    [...token].join('-').toUpperCase(),
    Buffer.from(token).toString('base64'),
    Buffer.from(authorization).toString('base64'),
  ];
}
const FORMS = [KEY, ...echoed(`Bearer ${KEY}`)];

/** Letters and digits only, lower-cased: finds the key however it is spaced or cased. */
const squeeze = (s: string) => s.replace(/[^A-Za-z0-9]/g, '').toLowerCase();

/** The forms of the key found in `text`, exactly or squeezed. */
function leaks(text: string): string[] {
  const squeezed = squeeze(text);
  return FORMS.filter((f) => text.includes(f) || squeezed.includes(squeeze(f)));
}

/** The log without the runner's mask commands, which register the forms and are never shown. */
const shownLog = (run: ActionRun) =>
  run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');

async function checkNothingLeaked(expect: ExpectStatic, w: ProxiedWorld, run: ActionRun): Promise<void> {
  // The runner is told every form, the key first (the runner's own log masking).
  const masks = run.commands.filter((c) => c.command === 'add-mask').map((c) => c.message);
  expect(masks[0]).toBe(KEY);
  for (const form of [FORMS[3]!, FORMS[4]!]) expect(masks).toContain(form);

  const posted = [w.fake.issueComments(PR), w.fake.reviews(PR), w.fake.reviewComments(PR)];
  expect(posted[0]!.length).toBeGreaterThan(0);
  expect(leaks(JSON.stringify(posted))).toEqual([]);
  expect(leaks(JSON.stringify(w.fake.requests))).toEqual([]);
  expect(leaks(shownLog(run))).toEqual([]);
  expect(leaks(run.stderr)).toEqual([]);
  expect(run.summary.length).toBeGreaterThan(0);
  expect(leaks(run.summary)).toEqual([]);
  expect(leaks(await readFile(run.outputs['report']!, 'utf8'))).toEqual([]);
  for (const dir of [...w.temps, w.repo.workspace]) {
    const scan = await scanTree(dir, FORMS);
    expect(scan.files).toBeGreaterThan(0);
    expect(scan.leaks, dir).toEqual([]);
  }
  // Nor is any form sent back to the endpoint in a later prompt; the header is the one place for the key.
  for (const r of w.proxy.requests) {
    expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(leaks(r.body), r.path).toEqual([]);
  }
}

const isChat = (r: ModelRequest) => r.method === 'POST' && r.path.includes('/chat/completions');

describe.concurrent('an endpoint that echoes the key in other forms', () => {
  it('in its error bodies: the step fails with the masked error, and no form is anywhere', async (ctx) => {
    const { expect } = ctx;
    const w = await proxiedWorld(ctx, {
      edits: { [MATH]: regress(await mathPrompt()) },
      reject: (r) =>
        isChat(r)
          ? {
              status: 400,
              body: {
                error: {
                  message: `Invalid key:\n${echoed(String(r.headers.authorization)).join('\n')}`,
                  type: 'invalid_request_error',
                },
              },
            }
          : undefined,
    });
    const run = await runAction(w, { inputs: { ...QUICK_LPO, 'api-key': KEY } });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    // What happened is still said, in one line, with the echoes masked.
    expect(run.errors.join('\n')).toMatch(/HTTP 400: Invalid key: \*\*\* \*\*\* \*\*\* \*\*\*/);
    const [comment] = w.fake.issueComments(PR);
    expect(comment!.body).toMatch(/could not be evaluated: .*HTTP 400: Invalid key: \\\*\\\*\\\*/);
    await checkNothingLeaked(expect, w, run);
  }, 120_000);

  it('in its answers: flipped examples and suggestions show *** instead, and no form is anywhere', async (ctx) => {
    const { expect } = ctx;
    const w = await proxiedWorld(ctx, {
      edits: { [MATH]: regress(await mathPrompt()) },
      // Before the answer, so the number the scorer reads is still the last one.
      decorate: (content) => `Your key: ${FORMS.slice(1).join(' / ')}\n${content}`,
    });
    const run = await runAction(w, { inputs: { ...QUICK_LPO, 'api-key': KEY } });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.errors[0]).toMatch(/regression/);
    const [comment] = w.fake.issueComments(PR);
    // The flipped examples quote the answers, echo masked: the check above them is not vacuous.
    expect(comment!.body).toContain('Your key: *** / *** / *** / ***');
    await checkNothingLeaked(expect, w, run);
  }, 180_000);
});
