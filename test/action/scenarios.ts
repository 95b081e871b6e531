// Shared by the end-to-end test files: PR edits the simulator scores worse or better, and readers of
// what a run left on the fake GitHub.
import { readFile } from 'node:fs/promises';
import type { TestContext } from 'vitest';
import { ReviewJsonSchema } from '../../src/render/json-report.js';
import { PR, startWorld, type World } from './harness.js';

export const MARKER = '<!-- lpo-review:summary -->';
export const STEP = 'Work through it step by step';
/** The simulator scores "guess" and "quickly" far below "step by step": a significant drop on test. */
export const regress = (text: string) => text.replace(STEP, 'Guess the answer quickly');
/** "check" adds to the simulated accuracy: a gain. */
export const improve = (text: string) => text.replace(STEP, `${STEP}, check each step`);
/** A small optimizer budget where a test needs a suggestion but not the default search. */
export const QUICK_LPO = { steps: '2', beam: '2', candidates: '2' };
/** The summary's test row of a regressed prompt: n, base % → head %, a negative Δ in pp [interval]. */
export const TEST_ROW_DROP = /^\| test \| \d+ \| \d+\.\d % → \d+\.\d % \| -\d+\.\d \[/m;
/** A top row of the summary: the prompt, its test base → head, Δ in pp [interval], the verdict word. */
export const topRow = (path: string, verdict: string) =>
  new RegExp(
    `^\\| ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\| \\d+\\.\\d % → \\d+\\.\\d % \\| [-+]?\\d+\\.\\d \\[.*\\] \\| ${verdict} \\|`,
    'm',
  );

/** A world closed when its test ends, pass or fail (tests run concurrently, so not in afterEach). */
export async function world(ctx: TestContext, opts: Parameters<typeof startWorld>[0]): Promise<World> {
  const w = await startWorld(opts);
  ctx.onTestFinished(() => w.close());
  return w;
}

export const modelCalls = (w: World) => w.sim.stats().total + w.sim.stats().errors;
export const summaries = (w: World) => w.fake.issueComments(PR).filter((c) => c.body.startsWith(MARKER));
export const writes = (w: World, from = 0) =>
  w.fake.requests.slice(from).filter((r) => r.method !== 'GET' && r.method !== 'HEAD');

/** The `report` output, checked against the published schema of the JSON report. */
export const readReport = async (path: string) =>
  ReviewJsonSchema.parse(JSON.parse(await readFile(path, 'utf8')));
