import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AnswerKey } from '../../../src/tools/simulator/sim-answer-key.js';
import {
  causeOf,
  DEFAULT_SCENARIO,
  finalAnswer,
  hashUnit,
  quality,
  simulateAnswer,
  wrongAnswer,
} from '../../../src/tools/simulator/sim-model.js';

const gsm8k = readFileSync(new URL('../../llm/fixtures/gsm8k-test-40.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { question: string; answer: string })
  .map((row) => ({ input: row.question, target: row.answer }));

describe('hashUnit', () => {
  it('is deterministic, in [0, 1), and sensitive to every part', () => {
    expect(hashUnit(1, 'm', 'x')).toBe(hashUnit(1, 'm', 'x'));
    expect(hashUnit(1, 'm', 'x')).not.toBe(hashUnit(2, 'm', 'x'));
    expect(hashUnit('a', 'bc')).not.toBe(hashUnit('ab', 'c'));
    for (let i = 0; i < 200; i++) {
      const u = hashUnit(i);
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
    }
  });
});

describe('quality', () => {
  it('adds the deltas of the default table and clamps', () => {
    expect(quality(DEFAULT_SCENARIO, 'Solve it.')).toBeCloseTo(0.4);
    expect(quality(DEFAULT_SCENARIO, "Let's think Step By Step.")).toBeCloseTo(0.65);
    expect(
      quality(DEFAULT_SCENARIO, 'Step by step; double-check; the answer is ...; final answer'),
    ).toBeCloseTo(0.85);
    expect(quality(DEFAULT_SCENARIO, 'Guess quickly, in one word.')).toBeCloseTo(0.02);
    expect(quality({ ...DEFAULT_SCENARIO, base: 2 }, '')).toBe(0.98);
  });
});

describe('answers', () => {
  it('takes the final answer after the last ####', () => {
    expect(finalAnswer('2 + 2 = 4\n#### 4 ')).toBe('4');
    expect(finalAnswer(' (B) ')).toBe('(B)');
  });

  it('makes plausible wrong answers', () => {
    expect(Number(wrongAnswer('18', 0))).toBe(19);
    expect(Number(wrongAnswer('18', 0.999))).toBe(27);
    expect(wrongAnswer('2.50', 0.5)).toBe('7.50');
    expect(wrongAnswer('1,200', 0)).toBe('1,201');
    expect(wrongAnswer('(B)', 0)).toBe('(C)');
    expect(wrongAnswer('(E)', 0)).toBe('(A)');
    expect(wrongAnswer('(B)', 0.99, 'Options:\n(A) x\n(F) y')).toBe('(A)');
    expect(wrongAnswer('True', 0.3)).toBe('False');
    expect(wrongAnswer('no', 0.3)).toBe('yes');
    expect(wrongAnswer('valid', 0.3)).toBe('invalid');
    expect(wrongAnswer('apple banana', 0.3)).toBe('unknown');
    expect(wrongAnswer('unknown', 0.3)).toBe('none');
  });

  it('a better prompt is right on a superset of the examples', () => {
    const correctWith = (prompt: string) =>
      new Set(
        gsm8k
          .filter(
            (key) =>
              simulateAnswer({
                seed: 3,
                model: 'm',
                scenario: DEFAULT_SCENARIO,
                requestText: `${prompt}\nQ: ${key.input}\nA:`,
                key,
              }).correct,
          )
          .map((key) => key.input),
      );
    const weak = correctWith('Just guess.');
    const plain = correctWith('Answer the question.');
    const strong = correctWith("Let's think step by step. Give the final answer.");
    expect(weak.size).toBeLessThan(plain.size);
    expect(plain.size).toBeLessThan(strong.size);
    for (const input of weak) expect(plain.has(input)).toBe(true);
    for (const input of plain) expect(strong.has(input)).toBe(true);
  });

  it('ignores rule patterns inside the matched input', () => {
    const key = { input: 'Take a guess: what is 6 times 7 in the puzzle?', target: '42' };
    const args = {
      seed: 0,
      model: 'm',
      scenario: { base: 0.5, rules: [{ pattern: 'guess', delta: -1 }], replacements: {} },
    };
    const seeds = Array.from({ length: 40 }, (_, seed) =>
      simulateAnswer({ ...args, seed, key, requestText: key.input }),
    );
    // Were "guess" counted, quality would be 0.02 and almost none of the 40 would be right.
    expect(seeds.filter((answer) => answer.correct).length).toBeGreaterThan(8);
  });

  it('answers in the documented shape and says it does not know without a key', () => {
    const key = gsm8k[0]!;
    const answer = simulateAnswer({
      seed: 1,
      model: 'm',
      scenario: DEFAULT_SCENARIO,
      requestText: key.input,
      key,
    });
    const final = answer.correct ? '18' : wrongAnswer('18', hashUnit(1, 'm', key.input, 'wrong'));
    expect(answer.text).toMatch(new RegExp(`^[A-Z][^0-9]*\\. The answer is ${final}\\.$`));
    const none = simulateAnswer({
      seed: 1,
      model: 'm',
      scenario: DEFAULT_SCENARIO,
      requestText: 'hi',
      key: undefined,
    });
    expect(none).toEqual({ text: "I don't know.", correct: false });
  });
});

const answer = (prompt: string, key: { input: string; target: string }, seed = 3) =>
  simulateAnswer({
    seed,
    model: 'm',
    scenario: DEFAULT_SCENARIO,
    requestText: `${prompt}\nQ: ${key.input}\nA:`,
    key,
  });

describe('what the failures show', () => {
  it('a wrong answer carries the symptom of the first fix that would have made it right', () => {
    const prompt = 'Answer quickly.';
    const wrong = gsm8k.filter((key) => !answer(prompt, key).correct);
    expect(wrong.length).toBeGreaterThan(10);
    const shown = new Set<string>();
    for (const key of wrong) {
      const cause = causeOf(DEFAULT_SCENARIO, `${prompt}\nQ: \nA:`, hashUnit(3, 'm', key.input));
      const text = answer(prompt, key).text;
      if (cause) {
        expect(text.startsWith(cause.symptom!)).toBe(true);
        shown.add(cause.pattern);
      } else for (const r of DEFAULT_SCENARIO.rules) expect(text).not.toContain(r.symptom!);
    }
    // "quickly" is the first fix credited, then the best missing instructions.
    expect([...shown]).toContain(
      DEFAULT_SCENARIO.rules.find((r) => r.pattern.startsWith('quickly'))!.pattern,
    );
    expect(shown.size).toBeGreaterThan(1);
  });

  it("synonyms keep a rule's effect, so a paraphrase that keeps the meaning keeps the score", () => {
    expect(quality(DEFAULT_SCENARIO, 'Answer promptly.')).toBeCloseTo(
      quality(DEFAULT_SCENARIO, 'Answer quickly.'),
    );
    expect(quality(DEFAULT_SCENARIO, 'Go one step at a time.')).toBeCloseTo(0.65);
  });

  it('a careless addition makes the prompt worse', () => {
    const base = gsm8k.filter((key) => answer("Let's think step by step.", key).correct).length;
    const careless = gsm8k.filter(
      (key) => answer("Let's think step by step. Keep it brief.", key).correct,
    ).length;
    expect(careless).toBeLessThan(base);
  });
});

describe('quoting an input', () => {
  it('makes exactly the quoted examples right: a gain on the examples shown, none elsewhere', () => {
    const prompt = 'Answer quickly.';
    const wrong = gsm8k.filter((key) => !answer(prompt, key).correct);
    const shown = wrong.slice(0, 4);
    const quote = (k: { input: string }) => k.input.split(/\s+/).slice(0, 8).join(' ');
    const hinted = `${prompt} ${shown.map((k) => `For example, in "${quote(k)}", read each number twice.`).join(' ')}`;
    for (const key of shown) expect(answer(hinted, key).correct).toBe(true);
    for (const key of gsm8k.filter((k) => !shown.includes(k))) {
      expect(answer(hinted, key).correct).toBe(answer(prompt, key).correct);
    }
  });
});

describe('AnswerKey', () => {
  it('finds inputs embedded in a template, short inputs, and prefers the longest match', () => {
    const key = new AnswerKey([
      ...gsm8k,
      { input: '2+2', target: '4' },
      { input: 'What is the capital of France?', target: 'Paris' },
      { input: 'What is the capital of France? Answer in French.', target: 'Paris (fr)' },
    ]);
    expect(key.find(`Solve this.\nQ: ${gsm8k[7]!.input}\nA:`)?.target).toBe(gsm8k[7]!.target);
    expect(key.find('Q: what is 2+2? A:')?.target).toBe('4');
    expect(key.find('Q: What is the capital of France? Answer in French. A:')?.target).toBe('Paris (fr)');
    expect(key.find('Q: What is the capital of France?')?.target).toBe('Paris');
    expect(key.find('Q: something else entirely, long enough to scan')).toBeUndefined();
  });

  it('indexes 100,000 keys and finds one among them', () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => ({
      input: `Problem number ${i}: a train leaves at ${i % 24} o'clock and travels ${i} km.`,
      target: String(i),
    }));
    const key = new AnswerKey(rows);
    expect(key.size).toBe(100_000);
    expect(key.find(`Q: ${rows[98_765]!.input}\nA:`)?.target).toBe('98765');
    expect(key.find(`Q: ${rows[5]!.input}`)?.target).toBe('5');
  });
});
