// The simulated judge, asked over HTTP with the OpenAI SDK through the requests src/eval really builds
// (judgeRequest, pairwiseMessage): what it checks, the share of verdicts it gets wrong, the position
// bias that only the order swap cancels, and the worse answers a request that lost information gets.
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JudgeScorerSpec } from '../../../src/core/types.js';
import { type JudgeInput, judgeRequest } from '../../../src/eval/judge.js';
import { combineOrders, pairwiseMessage, type Winner } from '../../../src/eval/pairwise.js';
import { judgeTruth } from '../../../src/tools/simulator/sim-judge.js';
import { type SimulatorOptions, startSimulator } from '../../../src/tools/simulator/simulator.js';

const started: { close(): Promise<void> }[] = [];
afterAll(() => Promise.all(started.map((h) => h.close())));
async function simulator(opts: SimulatorOptions = {}) {
  const handle = await startSimulator(opts);
  started.push(handle);
  return { handle, client: new OpenAI({ baseURL: handle.url, apiKey: 'x', maxRetries: 0 }) };
}

const spec = (rubric: string, scale: JudgeScorerSpec['scale'] = 'pass-fail'): JudgeScorerSpec => ({
  type: 'judge',
  rubric,
  scale,
  threshold: 4,
});
const PassFail = z.object({ verdict: z.enum(['pass', 'fail']), reason: z.string() });
const Score = z.object({ score: z.number().int().min(1).max(5), reason: z.string() });
const Pair = z.object({ winner: z.enum(['A', 'B', 'tie']), reason: z.string() });
// Built once: turning a zod schema into JSON schema costs more than the request itself.
const FORMATS = {
  'pass-fail': zodResponseFormat(PassFail, 'lpo_judge'),
  '1-5': zodResponseFormat(Score, 'lpo_judge'),
  pair: zodResponseFormat(Pair, 'lpo_pairwise'),
};
type Grade = { pass?: boolean; score?: number; reason: string };
type Messages = OpenAI.ChatCompletionMessageParam[];

/** A request's user message with one section emptied, as a meta-prompt that lost its placeholder sends it. */
const lose = (text: string, section: string) =>
  text.replace(new RegExp(`<${section}>\\n[\\s\\S]*?\\n</${section}>`), `<${section}>\n\n</${section}>`);

async function grade(client: OpenAI, s: JudgeScorerSpec, shown: JudgeInput, json: boolean, lost?: string) {
  const request = judgeRequest(s, shown, 'judge-model', json);
  const messages = request.messages.map((m) => ({ ...m, content: lost ? lose(m.content, lost) : m.content }));
  const base = { model: request.model, temperature: request.temperature, messages: messages as Messages };
  if (json) {
    const completion = await client.chat.completions.parse({ ...base, response_format: FORMATS[s.scale] });
    const parsed = completion.choices[0]!.message.parsed!;
    return (
      'verdict' in parsed ? { pass: parsed.verdict === 'pass', reason: parsed.reason } : parsed
    ) as Grade;
  }
  const text = (await client.chat.completions.create(base)).choices[0]!.message.content!;
  // The exact two lines the text note asks for.
  const m = /^(Verdict|Score): (PASS|FAIL|[1-5])\nReason: (.+)$/.exec(text);
  expect(m, text).not.toBeNull();
  const value = m![2]!;
  return (
    m![1] === 'Score' ? { score: Number(value), reason: m![3]! } : { pass: value === 'PASS', reason: m![3]! }
  ) as Grade;
}

async function prefer(
  client: OpenAI,
  rubric: string,
  input: string,
  a: string,
  b: string,
  json: boolean,
  lost?: string,
) {
  const content = pairwiseMessage(rubric, input, a, b, json);
  const messages = [{ role: 'user', content: lost ? lose(content, lost) : content }] as Messages;
  const base = { model: 'judge-model', temperature: 0, messages };
  if (json) {
    const completion = await client.chat.completions.parse({
      ...base,
      response_format: FORMATS.pair,
    });
    return completion.choices[0]!.message.parsed!.winner as Winner;
  }
  const text = (await client.chat.completions.create(base)).choices[0]!.message.content!;
  const m = /^Winner: (A|B|TIE)\nReason: .+$/.exec(text);
  expect(m, text).not.toBeNull();
  return (m![1] === 'TIE' ? 'tie' : m![1]) as Winner;
}

/** fn over items, a few at a time: kept-alive connections answer faster than hundreds of new ones. */
async function each<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return out;
}

/** A binomial share is within 4 standard deviations of p (a false alarm in about 1 of 16,000 runs). */
const near = (count: number, n: number, p: number) =>
  expect(Math.abs(count / n - p)).toBeLessThanOrEqual(4 * Math.sqrt((p * (1 - p)) / n));

const RUBRIC = 'The reply says "sorry" and gives the "order number".';
/** Tickets whose replies meet the rubric's two phrases in all four combinations. */
const TICKETS = Array.from({ length: 200 }, (_, i) => ({
  input: `Ticket ${i}: my parcel has not arrived.`,
  output: `${i % 2 ? 'Sorry for the wait. ' : ''}Ticket ${i} is being handled${(i >> 1) % 2 ? `, order number 10${i}` : ''}.`,
}));

describe('rubric judge (lpo_judge)', () => {
  it.each([true, false])(
    'grades by the quoted phrases, the reference and the input (json %s)',
    async (json) => {
      const { client } = await simulator({ judgeDisagreement: 0 });
      const cases: [string, JudgeInput, boolean][] = [
        [RUBRIC, { input: 'Where is it?', output: 'Sorry! Your order number is 12.' }, true],
        [RUBRIC, { input: 'Where is it?', output: 'Your order number is 12.' }, false],
        [
          'Match the reference.',
          { input: 'Sum?', output: 'So the answer is 18.', reference: 'x #### 18' },
          true,
        ],
        [
          'Match the reference.',
          { input: 'Sum?', output: 'So the answer is 180.', reference: 'x #### 18' },
          false,
        ],
        [
          'Same facts.',
          {
            input: 'Refund?',
            output: 'Your card gets a full refund within five days.',
            reference: 'We will refund the full amount to your card within five days.',
          },
          true,
        ],
        [
          'Same facts.',
          {
            input: 'Refund?',
            output: 'Please contact support.',
            reference: 'We will refund the full amount to your card within five days.',
          },
          false,
        ],
        ['Be helpful.', { input: 'Where is my parcel?', output: 'Your parcel is on its way.' }, true],
        ['Be helpful.', { input: 'Where is my parcel?', output: "I don't know." }, false],
      ];
      for (const [rubric, shown, pass] of cases) {
        const got = await grade(client, spec(rubric), shown, json);
        expect(got.pass, shown.output).toBe(pass);
      }
      const missing = await grade(client, spec(RUBRIC), cases[1]![1], json);
      expect(missing.reason).toContain('"sorry"');
    },
  );

  it.each([true, false])('scores 1-5 by the share of checks met (json %s)', async (json) => {
    const { client } = await simulator({ judgeDisagreement: 0 });
    const scores = [];
    for (const output of ['Hello.', 'Sorry, we are on it.', 'Sorry, order number 7.']) {
      scores.push((await grade(client, spec(RUBRIC, '1-5'), { input: 'Where?', output }, json)).score);
    }
    expect(scores).toEqual([1, 3, 5]);
  });

  it('disagrees with the checks on a seeded share, the same for a seed and another for another seed', async () => {
    const flipsOf = async (seed: number, judgeDisagreement?: number) => {
      const { client } = await simulator({ seed, judgeDisagreement });
      const grades = await each(TICKETS, (t) => grade(client, spec(RUBRIC), t, true));
      return TICKETS.map((t, i) => grades[i]!.pass !== judgeTruth(RUBRIC, t.input, t.output).pass);
    };
    // One run at a time: thousands of concurrent connections are slower than a few hundred in turn.
    const a = await flipsOf(1);
    const again = await flipsOf(1);
    const other = await flipsOf(2);
    const none = await flipsOf(1, 0);
    const many = await flipsOf(1, 0.4);
    const count = (flips: boolean[]) => flips.filter(Boolean).length;
    near(count(a), TICKETS.length, 0.15);
    near(count(many), TICKETS.length, 0.4);
    expect(count(none)).toBe(0);
    expect(again).toEqual(a);
    expect(other).not.toEqual(a);
    // Both kinds of truth occur, so a flip is not always the same verdict.
    expect(new Set(TICKETS.map((t) => judgeTruth(RUBRIC, t.input, t.output).pass)).size).toBe(2);
  });

  it('moves a flipped 1-5 score across the default threshold', async () => {
    const { client } = await simulator({ judgeDisagreement: 1 });
    for (const t of TICKETS.slice(0, 8)) {
      const got = (await grade(client, spec(RUBRIC, '1-5'), t, true)).score!;
      expect(got >= 4, t.output).toBe(judgeTruth(RUBRIC, t.input, t.output).score < 4);
    }
  });

  it('answers worse when the request lost the output, the rubric or the input', async () => {
    const { client } = await simulator({ judgeDisagreement: 0 });
    const agreement = async (lost: string) => {
      const grades = await each(TICKETS, (t) => grade(client, spec(RUBRIC), t, true, lost));
      return TICKETS.filter((t, i) => grades[i]!.pass === judgeTruth(RUBRIC, t.input, t.output).pass).length;
    };
    const passing = TICKETS.filter((t) => judgeTruth(RUBRIC, t.input, t.output).pass);
    for (const t of passing.slice(0, 5))
      expect((await grade(client, spec(RUBRIC), t, false, 'output')).pass).toBe(false);
    expect(await agreement('reference')).toBe(TICKETS.length); // no reference to lose here
    near(await agreement('rubric'), TICKETS.length, 0.5);
    near(await agreement('input'), TICKETS.length, 0.5);
  });

  it('counts judge requests and refuses their schema with rejectResponseFormat', async () => {
    const { client, handle } = await simulator({ rejectResponseFormat: true });
    const error = await grade(client, spec(RUBRIC), TICKETS[0]!, true).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('response_format');
    await grade(client, spec(RUBRIC), TICKETS[0]!, false);
    expect(handle.stats()).toMatchObject({ judge: 1, total: 1, errors: 1, task: 0, unknown: 0 });
  });

  it('rejects shares outside 0 to 1', async () => {
    await expect(startSimulator({ judgeDisagreement: 1.5 })).rejects.toThrow(/judgeDisagreement/);
    await expect(startSimulator({ positionBias: -0.1 })).rejects.toThrow(/positionBias/);
  });
});

describe('pairwise judge (lpo_pairwise)', () => {
  const pairs = TICKETS.map((t, i) => ({
    input: t.input,
    base: `Ticket ${i} is being handled.`,
    head: `Sorry, ticket ${i} (order number 20${i}) is being handled.`,
  }));

  it.each([true, false])(
    'prefers the answer meeting more of the rubric, then the shorter (json %s)',
    async (json) => {
      const { client } = await simulator({ positionBias: 0 });
      const both = async (x: string, y: string) => [
        await prefer(client, RUBRIC, 'Where?', x, y, json),
        await prefer(client, RUBRIC, 'Where?', y, x, json),
      ];
      expect(await both('Sorry, order number 5.', 'Order number 5.')).toEqual(['A', 'B']);
      expect(
        await both(
          'Sorry, order number 5.',
          'Sorry, your order number is 5; thank you for waiting so patiently.',
        ),
      ).toEqual(['A', 'B']);
      expect(await both('Sorry, order number 5.', 'Sorry, order number 6.')).toEqual(['tie', 'tie']);
    },
  );

  it('prefers the answer shown first on a share of 30 % by default, which the order swap turns into ties', async () => {
    const { client, handle } = await simulator({ seed: 5 });
    const baseFirst = await each(pairs, (p) => prefer(client, RUBRIC, p.input, p.base, p.head, true));
    const headFirst = await each(pairs, (p) => prefer(client, RUBRIC, p.input, p.head, p.base, true));
    // Head meets the rubric, base does not: shown first, base still wins on the bias's share.
    near(baseFirst.filter((w) => w === 'A').length, pairs.length, 0.3);
    expect(headFirst.every((w) => w === 'A')).toBe(true);
    const outcomes = pairs.map((_, i) => combineOrders(baseFirst[i]!, headFirst[i]!));
    expect(outcomes.filter((o) => o === 'base')).toEqual([]);
    near(outcomes.filter((o) => o === 'tie').length, pairs.length, 0.3);
    expect(handle.stats().pairwise).toBe(2 * pairs.length);
  });

  it('answers garbage when the request lost an answer, the rubric or the input', async () => {
    const { client } = await simulator({ positionBias: 0 });
    const sample = pairs.slice(0, 60);
    const heads = async (lost: string) => {
      const outcomes = await each(sample, async (p) =>
        combineOrders(
          await prefer(client, RUBRIC, p.input, p.base, p.head, false, lost),
          await prefer(client, RUBRIC, p.input, p.head, p.base, false, lost),
        ),
      );
      return outcomes.filter((o) => o === 'head').length;
    };
    expect(await heads('nothing')).toBe(sample.length);
    expect(await heads('answer_a')).toBe(0);
    expect(await heads('answer_b')).toBe(0);
    // A coin flip among A, B and tie in each order: head wins both in about 1 of 9, not all.
    expect(await heads('rubric')).toBeLessThan(sample.length / 2);
    expect(await heads('input')).toBeLessThan(sample.length / 2);
  });
});
