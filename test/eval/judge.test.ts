import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTask } from '../../src/config/task.js';
import type { EvalTask, Example, JudgeScorerSpec } from '../../src/core/types.js';
import { examplesFromRows } from '../../src/dataset/examples.js';
import { judgeRequest, parseJudgeText } from '../../src/eval/judge.js';
import { evaluate } from '../../src/eval/run.js';
import { LlmClient } from '../../src/llm/client.js';
import { rubricChecks } from '../../src/tools/simulator/sim-judge.js';
import {
  SIMULATED_MODEL,
  type SimulatorHandle,
  startSimulator,
} from '../../src/tools/simulator/simulator.js';
import { completion, type FakeOpenAI, startFakeOpenAI } from '../llm/helpers/fake-openai.js';

// Support-ticket questions with a short reference reply (free text: nothing to match exactly).
const ROWS: [string, string][] = [
  ['My parcel has not arrived after ten days, where is it?', 'We will trace the parcel and email you'],
  ['How do I reset my password?', 'Use the reset link on the login page'],
  ['Can I get a refund for a damaged mug?', 'Yes, a full refund within 30 days'],
  ['Do you ship to Canada?', 'Yes, in 5 to 8 business days'],
  ['Why was my card charged twice?', 'The second charge is a hold that drops in 3 days'],
  ['Can I change the delivery address after ordering?', 'Yes, before the order ships'],
];
const examples: Example[] = ROWS.map(([question, answer], i) => ({
  id: `t${i}`,
  index: i,
  line: i + 1,
  fields: { question },
  target: answer,
}));

function taskWith(scorer: JudgeScorerSpec): EvalTask {
  return {
    promptPath: 'prompts/support.txt',
    kind: 'text',
    prompt: 'Reply to the customer in one sentence.',
    messages: [{ role: 'user', content: '{{prompt}}\n\n{{question}}' }],
    datasetPath: null,
    input: ['question'],
    target: 'answer',
    scorer,
    split: { dev: 0.5, seed: 1 },
    params: {},
  };
}

const RUBRIC: JudgeScorerSpec = {
  type: 'judge',
  rubric: 'The reply answers the question politely.',
  reference: 'answer',
  scale: 'pass-fail',
  threshold: 4,
};

describe('judgeRequest', () => {
  it('sends one user message with the tagged sections, at temperature 0, to the judge model', () => {
    const spec = { ...RUBRIC, model: 'judge-model' };
    const request = judgeRequest(spec, { input: 'Q?', output: 'says {{rubric}}', reference: 'R' }, 'x', true);
    expect(request.model).toBe('judge-model');
    expect(request.temperature).toBe(0);
    expect(request.messages).toHaveLength(1);
    const text = request.messages[0]!.content;
    expect(text).toContain(`<rubric>\n${RUBRIC.rubric}\n</rubric>`);
    expect(text).toContain('<input>\nQ?\n</input>');
    // A value is filled once: the output's own "{{rubric}}" reaches the judge literally.
    expect(text).toContain('<output>\nsays {{rubric}}\n</output>');
    expect(text).toContain('<reference>\nR\n</reference>');
    expect(text.trimEnd().endsWith('"reason": "<one sentence>"}.')).toBe(true);
  });

  it('says "(none)" without a reference and asks for the plain-text lines in text mode', () => {
    const spec: JudgeScorerSpec = { ...RUBRIC, scale: '1-5' };
    const text = judgeRequest(spec, { input: 'Q', output: 'A' }, 'm', false).messages[0]!.content;
    expect(text).toContain('<reference>\n(none)\n</reference>');
    expect(text).toMatch(/Score: <whole number 1 to 5>\nReason: <one sentence>$/);
  });
});

describe('parseJudgeText', () => {
  it.each([
    ['Verdict: PASS\nReason: states the refund window', 'pass-fail', { pass: true }],
    ['verdict: fail\nreason: no answer given', 'pass-fail', { pass: false }],
    ['**Verdict:** FAIL — it ignores the question', 'pass-fail', { pass: false }],
    ['The reply passes. Reason: polite and correct', 'pass-fail', { pass: true }],
    ['Score: 4\nReason: mostly right', '1-5', { score: 4 }],
    ['I would give it 2/5. Reason: vague', '1-5', { score: 2 }],
  ] as const)('%j (%s)', (text, scale, expected) => {
    expect(parseJudgeText(scale, text)).toMatchObject(expected);
  });

  it('keeps the reason', () => {
    expect(parseJudgeText('pass-fail', 'Verdict: PASS\nReason: names the 30 days')?.reason).toBe(
      'names the 30 days',
    );
  });

  it.each([
    ['pass-fail', 'It could pass or fail, hard to say.'],
    ['pass-fail', 'No opinion.'],
    ['1-5', 'Score: 9'],
    ['1-5', 'Good answer.'],
  ] as const)('no grade in %s %j', (scale, text) => {
    expect(parseJudgeText(scale, text)).toBeNull();
  });
});

describe('the rubric judge against the simulator over HTTP', () => {
  let sim: SimulatorHandle;
  let fallbackSim: SimulatorHandle;
  beforeAll(async () => {
    // The answer key lets the simulated task model answer some tickets with their reference.
    const answerKey = ROWS.map(([input, target]) => ({ input, target }));
    sim = await startSimulator({ seed: 5, judgeDisagreement: 0, answerKey });
    fallbackSim = await startSimulator({
      seed: 5,
      judgeDisagreement: 0,
      rejectResponseFormat: true,
      answerKey,
    });
  });
  afterAll(async () => {
    await sim.close();
    await fallbackSim.close();
  });

  const client = (url: string, extra: Partial<ConstructorParameters<typeof LlmClient>[0]> = {}) =>
    new LlmClient({ baseURL: url, apiKey: 'k', maxRetries: 0, cacheDir: null, ...extra });

  it("grades each output as the simulator's checks say, keeps the reason, and counts the judge's calls", async () => {
    const llm = client(sim.url);
    const run = await evaluate(taskWith(RUBRIC), { dev: examples }, { client: llm, model: SIMULATED_MODEL });
    const results = run.splits.dev!.results;
    for (const [i, r] of results.entries()) {
      const checks = rubricChecks(RUBRIC.rubric, ROWS[i]![0], r.output!, ROWS[i]![1]);
      expect(r.verdict).toBe(checks.every((c) => c.ok) ? 'correct' : 'wrong');
      expect(r.judge?.reason.length).toBeGreaterThan(0);
    }
    // Both grades occur, so agreeing with the checks is not a constant answer.
    expect(new Set(results.map((r) => r.verdict))).toEqual(new Set(['correct', 'wrong']));
    // One task call and one judge call per example.
    expect(sim.stats().judge).toBe(examples.length);
    expect(llm.usage().calls).toBe(2 * examples.length);
  });

  it('falls back to plain text where response_format is refused, with the same verdicts', async () => {
    const structured = await evaluate(
      taskWith(RUBRIC),
      { dev: examples },
      {
        client: client(sim.url),
        model: SIMULATED_MODEL,
      },
    );
    const plainClient = client(fallbackSim.url, { concurrency: 1 });
    const plain = await evaluate(
      taskWith(RUBRIC),
      { dev: examples },
      { client: plainClient, model: SIMULATED_MODEL },
    );
    // Refused once (a failed call), then asked in plain text only: one judge call per example.
    expect(plainClient.usage()).toMatchObject({ calls: 2 * examples.length, failedCalls: 1 });
    expect(fallbackSim.stats().judge).toBe(examples.length);
    const verdicts = (r: typeof plain) => r.splits.dev!.results.map((x) => x.verdict);
    expect(verdicts(plain)).toEqual(verdicts(structured));
    expect(plain.splits.dev!.results.every((r) => r.judge !== undefined)).toBe(true);
  });

  it('on the 1-5 scale, passes at the threshold and keeps the score', async () => {
    const spec: JudgeScorerSpec = { ...RUBRIC, rubric: 'The reply says "refund".', scale: '1-5' };
    const run = await evaluate(
      taskWith(spec),
      { dev: examples },
      { client: client(sim.url), model: SIMULATED_MODEL },
    );
    for (const r of run.splits.dev!.results) {
      const score = r.judge?.score;
      expect(score).toBeGreaterThanOrEqual(1);
      expect(r.verdict).toBe(score! >= spec.threshold ? 'correct' : 'wrong');
    }
  });

  it("counts the judge's calls in max-calls: what the ceiling refuses is an error, never a pass or a fail", async () => {
    const maxCalls = 5;
    const llm = client(sim.url, { ceilings: { maxCalls }, concurrency: 1 });
    const run = await evaluate(taskWith(RUBRIC), { dev: examples }, { client: llm, model: SIMULATED_MODEL });
    const results = run.splits.dev!.results;
    // Calls alternate task, judge: 5 calls grade two examples and leave the third's judge refused.
    const graded = results.filter((r) => r.verdict !== 'error');
    expect(graded).toHaveLength(2);
    expect(graded.every((r) => r.judge !== undefined)).toBe(true);
    expect(results[2]!.verdict).toBe('error');
    expect(results[2]!.output).not.toBeNull();
    expect(results[2]!.error).toContain('ceiling of 5 requests');
    expect(results.slice(3).every((r) => r.verdict === 'error')).toBe(true);
    expect(llm.usage().calls).toBe(maxCalls);
    expect(run.overBudget).toContain('max-calls');
  });

  it('refuses a judge model outside the allowed models, as an error', async () => {
    const llm = client(sim.url, { ceilings: { models: [SIMULATED_MODEL] } });
    const spec = { ...RUBRIC, model: 'gpt-judge' };
    const run = await evaluate(
      taskWith(spec),
      { dev: examples.slice(0, 2) },
      { client: llm, model: SIMULATED_MODEL },
    );
    for (const r of run.splits.dev!.results) {
      expect(r.verdict).toBe('error');
      expect(r.error).toContain('model "gpt-judge" is not allowed');
    }
  });
});

describe('a judge that fails', () => {
  let server: FakeOpenAI;
  afterAll(() => server?.close());

  it('makes the example an error after retries, and an unreadable plain reply too', async () => {
    server = await startFakeOpenAI((req) => {
      const text: string = req.body.messages.at(-1).content;
      if (!text.includes('<rubric>')) return { json: completion('We will trace the parcel.') };
      if (req.body.response_format)
        return { status: 400, json: { error: { message: 'no response_format' } } };
      // Plain text: the first question's judge is down; the second's says nothing readable.
      if (text.includes('parcel has not arrived'))
        return { status: 503, json: { error: { message: 'down' } } };
      return { json: completion('Hmm, interesting answer.') };
    });
    const llm = new LlmClient({ baseURL: server.baseURL, apiKey: 'k', maxRetries: 1, cacheDir: null });
    const run = await evaluate(
      taskWith(RUBRIC),
      { dev: examples.slice(0, 2) },
      {
        client: llm,
        model: 'task-model',
      },
    );
    const [down, garbled] = run.splits.dev!.results;
    expect(down!.verdict).toBe('error');
    expect(down!.error).toContain('503');
    expect(garbled!.verdict).toBe('error');
    expect(garbled!.error).toContain('gave no pass-fail grade');
    expect(run.splits.dev!.summary).toMatchObject({ total: 2, errors: 2, accuracy: null });
  });
});

describe('a .prompt.yml with an llm evaluator, end to end on the simulator', () => {
  it('is graded by the evaluator model with the reference row field, as the checks say', async () => {
    const text = [
      'messages:',
      '  - role: user',
      '    content: "Reply to the customer in one sentence.\\n\\n{{ticket}}"',
      'testData:',
      ...ROWS.flatMap(([q, a]) => [`  - ticket: ${JSON.stringify(q)}`, `    expected: ${JSON.stringify(a)}`]),
      'evaluators:',
      '  - name: resolves',
      '    llm:',
      '      modelId: judge-model',
      '      prompt: "Reply: {{completion}}\\nExpected: {{expected}}\\nDoes the reply say what is expected? good or bad"',
      '      choices: [{choice: good, score: 1}, {choice: bad, score: 0}]',
    ].join('\n');
    const task = buildTask({ promptPath: 'support.prompt.yml', promptText: text, rootDir: '/r' });
    const rows = examplesFromRows(
      task.inlineRows!,
      { input: task.input, target: task.target },
      'support.prompt.yml',
    );
    const answerKey = ROWS.map(([input, target]) => ({ input, target }));
    const sim = await startSimulator({ seed: 5, judgeDisagreement: 0, answerKey });
    try {
      const llm = new LlmClient({ baseURL: sim.url, apiKey: 'k', maxRetries: 0, cacheDir: null });
      const run = await evaluate(task, { dev: rows }, { client: llm, model: SIMULATED_MODEL });
      const spec = task.scorer as JudgeScorerSpec;
      const results = run.splits.dev!.results;
      for (const r of results) {
        const checks = rubricChecks(spec.rubric, r.input, r.output!, r.target);
        expect(r.verdict).toBe(checks.every((c) => c.ok) ? 'correct' : 'wrong');
      }
      expect(new Set(results.map((r) => r.verdict))).toEqual(new Set(['correct', 'wrong']));
      expect(sim.stats().judge).toBe(rows.length);
    } finally {
      await sim.close();
    }
  });
});
