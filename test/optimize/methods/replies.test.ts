// The reply corpus (fixtures/replies.ts) through the real path: LlmClient over HTTP, ask's structured
// request and plain-text re-ask, the format parsers, and the methods' enforcement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeholdersIn } from '../../../src/config/placeholders.js';
import { ask } from '../../../src/optimize/ask.js';
import { type MetaPromptName, metaPrompt } from '../../../src/optimize/meta-prompts.js';
import { type FormatName, fromText, SCHEMAS } from '../../../src/optimize/methods/formats.js';
import { unwrapVersion } from '../../../src/optimize/methods/replies.js';
import { Tally } from '../../../src/optimize/tally.js';
import { wholeProposals } from '../../../src/optimize/methods/global.js';
import { spanProposals, tagging } from '../../../src/optimize/methods/local.js';
import { cleanReasons, type ProposeContext } from '../../../src/optimize/methods/shared.js';
import { type Candidate, DEFAULT_OPTIONS } from '../../../src/optimize/types.js';
import { textTask } from '../helpers.js';
import { P, REPLIES, type ReplyCase } from '../fixtures/replies.js';
import { cannedEndpoint } from './canned.js';

const META: Record<FormatName, MetaPromptName> = {
  reasons: 'apo-gradient',
  reflection: 'pe2-reflect',
  tagged: 'lpo-identify',
  edits: 'lpo-propose',
  prompts: 'lpo-global',
};

let current: ReplyCase;
let endpoint: Awaited<ReturnType<typeof cannedEndpoint>>;

beforeAll(async () => {
  let calls = 0;
  let last: ReplyCase | undefined;
  endpoint = await cannedEndpoint(() => {
    calls = last === current ? calls + 1 : 1;
    last = current;
    if (calls === 1) return { content: current.reply, finish: current.finish ?? 'stop' };
    return { content: current.fallback ?? current.reply };
  });
});
afterAll(() => endpoint.close());

async function run(c: ReplyCase) {
  const ctx = endpoint.context(c.json);
  const parent = c.parent ?? P;
  const pctx: ProposeContext = {
    ask: ctx,
    task: textTask(parent),
    options: { ...DEFAULT_OPTIONS },
    head: parent,
  };
  const meta = META[c.format];
  const values = Object.fromEntries(placeholdersIn(metaPrompt(meta)).map((k) => [k, `(${k})`]));
  const req = { meta, values, temperature: 0.7, seed: 1 };
  const root: Candidate = { prompt: parent, parent: null, step: 0, edits: [], size: 0 };
  const count = c.count ?? 4;
  let got: unknown;
  if (c.format === 'prompts') {
    const out = await wholeProposals(pctx, root, parent, { ...req, format: 'prompts' }, count, 1, 'r');
    got = out.map((x) => x.prompt);
  } else if (c.format === 'edits') {
    const t = c.tags!;
    const out = await spanProposals(pctx, root, t, t, { ...req, format: 'edits' }, count, 1);
    got = out.candidates.map((x) => x.prompt);
  } else if (c.format === 'tagged') {
    const answer = await ask(ctx, { ...req, format: 'tagged' });
    got = answer ? (tagging(pctx, parent, answer.value)?.spans ?? null) : null;
  } else if (c.format === 'reflection') {
    const answer = await ask(ctx, { ...req, format: 'reflection' });
    if (c.analysis) expect(answer?.value.analysis).toContain(c.analysis);
    got = answer ? cleanReasons(answer.value.reasons) : null;
  } else {
    const answer = await ask(ctx, { ...req, format: 'reasons' });
    got = answer ? cleanReasons(answer.value.reasons) : null;
  }
  return { got, repaired: ctx.tally.repairs(), discarded: ctx.tally.discarded() };
}

describe('the optimizer reply corpus', () => {
  it('holds at least 50 replies across every format and both modes', () => {
    expect(REPLIES.length).toBeGreaterThanOrEqual(50);
    expect(new Set(REPLIES.map((c) => c.format)).size).toBe(Object.keys(META).length);
    expect(new Set(REPLIES.map((c) => c.name)).size).toBe(REPLIES.length);
    for (const json of [true, false]) expect(REPLIES.some((c) => c.json === json)).toBe(true);
  });

  it.each(REPLIES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    current = c;
    const result = await run(c);
    const empty = c.format === 'prompts' || c.format === 'edits' ? [] : null;
    expect(result).toEqual({
      got: c.expected ?? empty,
      repaired: c.repaired ?? {},
      discarded: c.discarded ?? {},
    });
  });
});

describe('hostile replies', () => {
  it('are read in linear time', () => {
    const hostile = [
      ' '.repeat(200_000),
      '<edit>'.repeat(20_000),
      `<prompt>${'\n'.repeat(100_000)}`,
      `Version${' '.repeat(100_000)}x`,
      `1.${' '.repeat(100_000)}x`,
      `Reasons${' '.repeat(100_000)}`,
    ];
    const started = performance.now();
    for (const text of hostile) {
      for (const format of Object.keys(SCHEMAS) as FormatName[]) {
        fromText(format, text, { truncated: false, repaired: () => {} });
      }
      unwrapVersion(P, text, new Tally());
    }
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
