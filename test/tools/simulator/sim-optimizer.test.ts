// The simulated optimizer reads the requests src/optimize really sends (the meta-prompts of prompts/,
// the format note the code appends, the failures as failures.ts shows them) and acts only on what they
// hold: drop a piece of information and its reply gets worse, never stays the same.
import { describe, expect, it } from 'vitest';
import type { ExampleResult } from '../../../src/core/types.js';
import { requestMessages } from '../../../src/optimize/ask.js';
import { failuresText } from '../../../src/optimize/failures.js';
import { type MetaPromptName, metaPrompt } from '../../../src/optimize/meta-prompts.js';
import { type FormatName, fromText } from '../../../src/optimize/methods/formats.js';
import { simulateOptimizer } from '../../../src/tools/simulator/sim-optimizer.js';
import { requestedJob } from '../../../src/tools/simulator/sim-optimizer-read.js';
import { parseChatRequest } from '../../../src/tools/simulator/sim-request.js';
import { DEFAULT_SCENARIO } from '../../../src/tools/simulator/sim-scenario.js';
import { startSimulator } from '../../../src/tools/simulator/simulator.js';

const rule = (p: string) => DEFAULT_SCENARIO.rules.find((r) => r.pattern.startsWith(p))!;
const HURRY = rule('quickly');
const ONE_WORD = rule('one word');

/** Wrong answers whose outputs show the symptoms given, with long enough inputs to quote. */
function failing(...symptoms: string[]): string {
  const results: ExampleResult[] = symptoms.map((symptom, i) => ({
    id: `id${i}`,
    line: i + 1,
    split: 'dev',
    input: `A farmer has ${i + 3} cows and buys ${i + 4} more cows at the market. How many cows now?`,
    target: `#### ${2 * i + 7}`,
    output: `${symptom} The answer is ${2 * i + 9}.`,
    extracted: `${2 * i + 9}`,
    verdict: 'wrong',
  }));
  return failuresText(results);
}

const TEMPLATE = '[user]\n{{prompt}}\n\nQ: {{question}}\nA:';
const PROMPT = 'Work through it one step at a time. Answer quickly, in one word.';

interface Ask {
  meta: MetaPromptName;
  values: Record<string, string>;
  format: FormatName;
  json?: boolean;
  seed?: number;
  temperature?: number;
  history?: { role: 'user' | 'assistant'; content: string }[];
}

/** A request as src/optimize sends it; a value not given is empty, as if its placeholder were deleted. */
function request({ meta, values, format, json = false, seed = 1, temperature = 0.7, history }: Ask) {
  const all = Object.fromEntries([...metaPrompt(meta).matchAll(/\{\{(\w+)\}\}/g)].map((m) => [m[1]!, '']));
  const filled = { ...all, ...values };
  const messages = requestMessages({ meta, values: filled, format, temperature, seed, history }, json);
  const response_format = json
    ? { type: 'json_schema', json_schema: { name: `lpo_${format}`, schema: { type: 'object' } } }
    : undefined;
  return parseChatRequest({ model: 'optimizer', messages, seed, temperature, response_format });
}

const reply = (ask: Ask, seed = 3) => simulateOptimizer(DEFAULT_SCENARIO, seed, request(ask))!;
/** The reply to a JSON request as the optimizer reads it (a reply in text read by the text parser). */
function json(ask: Ask) {
  const text = reply({ ...ask, json: true });
  try {
    return JSON.parse(text);
  } catch {
    return fromText(ask.format, text, { truncated: false, repaired: () => {} });
  }
}

const gradient = (failures: string, prompt = PROMPT) =>
  json({ meta: 'apo-gradient', values: { prompt, failures }, format: 'reasons', temperature: 0 })
    .reasons as string[];

describe('recognising a request', () => {
  it('by the schema name in JSON mode and by the format note in text mode, with no marker', () => {
    const formats: [MetaPromptName, FormatName][] = [
      ['apo-gradient', 'reasons'],
      ['pe2-reflect', 'reflection'],
      ['lpo-identify', 'tagged'],
      ['lpo-propose', 'edits'],
      ['lpo-global', 'prompts'],
    ];
    for (const [meta, format] of formats)
      for (const asJson of [true, false])
        expect(requestedJob(request({ meta, values: { prompt: PROMPT }, format, json: asJson }))).toBe(
          format,
        );
    const task = parseChatRequest({
      model: 'm',
      messages: [{ role: 'user', content: `${PROMPT}\n\nQ: 2+2?` }],
    });
    expect(requestedJob(task)).toBeNull();
    const marker = parseChatRequest({
      model: 'm',
      messages: [{ role: 'user', content: '### Task: apo-gradient\nhi' }],
    });
    expect(requestedJob(marker)).toBeNull();
  });
});

describe('a gradient', () => {
  it('names the rule the failures show, and only that one', () => {
    const hurried = gradient(failing(HURRY.symptom!, HURRY.symptom!));
    expect(hurried.join(' ')).toContain(HURRY.cue!);
    expect(hurried.join(' ')).not.toContain(ONE_WORD.cue!);
    // Same prompt, other failures: another diagnosis.
    const terse = gradient(failing(ONE_WORD.symptom!));
    expect(terse.join(' ')).toContain(ONE_WORD.cue!);
    expect(terse.join(' ')).not.toContain(HURRY.cue!);
  });

  it('without failures gives generic reasons that name no rule', () => {
    const reasons = gradient('');
    expect(reasons.length).toBeGreaterThan(0);
    for (const r of DEFAULT_SCENARIO.rules) expect(reasons.join(' ')).not.toContain(r.cue!);
  });

  it('without the prompt says so in words, even when JSON is asked for', () => {
    const text = reply({
      meta: 'apo-gradient',
      values: { failures: failing(HURRY.symptom!) },
      format: 'reasons',
      json: true,
    });
    expect(text).toBe('I could not find the prompt to work on.');
  });

  it('answers in the text format the note asks for', () => {
    const text = reply({
      meta: 'apo-gradient',
      values: { prompt: PROMPT, failures: failing(HURRY.symptom!) },
      format: 'reasons',
      temperature: 0,
    });
    expect(text).toMatch(/^Reasons:\n1\. .*rushes the model/);
  });
});

describe("PE2's reflection", () => {
  const reflect = (values: Record<string, string>) =>
    json({ meta: 'pe2-reflect', values, format: 'reflection', temperature: 0 }) as {
      analysis: string;
      reasons: string[];
    };
  const full = {
    template: TEMPLATE,
    history: '(none: this is the first refinement of the prompt)',
    prompt: PROMPT,
    failures: failing(HURRY.symptom!),
  };

  it('diagnoses only with the template; without it, asks for example-specific cases', () => {
    expect(reflect(full).reasons.join(' ')).toContain(HURRY.cue!);
    const blind = reflect({ ...full, template: '' });
    expect(blind.reasons.join(' ')).not.toContain(HURRY.cue!);
    expect(blind.reasons.join(' ')).toMatch(/cover cases like "A farmer has 3 cows/);
  });

  it('without a history, recommends dropping a helpful sentence it cannot account for', () => {
    expect(reflect(full).reasons.join(' ')).not.toMatch(/could go/);
    expect(reflect({ ...full, history: '' }).reasons.join(' ')).toContain(
      'The sentence "Work through it one step at a time." looks unrelated to these failures and could go.',
    );
  });
});

describe('identify', () => {
  const feedback = `1. ${HURRY.analysis}`;
  const identify = (values: Record<string, string>, temperature = 0) =>
    json({ meta: 'lpo-identify', values, format: 'tagged', temperature }) as {
      prompt: string;
      reasons: string[];
    };
  const full = {
    template: TEMPLATE,
    prompt: PROMPT,
    failures: failing(HURRY.symptom!),
    feedback,
    max_words: '3',
  };

  it('tags the culprit the analysis names and the failures show, within the word limit', () => {
    const tagged = identify(full);
    expect(tagged.prompt).toBe(
      'Work through it one step at a time. Answer <edit>quickly</edit>, in one word.',
    );
    expect(tagged.reasons).toEqual([HURRY.tagReason]);
  });

  it('tags no culprit without the analysis, the failures or the template', () => {
    for (const missing of ['feedback', 'failures', 'template'] as const) {
      const tagged = identify({ ...full, [missing]: '' });
      expect(tagged.prompt, missing).not.toContain('<edit>quickly</edit>');
      expect(tagged.reasons.join(' '), missing).not.toContain(HURRY.tagCue!);
    }
  });

  it('not told the word limit, tags the whole line', () => {
    expect(identify({ ...full, max_words: '' }).prompt).toBe(`<edit>${PROMPT}</edit>`);
  });
});

describe('span proposals', () => {
  const tagged = 'Work through it one step at a time. Answer <edit>quickly</edit>, in one word.';
  const values = {
    prompt: tagged,
    reasons: `1. "quickly": ${HURRY.tagReason}`,
    failures: failing(HURRY.symptom!),
    feedback: `1. ${HURRY.analysis}`,
    count: '3',
  };
  const versions = (v: Record<string, string>) =>
    (
      json({ meta: 'lpo-propose', values: v, format: 'edits', temperature: 0 }).versions as {
        edits: string[];
      }[]
    ).map((x) => x.edits.join('|'));

  it('fixes what the span reason and the analysis name, backed by the failures', () => {
    expect(versions(values).some((e) => e.startsWith('carefully'))).toBe(true);
  });

  it('without the reasons, the analysis or the failures, does not fix it', () => {
    for (const missing of ['reasons', 'feedback', 'failures'] as const) {
      const got = versions({ ...values, [missing]: '' });
      expect(got.length, missing).toBe(3);
      expect(
        got.some((e) => e.includes('carefully')),
        missing,
      ).toBe(false);
    }
  });

  it('writes as many versions as asked, and more when not told how many', () => {
    expect(versions({ ...values, count: '2' })).toHaveLength(2);
    expect(versions({ ...values, count: '' }).length).toBeGreaterThan(4);
  });
});

describe('whole prompts', () => {
  const values = {
    template: TEMPLATE,
    prompt: PROMPT,
    failures: failing(HURRY.symptom!),
    feedback: `1. ${HURRY.analysis}`,
    count: '4',
  };
  const prompts = (v: Record<string, string>) =>
    json({ meta: 'lpo-global', values: v, format: 'prompts', temperature: 0 }).prompts as string[];

  it('fixes the named, shown rule and keeps the rest of the prompt', () => {
    expect(prompts(values)[0]).toBe('Work through it one step at a time. Answer carefully, in one word.');
  });

  it('without the template writes hints quoting the failures instead of a fix', () => {
    const got = prompts({ ...values, template: '' });
    expect(got.every((p) => p.includes('quickly') && p.includes('"A farmer has 3 cows and buys 4"'))).toBe(
      true,
    );
  });

  it('asked for variations keeping the meaning, keeps the effect of the words', () => {
    const got = json({ meta: 'ape-resample', values: { prompt: PROMPT, count: '4' }, format: 'prompts' })
      .prompts as string[];
    expect(got).toHaveLength(4);
    for (const p of got) expect(p.toLowerCase()).toMatch(/quickly|promptly|swiftly/);
  });
});

describe('variety', () => {
  const ask = (seed: number, temperature: number): Ask => ({
    meta: 'lpo-paraphrase',
    values: { prompt: 'Solve it <edit>step by step</edit>, then reply <edit>quickly</edit>.', count: '4' },
    format: 'edits',
    seed,
    temperature,
  });

  it('same seed, temperature and text: same reply; other seeds vary it only above temperature 0', () => {
    expect(reply(ask(1, 0.7))).toBe(reply(ask(1, 0.7)));
    const seeds = Array.from({ length: 8 }, (_, s) => s);
    expect(new Set(seeds.map((s) => reply(ask(s, 0.7)))).size).toBeGreaterThan(1);
    expect(new Set(seeds.map((s) => reply(ask(s, 0))))).toHaveProperty('size', 1);
  });

  it('is imperfect in a controlled way: some JSON replies in text, some empty or copied versions', () => {
    const replies = Array.from({ length: 80 }, (_, s) => reply({ ...ask(s, 0.7), json: true }));
    const parsed = replies.flatMap((r) => {
      try {
        return [(JSON.parse(r) as { versions: { edits: string[] }[] }).versions];
      } catch {
        return [];
      }
    });
    expect(parsed.length).toBeLessThan(replies.length);
    const all = parsed.flat();
    expect(all.some((v) => v.edits.length === 0)).toBe(true);
    expect(all.some((v) => v.edits.length === 1 && v.edits[0]!.includes('<edit>'))).toBe(true);
  });
});

describe('over HTTP', () => {
  it('can reject response_format like endpoints without structured outputs', async () => {
    const sim = await startSimulator({ rejectResponseFormat: true });
    try {
      const { messages } = request({
        meta: 'apo-gradient',
        values: { prompt: PROMPT },
        format: 'reasons',
        json: true,
      });
      const response = await fetch(`${sim.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'm',
          messages,
          response_format: {
            type: 'json_schema',
            json_schema: { name: 'lpo_reasons', schema: { type: 'object' } },
          },
        }),
      });
      expect(response.status).toBe(400);
      expect(sim.stats().optimizer).toBe(0);
    } finally {
      await sim.close();
    }
  });
});
