import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { finalAnswer } from '../../../src/tools/simulator/sim-model.js';
import { type SimulatorHandle, startSimulator } from '../../../src/tools/simulator/simulator.js';
import { startSimulatorFromArgs } from '../../../src/cli/simulator-main.js';
import { TEXT_NOTES } from '../../../src/optimize/methods/formats.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../llm/fixtures/${name}`, import.meta.url), 'utf8');
const gsm8k = fixture('gsm8k-test-40.jsonl')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { question: string; answer: string })
  .map((row) => ({ input: row.question, target: row.answer }));
const bbh = JSON.parse(fixture('bbh-slice.json')) as Record<string, { input: string; target: string }[]>;
const rows = [...gsm8k, ...bbh.boolean_expressions!, ...bbh.date_understanding!];

const started: SimulatorHandle[] = [];
async function simulator(options: Parameters<typeof startSimulator>[0] = {}) {
  const handle = await startSimulator({ answerKey: rows, ...options });
  started.push(handle);
  return { handle, client: new OpenAI({ baseURL: handle.url, apiKey: 'x', maxRetries: 0 }) };
}
afterAll(async () => {
  await Promise.all(started.map((handle) => handle.close()));
});

async function ask(client: OpenAI, system: string, input: string, model = 'gpt-test'): Promise<string> {
  const completion = await client.chat.completions.create({
    model,
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: `Q: ${input}\nA:` },
    ],
  });
  return completion.choices[0]!.message.content ?? '';
}

const isRight = (output: string, target: string) => output.endsWith(`The answer is ${finalAnswer(target)}.`);

describe('simulator over HTTP', () => {
  let client: OpenAI;
  let handle: SimulatorHandle;
  beforeAll(async () => {
    ({ client, handle } = await simulator({ seed: 7 }));
  });

  it('answers in the OpenAI shape with usage from character counts', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: `Q: ${gsm8k[0]!.input}` }],
    });
    const content = completion.choices[0]!.message.content!;
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('gpt-test');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(content).toMatch(/The answer is \d+\.$/);
    expect(completion.usage).toEqual({
      prompt_tokens: Math.ceil((gsm8k[0]!.input.length + 3) / 4),
      completion_tokens: Math.ceil(content.length / 4),
      total_tokens: Math.ceil((gsm8k[0]!.input.length + 3) / 4) + Math.ceil(content.length / 4),
    });
    const models = await client.models.list();
    expect(models.data.length).toBeGreaterThan(0);
  });

  it('is deterministic for a seed and differs for another seed', async () => {
    const other = (await simulator({ seed: 8 })).client;
    const prompt = 'Answer the question.';
    const first = await Promise.all(rows.map((row) => ask(client, prompt, row.input)));
    const again = await Promise.all(rows.map((row) => ask(client, prompt, row.input)));
    const seeded = await Promise.all(rows.map((row) => ask(other, prompt, row.input)));
    expect(again).toEqual(first);
    expect(seeded).not.toEqual(first);
  });

  it('a better prompt is right on a superset of the examples', async () => {
    const score = async (prompt: string) => {
      const outputs = await Promise.all(rows.map((row) => ask(client, prompt, row.input)));
      return new Set(rows.filter((row, i) => isRight(outputs[i]!, row.target)).map((row) => row.input));
    };
    const weak = await score('Just guess.');
    const strong = await score("Let's think step by step, then double-check.");
    expect(strong.size).toBeGreaterThan(weak.size);
    for (const input of weak) expect(strong.has(input)).toBe(true);
  });

  it('gives plausible wrong answers of the target type', async () => {
    const outputs = await Promise.all(bbh.date_understanding!.map((row) => ask(client, 'Guess.', row.input)));
    for (const output of outputs) expect(output).toMatch(/The answer is \([A-F]\)\.$/);
    expect(outputs.some((output, i) => !isRight(output, bbh.date_understanding![i]!.target))).toBe(true);
  });

  it('answers "I don\'t know." when no known input is in the request', async () => {
    expect(await ask(client, 'Be helpful.', 'What is the airspeed of a swallow?')).toBe("I don't know.");
  });

  it('returns JSON that validates against a json_schema response_format', async () => {
    const Answer = z.object({
      reasoning: z.string(),
      answer: z.string(),
      value: z.number(),
      steps: z.array(z.object({ text: z.string(), done: z.boolean() })),
      confidence: z.enum(['high', 'low']),
      note: z.string().nullable(),
    });
    const row = gsm8k[2]!;
    const completion = await client.chat.completions.parse({
      model: 'gpt-test',
      messages: [{ role: 'user', content: `Let's think step by step.\nQ: ${row.input}` }],
      response_format: zodResponseFormat(Answer, 'answer'),
    });
    const parsed = completion.choices[0]!.message.parsed!;
    expect(Answer.parse(parsed)).toEqual(parsed);
    expect(String(parsed.value)).toBe(parsed.answer);
    expect(parsed.confidence).toBe('high');

    const json = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: `Q: ${bbh.boolean_expressions![0]!.input}` }],
      response_format: { type: 'json_object' },
    });
    expect(JSON.parse(json.choices[0]!.message.content!)).toEqual({
      answer: expect.stringMatching(/^(True|False)$/),
    });
  });

  it('rejects unknown routes, malformed JSON and streaming with OpenAI-shaped errors', async () => {
    const notFound = await fetch(`${handle.url}/nope`, { method: 'POST', body: '{}' });
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({
      error: {
        message: expect.stringContaining('/v1/nope'),
        type: 'invalid_request_error',
        param: null,
        code: 'unknown_url',
      },
    });
    const malformed = await fetch(`${handle.url}/chat/completions`, { method: 'POST', body: '{"model": ' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { message: string } }).error.message).toMatch(
      /parse the JSON/,
    );
    const streaming = client.chat.completions.create({
      model: 'gpt-test',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    await expect(streaming).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/streaming/),
    });
    await expect(client.chat.completions.create({ model: 'gpt-test', messages: [] })).rejects.toMatchObject({
      status: 400,
      param: 'messages',
    });
  });

  it('rejects a seed or temperature OpenAI would reject, naming the parameter', async () => {
    const messages = [{ role: 'user' as const, content: 'hi' }];
    await expect(
      client.chat.completions.create({ model: 'm', messages, temperature: 3 }),
    ).rejects.toMatchObject({
      status: 400,
      param: 'temperature',
    });
    await expect(client.chat.completions.create({ model: 'm', messages, seed: 1.5 })).rejects.toMatchObject({
      status: 400,
      param: 'seed',
    });
  });

  it('counts requests by kind and exposes them at /__sim/stats', async () => {
    const { client: fresh, handle: counted } = await simulator({ seed: 1 });
    await Promise.all(gsm8k.slice(0, 5).map((row) => ask(fresh, 'Solve.', row.input)));
    await ask(fresh, 'Solve.', 'not in the key');
    // An optimizer request is known by the format it asks for, here a gradient's reasons list.
    await fresh.chat.completions.create({
      model: 'gpt-test',
      messages: [
        {
          role: 'user',
          content: `My current prompt is:\n<prompt>\nSolve.\n</prompt>\n\n${TEXT_NOTES.reasons}`,
        },
      ],
    });
    await fetch(`${counted.url}/missing`);
    const stats = counted.stats();
    expect(stats).toMatchObject({ total: 7, task: 5, unknown: 1, optimizer: 1, errors: 1, inFlight: 0 });
    expect(stats.correct).toBeLessThanOrEqual(5);
    expect(stats.maxInFlight).toBeGreaterThanOrEqual(1);
    const served = await fetch(counted.url.replace(/\/v1$/, '/__sim/stats'));
    expect(await served.json()).toEqual(counted.stats());
  });
});

describe('simulator latency and concurrency', () => {
  it('delays each request by latencyMs and serves many concurrently', async () => {
    const { client, handle } = await simulator({ latencyMs: 200 });
    const t0 = performance.now();
    await ask(client, 'Solve.', gsm8k[0]!.input);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);

    const burst = Array.from({ length: 500 }, (_, i) => gsm8k[i % gsm8k.length]!);
    const t1 = performance.now();
    const outputs = await Promise.all(burst.map((row) => ask(client, 'Solve.', row.input)));
    // Serial handling would take 100 s; concurrent handling takes about one latency period.
    expect(performance.now() - t1).toBeLessThan(10_000);
    expect(outputs.every((output) => output.includes('The answer is'))).toBe(true);
    expect(handle.stats().maxInFlight).toBeGreaterThan(100);
  });
});

describe('simulator CLI entry', () => {
  it('loads a JSONL answer key and announces its URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lpo-sim-'));
    const keyFile = join(dir, 'key.jsonl');
    writeFileSync(keyFile, fixture('gsm8k-test-40.jsonl'));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const args = ['--seed', '3', '--key', keyFile, '--key-input', 'question', '--key-target', 'answer'];
    const handle = await startSimulatorFromArgs(args);
    try {
      expect(log).toHaveBeenCalledWith(
        `simulator listening on http://127.0.0.1:${handle.port}/v1 (simulated model)`,
      );
      const client = new OpenAI({ baseURL: handle.url, apiKey: 'x', maxRetries: 0 });
      expect(await ask(client, 'Solve.', gsm8k[3]!.input)).toMatch(/The answer is -?\d+\.$/);
    } finally {
      log.mockRestore();
      await handle.close();
    }
    await expect(startSimulatorFromArgs(['--key', keyFile, '--key-input', 'nope'])).rejects.toThrow(
      `${keyFile}:1: missing field "nope"`,
    );
    await expect(startSimulatorFromArgs(['--latency', 'slow'])).rejects.toThrow(/--latency expects/);
  });
});
