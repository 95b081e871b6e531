// Every placeholder of every meta-prompt carries something the optimizer needs, and reaches it: for
// each file in prompts/, the requests built from it hold the information each placeholder stands for.
// Deleting a placeholder from a file makes its line here fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeholdersIn } from '../../../src/config/placeholders.js';
import { META_PROMPTS, type MetaPromptName, metaPrompt } from '../../../src/optimize/meta-prompts.js';
import { proposeFrom } from '../../../src/optimize/propose.js';
import { stripTags } from '../../../src/optimize/tags.js';
import { type Candidate, DEFAULT_OPTIONS } from '../../../src/optimize/types.js';
import { P } from '../fixtures/replies.js';
import { textTask } from '../helpers.js';
import { cannedEndpoint, lastUser } from './canned.js';
import { cooperative, failures, GRADIENT, promptIn, TAG_REASON } from './model.js';

/** What each placeholder stands for, as it must show in a request built from the file. */
const EVIDENCE: Record<string, (content: string) => boolean> = {
  prompt: (c) => stripTags(promptIn(c)).includes('the math problem'),
  failures: (c) => failures.some((f) => c.includes(f.input)),
  template: (c) => c.includes('[user]\n{{prompt}}\n\nQ: {{question}}\nA:'),
  feedback: (c) => c.includes(GRADIENT) && c.includes('- State units.'),
  count: (c) => /Write \d+\s+different/.test(c),
  max_words: (c) => c.includes(`at most ${DEFAULT_OPTIONS.maxEditWords} words`),
  reasons: (c) => c.includes(TAG_REASON),
  history: (c) =>
    c.includes('- Step 1: "hastily" → "quickly" (Haste reads as a demand.)') && c.includes('- State units.'),
};

/** The placeholders each file must keep (a file may not lose one silently). */
const PLACEHOLDERS: Record<MetaPromptName, string[]> = {
  'apo-gradient': ['prompt', 'failures'],
  'lpo-global': ['template', 'prompt', 'failures', 'feedback', 'count'],
  'lpo-identify': ['template', 'failures', 'feedback', 'max_words', 'prompt'],
  'lpo-propose': ['reasons', 'failures', 'feedback', 'prompt', 'count'],
  'lpo-paraphrase': ['count', 'prompt'],
  'ape-resample': ['count', 'prompt'],
  'ape-identify': ['max_words', 'prompt'],
  'pe2-reflect': ['template', 'history', 'prompt', 'failures'],
  'pe2-rewrite': ['prompt', 'count'],
  'pe2-identify': ['max_words', 'prompt'],
  'pe2-propose': ['reasons', 'prompt', 'count'],
};

/** The file a request's last message was rendered from: the one whose opening text it starts with. */
function metaOf(content: string): MetaPromptName {
  const opening = (m: MetaPromptName) => metaPrompt(m).split('{{')[0]!;
  const matches = META_PROMPTS.filter((m) => content.startsWith(opening(m)));
  return matches.sort((a, b) => opening(b).length - opening(a).length)[0]!;
}

const byMeta = new Map<MetaPromptName, string[]>();
let endpoint: Awaited<ReturnType<typeof cannedEndpoint>>;

beforeAll(async () => {
  endpoint = await cannedEndpoint(cooperative);
  const earlier: Candidate = {
    prompt: P.replace('quickly', 'hastily'),
    parent: null,
    step: 0,
    edits: [],
    size: 0,
  };
  const parent: Candidate = {
    prompt: P,
    parent: earlier,
    step: 1,
    edits: [{ old: 'hastily', new: 'quickly', reason: 'Haste reads as a demand.' }],
    size: 2,
  };
  for (const method of ['apo', 'pe2', 'ape'] as const)
    for (const mode of ['local', 'global'] as const) {
      const options = { ...DEFAULT_OPTIONS, method, mode };
      const ctx = { ask: endpoint.context(false), task: textTask(P), options, head: P };
      await proposeFrom(ctx, parent, 2, failures, ['State units.']);
    }
  for (const req of endpoint.sent) {
    const content = lastUser(req);
    const meta = metaOf(content);
    byMeta.set(meta, [...(byMeta.get(meta) ?? []), content]);
  }
});
afterAll(() => endpoint.close());

describe('the meta-prompts in prompts/', () => {
  it('are all sent by some method and mode', () => {
    expect([...byMeta.keys()].sort()).toEqual([...META_PROMPTS].sort());
  });

  for (const meta of Object.keys(PLACEHOLDERS) as MetaPromptName[])
    it(`${meta}: every placeholder's information reaches the request`, () => {
      expect(placeholdersIn(metaPrompt(meta)).sort()).toEqual([...PLACEHOLDERS[meta]].sort());
      for (const content of byMeta.get(meta) ?? []) {
        const missing = PLACEHOLDERS[meta].filter((p) => !EVIDENCE[p]!(content));
        expect(missing, content).toEqual([]);
      }
      expect(byMeta.get(meta)?.length).toBeGreaterThan(0);
    });

  it('carry no marker that only a simulator would read', () => {
    for (const meta of META_PROMPTS) expect(metaPrompt(meta)).not.toMatch(/###\s*Task|\bReply with\b/);
  });
});
