import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosine } from '../../../src/eval/similarity.js';
import { EMBEDDING_DIMENSIONS, embedText } from '../../../src/tools/simulator/sim-embeddings.js';
import { type SimulatorHandle, startSimulator } from '../../../src/tools/simulator/simulator.js';

const MODEL = 'text-embedding-3-small';
let handle: SimulatorHandle;
let client: OpenAI;
beforeAll(async () => {
  handle = await startSimulator({ seed: 3 });
  client = new OpenAI({ baseURL: handle.url, apiKey: 'x', maxRetries: 0 });
});
afterAll(() => handle.close());

async function embed(input: string | string[], extra: { dimensions?: number } = {}) {
  const reply = await client.embeddings.create({ model: MODEL, input, ...extra });
  return reply.data.map((d) => Array.from(d.embedding));
}

// Paraphrases: the same content words, reordered, with other function words or a plural.
const PARAPHRASES: [string, string][] = [
  ['We issued the refund to your card.', 'The refund was issued to your card'],
  ['Your order ships on Monday', 'On Monday, your orders ship.'],
  ['Reset the password from the settings page.', 'From the settings page, reset your password!'],
];
const UNRELATED: [string, string][] = [
  ['We issued the refund to your card.', 'Natalia sold clips to 48 friends in April'],
  ['Your order ships on Monday', 'True and not False or True'],
  ['Reset the password from the settings page.', 'The weather in Paris was sunny yesterday'],
];

describe('POST /v1/embeddings over the OpenAI SDK', () => {
  it("returns unit vectors in the API's shape, decoded from the SDK's default base64", async () => {
    const texts = ['The refund was issued.', 'Shipping takes three days.'];
    const reply = await client.embeddings.create({ model: MODEL, input: texts });
    expect(reply.object).toBe('list');
    expect(reply.model).toBe(MODEL);
    expect(reply.data.map((d) => d.index)).toEqual([0, 1]);
    for (const [i, item] of reply.data.entries()) {
      expect(item.embedding).toHaveLength(EMBEDDING_DIMENSIONS);
      expect(Math.hypot(...item.embedding)).toBeCloseTo(1, 5);
      // base64 carries float32: equal to the float vector up to that precision.
      const exact = embedText(texts[i]!);
      for (const [k, x] of item.embedding.entries()) expect(x).toBeCloseTo(exact[k]!, 6);
    }
    const chars = texts.join('').length;
    expect(reply.usage.prompt_tokens).toBeGreaterThanOrEqual(Math.ceil(chars / 4));
    expect(reply.usage.total_tokens).toBe(reply.usage.prompt_tokens);
  });

  it('answers encoding_format float with plain numbers, the same for the same text', async () => {
    const reply = await client.embeddings.create({
      model: MODEL,
      input: 'hello world',
      encoding_format: 'float',
    });
    expect(reply.data[0]!.embedding).toEqual(embedText('hello world'));
    const [again] = await embed('hello world');
    expect(cosine(again!, reply.data[0]!.embedding)).toBeCloseTo(1, 6);
  });

  it('puts paraphrases close and unrelated texts far apart', async () => {
    const near = await Promise.all(
      PARAPHRASES.map(async (pair) => cosine(...((await embed(pair)) as [number[], number[]]))),
    );
    const far = await Promise.all(
      UNRELATED.map(async (pair) => cosine(...((await embed(pair)) as [number[], number[]]))),
    );
    for (const c of near) expect(c).toBeGreaterThan(0.85);
    for (const c of far) expect(Math.abs(c)).toBeLessThan(0.3);
    // Sharing some words lands in between.
    const [a, b] = await embed([
      'The refund was issued to your card',
      'The refund was declined by your bank',
    ]);
    const partial = cosine(a!, b!);
    expect(partial).toBeGreaterThan(Math.max(...far.map(Math.abs)));
    expect(partial).toBeLessThan(Math.min(...near));
  });

  it('cuts and renormalises to `dimensions`', async () => {
    const [v] = await embed('a shorter vector please', { dimensions: 64 });
    expect(v).toHaveLength(64);
    expect(Math.hypot(...v!)).toBeCloseTo(1, 5);
  });

  it('counts requests and texts in stats, apart from chat completions', async () => {
    const before = handle.stats();
    await embed(['one', 'two', 'three']);
    await embed('four');
    const after = handle.stats();
    expect(after.embeddings - before.embeddings).toBe(2);
    expect(after.embeddingInputs - before.embeddingInputs).toBe(4);
    expect(after.total).toBe(before.total);
  });

  it.each([
    [{ model: MODEL }, 'input'],
    [{ model: MODEL, input: '' }, 'input'],
    [{ model: MODEL, input: [] }, 'input'],
    [{ model: MODEL, input: ['ok', 7] }, 'input'],
    [{ input: 'text' }, 'model'],
    [{ model: MODEL, input: 'text', dimensions: 0 }, 'dimensions'],
    [{ model: MODEL, input: 'text', dimensions: EMBEDDING_DIMENSIONS + 1 }, 'dimensions'],
    [{ model: MODEL, input: 'text', encoding_format: 'int8' }, 'encoding_format'],
  ])('rejects %j with a 400 naming %s', async (body, param) => {
    const before = handle.stats();
    const error = await client.embeddings.create(body as unknown as OpenAI.EmbeddingCreateParams).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe(param);
    expect(handle.stats().embeddings).toBe(before.embeddings);
    expect(handle.stats().errors).toBe(before.errors + 1);
  });
});
