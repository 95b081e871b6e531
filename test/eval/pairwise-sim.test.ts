// judgePairs against the project's simulator over real HTTP (simulated figures): its pairwise judge
// prefers the answer meeting more of the rubric, and with `positionBias` names whichever answer is
// shown first. The swap must leave only the bias-free preferences standing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgePairs, type PairItem, summarizePairs } from '../../src/eval/pairwise.js';
import { LlmClient } from '../../src/llm/client.js';
import { type SimulatorHandle, startSimulator } from '../../src/tools/simulator/simulator.js';

const RUBRIC = 'The reply must offer a "refund" and give the "order number".';
const REMEDY = (i: number) => `We will refund you today; your order number is #${4000 + i}.`;
const APOLOGY = (i: number) => `We are sorry your parcel #${4000 + i} arrived damaged.`;

// Head meets the rubric on 2 of 3 tickets, base on 1 of 4: wins, losses and ties (both or neither) all occur.
const items: PairItem[] = Array.from({ length: 90 }, (_, i) => ({
  id: `t${i}`,
  input: `Ticket ${i}: my parcel arrived damaged, what now?`,
  base: i % 4 === 0 ? REMEDY(i) : APOLOGY(i),
  head: i % 3 !== 0 ? REMEDY(i) : APOLOGY(i),
}));

const sims: SimulatorHandle[] = [];
async function judgeOn(opts: Parameters<typeof startSimulator>[0]) {
  const sim = await startSimulator({ seed: 7, ...opts });
  sims.push(sim);
  const client = new LlmClient({ baseURL: sim.url, apiKey: 'sim', maxRetries: 0, cacheDir: null });
  const results = await judgePairs({ client, model: 'judge-model', rubric: RUBRIC }, items);
  return { results, client };
}

let fair: Awaited<ReturnType<typeof judgeOn>>['results'];
beforeAll(async () => {
  fair = (await judgeOn({ positionBias: 0 })).results;
});
afterAll(async () => {
  for (const sim of sims) await sim.close();
});

describe('pairwise judging through the simulator', () => {
  it('without position bias, finds the rubric preference in both orders', () => {
    const truth = items.map((it) => {
      const [b, h] = [it.base.includes('refund'), it.head.includes('refund')];
      return b === h ? 'tie' : h ? 'head' : 'base';
    });
    expect(fair.map((r) => r.outcome)).toEqual(truth);
  });

  it.each([
    ['structured', false],
    ['plain-text fallback', true],
  ])('cancels a 30 %% position bias (%s)', async (_, rejectResponseFormat) => {
    const { results, client } = await judgeOn({ positionBias: 0.3, rejectResponseFormat });
    // Two requests per example, none where base and head said the same (a tie without asking).
    const differing = items.filter((it) => it.base !== it.head).length;
    expect(differing).toBeGreaterThan(0);
    expect(differing).toBeLessThan(items.length);
    expect(client.usage().calls).toBe(2 * differing);
    for (const r of results.filter((_, i) => items[i]!.base === items[i]!.head)) {
      expect(r).toEqual({ id: r.id, outcome: 'tie', baseFirst: null, headFirst: null });
    }
    // The bias is there: judged in one order only (base shown first), verdicts depart from the fair ones.
    const oneOrder = results.map((r) => {
      const w = r.baseFirst?.winner ?? 'tie';
      return w === 'B' ? 'head' : w === 'A' ? 'base' : 'tie';
    });
    const departed = oneOrder.filter((o, i) => o !== fair[i]!.outcome).length;
    expect(departed).toBeGreaterThan(items.length * 0.1);
    // After the swap no biased verdict survives: every decided pair is decided as the fair judge decides it.
    for (const [i, r] of results.entries()) {
      expect(r.outcome).not.toBe('error');
      if (r.outcome !== 'tie') expect(r.outcome, r.id).toBe(fair[i]!.outcome);
    }
    const biased = summarizePairs(results.map((r) => r.outcome));
    const unbiased = summarizePairs(fair.map((r) => r.outcome));
    expect(biased.wins + biased.losses).toBeGreaterThan(0);
    expect(biased.ties).toBeGreaterThan(unbiased.ties);
    // Fewer decided pairs, the same direction: head better than base, by the exact sign test.
    expect(biased.winRate!).toBeGreaterThan(0.5);
    expect(unbiased.pValue).toBeLessThan(0.05);
  });

  it('a judge that always names the first answer decides nothing', async () => {
    const { results } = await judgeOn({ positionBias: 1 });
    expect(results.every((r) => r.outcome === 'tie')).toBe(true);
    expect(summarizePairs(results.map((r) => r.outcome)).winRate).toBeNull();
  });
});
