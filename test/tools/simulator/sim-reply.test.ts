// The simulated task model on free-text targets (examples/support): replies, not "The answer is …",
// graded by the simulated judge with the example's own rubric and reference.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { entryFor, loadConfig } from '../../../src/config/load.js';
import { buildTask, renderMessages } from '../../../src/config/task.js';
import type { EvalTask, Example } from '../../../src/core/types.js';
import { loadSplits } from '../../../src/dataset/examples.js';
import { judgeTruth } from '../../../src/tools/simulator/sim-judge.js';
import { causeOf, hashUnit, quality } from '../../../src/tools/simulator/sim-model.js';
import { deficientReply, isFreeText } from '../../../src/tools/simulator/sim-reply.js';
import { DEFAULT_SCENARIO } from '../../../src/tools/simulator/sim-scenario.js';
import { SUPPORT_SCENARIO } from '../../../src/tools/simulator/sim-support.js';
import { simulatedTaskAnswer } from '../../../src/tools/simulator/simulator.js';

const REPO = path.join(import.meta.dirname, '..', '..', '..', 'examples', 'support');
const WEAK = readFileSync(path.join(REPO, 'prompts', 'reply.txt'), 'utf8');
const BETTER =
  `${WEAK.replace('Keep it short.', '')}Start by apologising for the trouble, refer to the details ` +
  'the customer gave, and end with the next step the customer should take.';

let task: EvalTask;
let rubric: string;
let rows: Example[];
let answerKey: { input: string; target: string }[];

beforeAll(async () => {
  const config = await loadConfig('.github/lpo.yml', REPO);
  const entry = entryFor(config, 'prompts/reply.txt')!;
  task = buildTask({ promptPath: 'prompts/reply.txt', promptText: WEAK, entry, rootDir: REPO });
  if (task.scorer.type !== 'judge') throw new Error('the example is judged');
  rubric = task.scorer.rubric;
  const splits = await loadSplits(task.datasetPath!, { input: task.input, target: task.target }, task.split);
  rows = [...splits.dev, ...splits.test];
  answerKey = rows.map((e) => ({ input: e.fields.ticket!, target: e.target }));
});

function reply(prompt: string, e: Example, opts: { seed?: number; drop?: boolean } = {}) {
  const fields = opts.drop ? { ...e.fields, ticket: '' } : e.fields;
  const messages = renderMessages(task, fields, prompt);
  const request = { model: 'sim', messages };
  return simulatedTaskAnswer({ seed: opts.seed ?? 0, scenario: SUPPORT_SCENARIO, answerKey }, request);
}

describe('free-text answers of the support scenario', () => {
  it('are replies: the reference when right, a deficient reply the judge fails when wrong', () => {
    for (const prompt of [WEAK, BETTER]) {
      for (const e of rows) {
        const { text, correct } = reply(prompt, e);
        expect(text).not.toMatch(/the answer is/i);
        const truth = judgeTruth(rubric, e.fields.ticket!, text, e.target);
        if (correct) expect(text).toBe(e.target.trim());
        else expect({ text, pass: truth.pass }).toEqual({ text, pass: false });
      }
    }
  });

  it('a better prompt passes on a superset of the tickets, and strictly more', () => {
    const right = (prompt: string) => rows.filter((e) => reply(prompt, e).correct).map((e) => e.id);
    const weak = right(WEAK);
    const better = right(BETTER);
    expect(better).toEqual(expect.arrayContaining(weak));
    expect(better.length).toBeGreaterThan(weak.length);
    expect(quality(SUPPORT_SCENARIO, BETTER)).toBeGreaterThan(quality(SUPPORT_SCENARIO, WEAK));
  });

  it('a poor reply misses what its cause is about, and carries the cause symptom for the optimizer', () => {
    const prompt = BETTER.replace('Start by apologising for the trouble, ', '');
    const wrong = rows.filter((e) => !reply(prompt, e).correct);
    const kinds = new Set<string>();
    for (const e of wrong) {
      const text = reply(prompt, e).text;
      const u = hashUnit(0, 'sim', e.fields.ticket!);
      const cause = causeOf(SUPPORT_SCENARIO, prompt, u);
      kinds.add(cause?.pattern ?? 'slip');
      const failed = judgeTruth(rubric, e.fields.ticket!, text, e.target)
        .checks.filter((c) => !c.ok)
        .map((c) => c.what);
      if (cause?.pattern.startsWith('apologi')) {
        // Only the apology is gone: the facts and the next step stay.
        expect(failed).toEqual(['"sorry"']);
        expect(text).toContain(cause.symptom);
      } else {
        // A slip (no one rule to blame): a curt line that names no rule.
        expect(cause).toBeNull();
        for (const rule of SUPPORT_SCENARIO.rules) expect(text).not.toContain(rule.symptom);
        expect(failed).toContain('the content of the reference');
      }
    }
    // Both kinds occur, so neither branch above is vacuous.
    expect(kinds.size).toBe(2);
  });

  it('depend on the seed, model and ticket only, and a request that lost the ticket gets no reply', () => {
    const e = rows[0]!;
    expect(reply(WEAK, e)).toEqual(reply(WEAK, e));
    const bySeed = rows.map((r) => [reply(WEAK, r).text, reply(WEAK, r, { seed: 9 }).text]);
    expect(bySeed.some(([a, b]) => a !== b)).toBe(true);
    expect(reply(BETTER, e, { drop: true })).toMatchObject({ text: "I don't know.", correct: false });
  });
});

describe('deficientReply and isFreeText', () => {
  const reference =
    "I'm sorry the parcel is late. It left on the 2nd. As a next step, reply with your address.";

  it('drops the sentences of the rule the prompt lacks and puts its symptom in their place', () => {
    const nextStep = SUPPORT_SCENARIO.rules.find((r) => r.pattern.startsWith('next step'))!;
    expect(deficientReply(reference, nextStep, 0)).toBe(
      `I'm sorry the parcel is late. It left on the 2nd. ${nextStep.symptom}`,
    );
    const terse = SUPPORT_SCENARIO.rules.find((r) => r.delta < 0)!;
    expect(deficientReply(reference, terse, 0)).toBe(terse.symptom);
    // A rule the reference shows nothing of (the default scenario's arithmetic) gets its curt symptom.
    const steps = DEFAULT_SCENARIO.rules[0]!;
    expect(deficientReply(reference, steps, 0)).toBe(steps.symptom);
  });

  it('treats a sentence of prose as free text and a value or short phrase as not', () => {
    expect(isFreeText(reference)).toBe(true);
    for (const short of ['18', '(B)', 'True', 'Yes, in 5 to 8 business days'])
      expect(isFreeText(short)).toBe(false);
  });
});
