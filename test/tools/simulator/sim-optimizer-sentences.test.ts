// The simulated optimizer's edits read as edits of the prompt they are given: its replies to the
// requests src/optimize sends (identify, then span texts; whole rewrites) are put back into the prompt
// by src/optimize's own code, and every resulting prompt is checked sentence by sentence.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ExampleResult } from '../../../src/core/types.js';
import { requestMessages } from '../../../src/optimize/ask.js';
import { failuresText } from '../../../src/optimize/failures.js';
import { type MetaPromptName, metaPrompt } from '../../../src/optimize/meta-prompts.js';
import { type FormatName, fromText } from '../../../src/optimize/methods/formats.js';
import { reasonsText } from '../../../src/optimize/methods/local.js';
import { globalVersions, localVersions } from '../../../src/optimize/methods/replies.js';
import { parseTagged, renderTagged } from '../../../src/optimize/tags.js';
import { Tally } from '../../../src/optimize/tally.js';
import { simulateOptimizer } from '../../../src/tools/simulator/sim-optimizer.js';
import { parseChatRequest } from '../../../src/tools/simulator/sim-request.js';
import { DEFAULT_SCENARIO, occurs, rawQuality } from '../../../src/tools/simulator/sim-scenario.js';

const math = readFileSync(new URL('../../../examples/prompts/math.txt', import.meta.url), 'utf8');
const PROMPTS = [
  math,
  // The demo's pull request: the same prompt with the step-by-step instruction swapped for haste.
  math.replace('Work through it step by step', 'Guess the answer quickly'),
  'Guess the answer.',
  'Classify the ticket quickly. Reply with just the category.',
  'Evaluate the boolean expression below. Make a guess if it is unclear, and reply in one word.\nKeep it brief.',
];
const TEMPLATE = '[user]\n{{prompt}}\n\nQ: {{question}}\nA:';
const SEEDS = Array.from({ length: 12 }, (_, s) => s);

/** Wrong answers showing the symptom of every rule that costs this prompt accuracy. */
function failuresFor(prompt: string): { failures: string; feedback: string } {
  const lower = prompt.toLowerCase();
  const at = DEFAULT_SCENARIO.rules.filter((r) =>
    r.delta < 0 ? occurs(r.pattern, lower) : r.fix !== undefined && !occurs(r.pattern, lower),
  );
  const results: ExampleResult[] = at.map((rule, i) => ({
    id: `id${i}`,
    line: i + 1,
    split: 'dev',
    input: `A baker makes ${i + 3} trays of ${i + 4} rolls each and sells half of them. How many are left?`,
    target: `#### ${i + 7}`,
    output: `${rule.symptom} The answer is ${i + 9}.`,
    extracted: `${i + 9}`,
    verdict: 'wrong',
  }));
  return {
    failures: failuresText(results),
    feedback: at.map((r, i) => `${i + 1}. ${r.analysis}`).join('\n'),
  };
}

function ask(
  meta: MetaPromptName,
  format: FormatName,
  values: Record<string, string>,
  seed: number,
  json: boolean,
) {
  const all = Object.fromEntries([...metaPrompt(meta).matchAll(/\{\{(\w+)\}\}/g)].map((m) => [m[1]!, '']));
  const temperature = seed === 0 ? 0 : 0.7;
  const messages = requestMessages({ meta, values: { ...all, ...values }, format, temperature, seed }, json);
  const response_format = json
    ? { type: 'json_schema', json_schema: { name: `lpo_${format}`, schema: { type: 'object' } } }
    : undefined;
  const request = parseChatRequest({ model: 'optimizer', messages, seed, temperature, response_format });
  const text = simulateOptimizer(DEFAULT_SCENARIO, 3, request)!;
  try {
    return JSON.parse(text);
  } catch {
    return fromText(format, text, { truncated: false, repaired: () => {} });
  }
}

/** Every prompt src/optimize makes of the simulator's proposals for `prompt`: local edits and whole rewrites. */
function proposals(prompt: string): string[] {
  const { failures, feedback } = failuresFor(prompt);
  const out: string[] = [];
  const tally = new Tally();
  for (const seed of SEEDS)
    for (const json of [true, false])
      for (const maxWords of ['5', '']) {
        const values = { template: TEMPLATE, prompt, failures, feedback, max_words: maxWords, count: '6' };
        const tagged = ask('lpo-identify', 'tagged', values, seed, json);
        const t = parseTagged(prompt, tagged.prompt ?? '', tagged.reasons ?? [], 5, tally);
        if (t) {
          const edits = { ...values, prompt: renderTagged(t), reasons: reasonsText(t) };
          for (const meta of ['lpo-propose', 'lpo-paraphrase'] as const) {
            const reply = ask(meta, 'edits', edits, seed, json);
            const versions = (reply.versions ?? []).map((v: { edits: string[] }) => v.edits);
            for (const o of localVersions(t, versions, 6, tally)) if (o.ok) out.push(o.prompt);
          }
        }
        const whole = ask('lpo-global', 'prompts', values, seed, json).prompts ?? [];
        for (const o of globalVersions(prompt, whole, 6, tally)) if (o.ok) out.push(o.prompt);
      }
  return [...new Set(out)];
}

/** The sentences of a prompt, line by line (a line break ends a sentence). */
const sentences = (text: string) =>
  text
    .split('\n')
    .flatMap((line) => line.split(/(?<=[.!?]["”]?)\s+(?=\S)/))
    .map((s) => s.trim())
    .filter(Boolean);

/** What is wrong with `text` as prose, one line per fault; empty when it reads right. */
function faults(text: string): string[] {
  const found: string[] = [];
  if (/\s[.,;!?]/.test(text)) found.push('space before punctuation');
  if (/[.,;!?]["”]?[.,;!?]/.test(text.replace(/\.\.\./g, ''))) found.push('doubled punctuation');
  if (/\S[ \t]{2,}\S/.test(text)) found.push('doubled space');
  for (const s of sentences(text)) {
    if (!/^[A-Z"“{]/.test(s)) found.push(`sentence starting in lower case: "${s}"`);
    if (!/[.!?]["”]?$/.test(s)) found.push(`sentence without its full stop: "${s}"`);
    // A sentence written in the middle of another leaves a stop followed by the rest in lower case.
    if (/[.!?] [a-z]/.test(s)) found.push(`lower case after a full stop: "${s}"`);
    if (/\bstep by step (?!and\b|then\b)[a-z]/i.test(s))
      found.push(`"step by step" before its object: "${s}"`);
  }
  return found;
}

describe("the simulated optimizer's edits", () => {
  it('the prompts to edit read right to begin with', () => {
    for (const p of PROMPTS) expect(faults(p), p).toEqual([]);
  });

  for (const prompt of PROMPTS)
    it(`read as full sentences: ${prompt.split('\n')[0]!.slice(0, 50)}`, () => {
      const got = proposals(prompt);
      // Enough proposals to see every kind of edit, and some of them fix what the failures show
      // (the simulated world's effect is kept: reading right is not bought by fixing nothing).
      expect(got.length).toBeGreaterThan(10);
      expect(got.some((p) => rawQuality(DEFAULT_SCENARIO, p) > rawQuality(DEFAULT_SCENARIO, prompt))).toBe(
        true,
      );
      const bad = got.map((p) => ({ p, why: faults(p) })).filter((x) => x.why.length > 0);
      expect(bad).toEqual([]);
    });

  it('write no sentence inside another, even when a span in mid-sentence is asked for one', () => {
    // One tag holding a culprit in mid-sentence, its reason also naming a missing instruction.
    const prompt = 'Classify the ticket. Reply quickly with just the category.';
    const { failures, feedback } = failuresFor(prompt);
    const hurry = DEFAULT_SCENARIO.rules.find((r) => r.pattern.startsWith('quickly'))!;
    const steps = DEFAULT_SCENARIO.rules.find((r) => r.pattern.startsWith('step by step'))!;
    const values = {
      prompt: 'Classify the ticket. Reply <edit>quickly</edit> with just the category.',
      reasons: `1. "quickly": ${hurry.tagReason}; ${steps.tagReason}`,
      failures,
      feedback,
      count: '6',
    };
    const t = parseTagged(prompt, values.prompt, [values.reasons], 5, new Tally())!;
    const got = SEEDS.flatMap((seed) => {
      const versions = (ask('lpo-propose', 'edits', values, seed, true).versions ?? []).map(
        (v: { edits: string[] }) => v.edits,
      );
      return localVersions(t, versions, 6, new Tally()).flatMap((o) => (o.ok ? [o.prompt] : []));
    });
    expect(got).toContain('Classify the ticket. Reply carefully with just the category.');
    for (const p of got) expect(faults(p), p).toEqual([]);
  });

  it('replace a culprit word with a phrase that keeps its sentence whole', () => {
    const fixed = proposals('Guess the answer.');
    expect(fixed).toContain('Work out the answer step by step.');
    const noun = proposals(PROMPTS[4]!);
    expect(noun.some((p) => p.includes('Make a step-by-step solution if it is unclear'))).toBe(true);
    expect(noun.some((p) => p.includes('reply in a short sentence and then the final answer.'))).toBe(true);
  });
});
