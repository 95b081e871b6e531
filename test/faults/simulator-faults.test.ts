// Each fault kind of the simulator, one at a time, as the real LlmClient sees it over HTTP.
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../../src/core/errors.js';
import { type ChatRequest, LlmError } from '../../src/llm/client.js';
import { type FaultKind, FaultPlan } from '../../src/tools/simulator/sim-faults.js';
import { simulatedTaskAnswer, startSimulator } from '../../src/tools/simulator/simulator.js';
import { startSimulatorFromArgs } from '../../src/cli/simulator-main.js';
import { answerKey, closeAll, faultClient, faultySimulator, SIM_SEED } from './helpers.js';

afterAll(closeAll);

const request = (i = 0): ChatRequest => ({
  model: 'task-model',
  messages: [{ role: 'user', content: `Think step by step.\n\nQ: ${answerKey[i]!.input}\nA:` }],
});

async function failure(promise: Promise<unknown>): Promise<LlmError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LlmError);
  return error as LlmError;
}

async function only(kind: FaultKind, extra: { retryAfterMs?: number } = {}) {
  const sim = await faultySimulator({ rate: 1, seed: 1, kinds: [kind], ...extra });
  return { sim, client: faultClient(sim, { maxRetries: 0, timeoutMs: 300 }) };
}

describe('simulator fault kinds', () => {
  it.each([
    ['rate-limit', 'http', 429],
    ['rate-limit-bare', 'http', 429],
    ['http-500', 'http', 500],
    ['http-502', 'http', 502],
    ['http-503', 'http', 503],
    ['hang', 'timeout', undefined],
    ['reset', 'connection', undefined],
    ['truncated', 'connection', undefined],
    ['non-json', 'protocol', undefined],
  ] as const)('%s fails the call as %s', async (kind, errorKind, status) => {
    const { sim, client } = await only(kind);
    const error = await failure(client.chat(request()));
    expect(error.kind).toBe(errorKind);
    expect(error.status).toBe(status);
    expect(sim.stats().faults).toEqual({ [kind]: 1 });
    expect(sim.stats().total).toBe(0);
  });

  it('sends retry-after, retry-after-ms, or neither on a 429', async () => {
    const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    const post = (url: string) =>
      fetch(`${url}/chat/completions`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
    const plain = await post((await only('rate-limit')).sim.url);
    expect(plain.status).toBe(429);
    expect(plain.headers.get('retry-after')).toBe('1');
    expect(((await plain.json()) as { error: { code: string } }).error.code).toBe('rate_limit_exceeded');
    const fast = await post((await only('rate-limit', { retryAfterMs: 15 })).sim.url);
    expect(fast.headers.get('retry-after-ms')).toBe('15');
    const bare = await post((await only('rate-limit-bare')).sim.url);
    expect(bare.status).toBe(429);
    expect(bare.headers.get('retry-after')).toBeNull();
    expect(bare.headers.get('retry-after-ms')).toBeNull();
    const html = await post((await only('non-json')).sim.url);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html');
    expect(await html.text()).toMatch(/^<html>/);
  });

  it('cuts the answer with finish_reason length, and refuses with content null', async () => {
    const truth = simulatedTaskAnswer({ seed: SIM_SEED, answerKey }, request());
    const cut = await (await only('length')).client.chat(request());
    expect(cut.finishReason).toBe('length');
    expect(truth.text.startsWith(cut.text)).toBe(true);
    expect(cut.text.length).toBeLessThan(truth.text.length);
    const refused = await (await only('refusal')).client.chat(request());
    expect(refused.refusal).toMatch(/can't help/);
    expect(refused.text).toBe('');
  });

  it('filters with finish_reason content_filter, and answers empty', async () => {
    const filtered = await (await only('content-filter')).client.chat(request());
    expect(filtered).toMatchObject({ finishReason: 'content_filter', text: '' });
    expect(filtered.refusal).toBeUndefined();
    const empty = await (await only('empty')).client.chat(request());
    expect(empty).toMatchObject({ finishReason: 'stop', text: '' });
  });

  it('faults only the requests that contain the `only` text', async () => {
    const sim = await faultySimulator({
      rate: 1,
      seed: 1,
      kinds: ['content-filter'],
      only: answerKey[1]!.input,
    });
    const client = faultClient(sim, { maxRetries: 0 });
    const [plain, hit] = await Promise.all([client.chat(request(0)), client.chat(request(1))]);
    expect(plain.text).toBe(simulatedTaskAnswer({ seed: SIM_SEED, answerKey }, request(0)).text);
    expect(hit.finishReason).toBe('content_filter');
    expect(sim.stats().faults).toEqual({ 'content-filter': 1 });
    await expect(faultySimulator({ rate: 1, seed: 1, only: '' })).rejects.toThrow(ConfigError);
  });

  it('breaks JSON only for requests that ask for JSON', async () => {
    const { sim, client } = await only('invalid-json');
    const Answer = z.object({ answer: z.string() });
    // Two bodies, so both variants (unparsable, parsable but off-schema) are likely; each must be rejected.
    for (const i of [0, 1, 2, 3]) {
      expect((await failure(client.parse(request(i), Answer, 'answer'))).kind).toBe('invalid');
    }
    // A text request cannot get invalid JSON: with no other kind allowed, it is answered.
    const text = await client.chat(request(5));
    expect(text.text).toBe(simulatedTaskAnswer({ seed: SIM_SEED, answerKey }, request(5)).text);
    expect(sim.stats().faults).toEqual({ 'invalid-json': 4 });
  });

  it('decides per attempt, so a retried request can succeed, and the same seed replays the same run', async () => {
    const run = async () => {
      const sim = await faultySimulator({ rate: 0.5, seed: 2, kinds: ['rate-limit'], retryAfterMs: 1 });
      const client = faultClient(sim, { maxRetries: 8 });
      const texts = await Promise.all(answerKey.slice(0, 20).map((_, i) => client.chat(request(i))));
      return { texts: texts.map((t) => t.text), history: sim.faultHistory(), stats: sim.stats() };
    };
    const a = await run();
    const recovered = a.history.filter((h) => h.outcomes[0] === 'rate-limit' && h.outcomes.at(-1) === 'ok');
    expect(recovered.length).toBeGreaterThan(0);
    expect(a.stats.faults['rate-limit']).toBe(
      a.history.flatMap((h) => h.outcomes).filter((o) => o !== 'ok').length,
    );
    a.texts.forEach((text, i) => {
      expect(text).toBe(simulatedTaskAnswer({ seed: SIM_SEED, answerKey }, request(i)).text);
    });
    const b = await run();
    // Requests arrive concurrently, so compare per request, not in arrival order.
    const byInput = (h: typeof a.history) =>
      [...h].sort((x, y) => String(x.input).localeCompare(String(y.input)));
    expect(byInput(b.history)).toEqual(byInput(a.history));
    // The plan alone: same seed and body, same draws; the n-th arrival draws afresh.
    const draws = (seed: number) => {
      const plan = new FaultPlan({ rate: 0.5, seed });
      return Array.from({ length: 12 }, () => {
        const d = plan.decide('{"same":"body"}', false);
        plan.record(d.key, null, d.kind ?? 'ok');
        return d.kind;
      });
    };
    expect(draws(9)).toEqual(draws(9));
    expect(new Set(draws(9)).size).toBeGreaterThan(1);
    expect(draws(9)).not.toContain('invalid-json');
  });

  it('close() ends requests left hanging', async () => {
    // Not from the helper: this test closes it itself.
    const sim = await startSimulator({ answerKey, faults: { rate: 1, seed: 1, kinds: ['hang'] } });
    const pending = fetch(`${sim.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    }).then(
      () => 'answered',
      () => 'closed',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await sim.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBe('closed');
  });

  it('rejects bad fault options with one line', async () => {
    await expect(faultySimulator({ rate: 1.5, seed: 1 })).rejects.toThrow(
      'simulator fault rate: expected a number from 0 to 1, got 1.5',
    );
    await expect(faultySimulator({ rate: 0.1, seed: 1, kinds: ['slow' as FaultKind] })).rejects.toThrow(
      /fault kind "slow": expected one of rate-limit, /,
    );
  });
});

describe('lpo simulate fault flags', () => {
  it('injects the listed kinds at the given rate and reports them on /__sim/stats', async () => {
    const sim = await startSimulatorFromArgs([
      '--fault-rate',
      '1',
      '--fault-seed',
      '4',
      '--faults',
      'http-503,http-502',
    ]);
    try {
      const client = faultClient(sim, { maxRetries: 0 });
      const error = await failure(client.chat(request()));
      expect([502, 503]).toContain(error.status);
      const stats = (await (await fetch(`${sim.url.replace(/\/v1$/, '')}/__sim/stats`)).json()) as {
        faults: Record<string, number>;
      };
      expect(Object.values(stats.faults)).toEqual([1]);
    } finally {
      await sim.close();
    }
  });

  it.each([
    [['--fault-rate', '2'], 'simulator: --fault-rate expects a number from 0 to 1, got 2'],
    [
      ['--fault-rate', '0.1', '--faults', 'http-503,slow'],
      /--faults: unknown kind "slow"; expected rate-limit, /,
    ],
    [['--faults', 'hang'], 'simulator: --fault-seed/--faults need --fault-rate <0..1>'],
  ])('rejects %j', async (argv, message) => {
    const error = await startSimulatorFromArgs(argv).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
  });
});
