// `samples: k` over real HTTP to the simulator: k requests per example, a score that is the share of
// right samples, flaky examples counted from the answers themselves, and paired figures by signs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EvalTask, Example } from '../../src/core/types.js';
import { compareRuns } from '../../src/eval/compare.js';
import { evaluate, requestFor } from '../../src/eval/run.js';
import { score } from '../../src/eval/scorers.js';
import { comparePaired, compareScores, mcnemarExact } from '../../src/eval/stats.js';
import { LlmClient } from '../../src/llm/client.js';
import type { SimRequest } from '../../src/tools/simulator/simulator.js';
import { simulatedTaskAnswer, startSimulator } from '../../src/tools/simulator/simulator.js';
import { answerKey, gsmSplits, textTask } from '../optimize/helpers.js';

const SEED = 3;
const MODEL = 'simulated-model';
// Base quality 0.40 (no rule applies), where a sampled answer is least sure; the head adds two rules.
const BASE = 'Solve it.';
const HEAD = 'Solve it step by step. Check your arithmetic.';
const RUBRIC = 'The reply ends with a number.';

function sampled(prompt: string, samples?: number, temperature?: number): EvalTask {
  const task = textTask(prompt);
  return {
    ...task,
    params: temperature === undefined ? {} : { temperature },
    ...(samples ? { samples } : {}),
  };
}

async function withSimulator<T>(
  run: (client: LlmClient, seen: SimRequest[], stats: () => { task: number }) => Promise<T>,
  maxCalls?: number,
): Promise<T> {
  const seen: SimRequest[] = [];
  const sim = await startSimulator({ answerKey, seed: SEED, onRequest: (r) => seen.push(r) });
  const client = new LlmClient({
    baseURL: sim.url,
    apiKey: 'x',
    maxRetries: 0,
    cacheDir: null,
    ...(maxCalls ? { ceilings: { maxCalls } } : {}),
  });
  try {
    return await run(client, seen, () => sim.stats());
  } finally {
    await sim.close();
  }
}

/** What the simulator answers sample `i` of an example, and what the scorer takes from it. */
function truth(task: EvalTask, example: Example, i: number) {
  const answer = simulatedTaskAnswer(
    { seed: SEED, answerKey },
    requestFor(task, example, MODEL, undefined, i),
  );
  const extracted = score({ type: 'numeric' }, answer.text, example.target).extracted;
  return { correct: answer.correct, extracted, text: answer.text };
}

const { dev } = gsmSplits(20, 0);

describe('samples: k', () => {
  it('sends k distinct requests per example, the first exactly the single-sample request', async () => {
    const single = await withSimulator(async (client, seen, stats) => {
      const run = await evaluate(sampled(BASE, undefined, 0.8), { dev }, { client, model: MODEL });
      return { run, seen: [...seen], task: stats().task };
    });
    expect(single.task).toBe(dev.length);
    expect(single.seen.every((r) => r.seed === null)).toBe(true);
    const one = single.run.splits.dev!;
    expect(one.summary.samples).toBeUndefined();
    expect(one.summary.flaky).toBeUndefined();
    expect(one.results.every((r) => r.samples === undefined && r.score === undefined)).toBe(true);
    // The single-sample figures are the simulator's own verdicts, counted.
    const right = dev.filter((e) => truth(sampled(BASE, undefined, 0.8), e, 0).correct).length;
    expect(one.summary.correct).toBe(right);
    expect(one.summary.accuracy).toBe(right / dev.length);

    const five = await withSimulator(async (client, seen, stats) => {
      const run = await evaluate(sampled(BASE, 5, 0.8), { dev }, { client, model: MODEL });
      return { run, seen: [...seen], task: stats().task };
    });
    expect(five.task).toBe(5 * dev.length);
    const seeds = five.seen.map((r) => r.seed);
    expect(seeds.filter((s) => s === null)).toHaveLength(dev.length);
    for (const s of [1, 2, 3, 4]) expect(seeds.filter((x) => x === s)).toHaveLength(dev.length);
    const unseeded = five.seen.filter((r) => r.seed === null).map((r) => JSON.stringify(r));
    expect(new Set(unseeded)).toEqual(new Set(single.seen.map((r) => JSON.stringify(r))));
  });

  it('at temperature 0.8 scores each example by its share of right samples and counts the flaky ones', async () => {
    const task = sampled(BASE, 5, 0.8);
    const { dev: forty } = gsmSplits(40, 0);
    const run = await withSimulator((client) => evaluate(task, { dev: forty }, { client, model: MODEL }));
    const { summary, results } = run.splits.dev!;
    let flaky = 0;
    let scoreSum = 0;
    forty.forEach((example, slot) => {
      const answers = [0, 1, 2, 3, 4].map((i) => truth(task, example, i));
      const right = answers.filter((a) => a.correct).length;
      const distinct = new Set(answers.map((a) => a.extracted)).size;
      const r = results[slot]!;
      expect(r.samples).toEqual({ asked: 5, correct: right, answered: 5, distinct });
      expect(r.score).toBe(right / 5);
      expect(r.verdict).toBe(2 * right > 5 ? 'correct' : 'wrong');
      if (distinct > 1) flaky++;
      scoreSum += right / 5;
    });
    expect(flaky).toBeGreaterThan(0);
    expect(flaky).toBeLessThan(forty.length);
    expect(summary).toMatchObject({ samples: 5, flaky, total: 40, errors: 0 });
    expect(summary.accuracy).toBeCloseTo(scoreSum / 40, 12);
  });

  it('at temperature 0 the samples agree: the simulator varies only a sampled answer', async () => {
    const run = await withSimulator((client) =>
      evaluate(sampled(BASE, 3, 0), { dev }, { client, model: MODEL }),
    );
    const { summary, results } = run.splits.dev!;
    expect(summary.flaky).toBe(0);
    expect(results.every((r) => r.score === 0 || r.score === 1)).toBe(true);
  });

  it('compares base and head by the signs of their score differences', async () => {
    const [base, head] = await withSimulator(async (client) => [
      await evaluate(sampled(BASE, 5, 0.8), { dev }, { client, model: MODEL }),
      await evaluate(sampled(HEAD, 5, 0.8), { dev }, { client, model: MODEL }),
    ]);
    const paired = compareRuns(base, head)[0]!.paired!;
    const b = base.splits.dev!.results.map((r) => r.score!);
    const h = head.splits.dev!.results.map((r) => r.score!);
    let lost = 0;
    let gained = 0;
    for (let i = 0; i < dev.length; i++) {
      if (h[i]! < b[i]!) lost++;
      if (h[i]! > b[i]!) gained++;
    }
    expect(lost + gained).toBeGreaterThan(0);
    expect(paired).toMatchObject({ measure: 'net-improved', n: dev.length, lost, gained });
    expect(paired.delta).toBe((gained - lost) / dev.length);
    expect(paired.pValue).toBe(mcnemarExact(lost, gained));
  });

  it('without samples the comparison is the accuracy difference, unlabelled, as before', async () => {
    const [base, head] = await withSimulator(async (client) => [
      await evaluate(sampled(BASE), { dev }, { client, model: MODEL }),
      await evaluate(sampled(HEAD), { dev }, { client, model: MODEL }),
    ]);
    const paired = compareRuns(base, head)[0]!.paired!;
    const verdicts = (run: typeof base) => run.splits.dev!.results.map((r) => r.verdict === 'correct');
    expect(paired).toEqual(comparePaired(verdicts(base), verdicts(head)));
    expect(paired.measure).toBeUndefined();
    const acc = (run: typeof base) => run.splits.dev!.summary.accuracy!;
    expect(paired.delta).toBeCloseTo(acc(head) - acc(base), 12);
  });

  it('a lean run counts the same figures, and a judge scorer grades every sample', async () => {
    const task = sampled(BASE, 5, 0.8);
    const [full, lean] = await withSimulator(async (client) => [
      await evaluate(task, { dev }, { client, model: MODEL }),
      await evaluate(task, { dev }, { client, model: MODEL, lean: true }),
    ]);
    expect(lean.splits.dev!.summary).toEqual(full.splits.dev!.summary);
    const judged: EvalTask = {
      ...sampled(BASE, 3, 0.8),
      scorer: { type: 'judge', rubric: RUBRIC, scale: 'pass-fail', threshold: 4 },
    };
    const { run, judgedBodies } = await withSimulator(async (client, seen) => {
      const run = await evaluate(judged, { dev }, { client, model: MODEL });
      const asks = seen.filter((r) => r.messages.some((m) => m.content.includes(RUBRIC)));
      return { run, judgedBodies: new Set(asks.map((r) => JSON.stringify(r.messages))).size };
    });
    // Every sample's answer is graded; two samples with the same answer text ask the same question.
    const texts = dev.map((e) => new Set([0, 1, 2].map((i) => truth(judged, e, i).text)).size);
    expect(judgedBodies).toBe(texts.reduce((a, b) => a + b, 0));
    expect(judgedBodies).toBeGreaterThan(dev.length);
    expect(run.splits.dev!.results.every((r) => r.samples?.asked === 3 && r.samples.answered === 3)).toBe(
      true,
    );
  });

  it('counts every sample against max-calls', async () => {
    const { run, task } = await withSimulator(async (client, _seen, stats) => {
      const run = await evaluate(sampled(BASE, 5, 0.8), { dev }, { client, model: MODEL });
      return { run, task: stats().task };
    }, 12);
    expect(task).toBe(12);
    expect(run.overBudget).toMatch(/12/);
    const results = run.splits.dev!.results;
    const answered = results.reduce((n, r) => n + (r.samples?.answered ?? 0), 0);
    expect(answered).toBe(12);
    expect(results.filter((r) => r.verdict === 'error').length).toBeGreaterThanOrEqual(dev.length - 3);
  });
});

/** A score of k samples (0, 1/k, …, 1) or an errored example. */
const scores = (k: number) =>
  fc.option(
    fc.integer({ min: 0, max: k }).map((c) => c / k),
    { nil: null, freq: 8 },
  );

describe('compareScores', () => {
  it('leaves 0 out of its interval exactly when p < 0.05', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 10 })
          .chain((k) => fc.array(fc.tuple(scores(k), scores(k)), { minLength: 1, maxLength: 120 })),
        (pairs) => {
          const c = compareScores(
            pairs.map((p) => p[0]),
            pairs.map((p) => p[1]),
          );
          if (c.n === 0) return c.interval === null;
          const excludes = c.interval![0] > 0 || c.interval![1] < 0;
          return excludes === c.pValue < 0.05 && c.delta === (c.gained - c.lost) / c.n;
        },
      ),
      { numRuns: 500, seed: 14 },
    );
  });

  it('on 0/1 scores gives comparePaired figures, labelled as the net share improved', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.option(fc.boolean()), fc.option(fc.boolean()))), (pairs) => {
        const b = pairs.map((p) => p[0]);
        const h = pairs.map((p) => p[1]);
        const num = (v: boolean | null) => (v === null ? null : Number(v));
        const { measure, ...figures } = compareScores(b.map(num), h.map(num));
        expect(measure).toBe('net-improved');
        expect(figures).toEqual(comparePaired(b, h));
      }),
      { numRuns: 200, seed: 14 },
    );
  });
});
