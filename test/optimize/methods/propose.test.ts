// What proposeFrom sends, per method and mode, over real HTTP to a cooperative canned model: the
// requests each method is meant to make (ProTeGi's minibatches, PE2's conversation, APE's blind
// resampling, LPO's two taggings), one format note per request, a step nonce, and proposalCost
// as an upper bound of what a run really asks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_NOTES, TEXT_NOTES } from '../../../src/optimize/methods/formats.js';
import { type ProposeContext, proposalCost, proposeFrom } from '../../../src/optimize/propose.js';
import {
  type Candidate,
  DEFAULT_OPTIONS,
  type OptimizeMethod,
  type OptimizeMode,
  type OptimizeOptions,
} from '../../../src/optimize/types.js';
import { textTask } from '../helpers.js';
import { P } from '../fixtures/replies.js';
import { cannedEndpoint, lastUser, type Sent } from './canned.js';
import { cooperative, failures, GRADIENT, REFLECTION } from './model.js';

const root: Candidate = { prompt: P, parent: null, step: 0, edits: [], size: 0 };
const METHODS: OptimizeMethod[] = ['apo', 'pe2', 'ape'];
const MODES: OptimizeMode[] = ['local', 'global'];

let endpoint: Awaited<ReturnType<typeof cannedEndpoint>>;
beforeAll(async () => {
  endpoint = await cannedEndpoint(cooperative);
});
afterAll(() => endpoint.close());

async function propose(
  over: Partial<OptimizeOptions>,
  { json = false, step = 1, parent = root, lessons = [] as string[] } = {},
) {
  const options = { ...DEFAULT_OPTIONS, ...over };
  const ctx: ProposeContext = { ask: endpoint.context(json), task: textTask(P), options, head: P };
  const from = endpoint.sent.length;
  const candidates = await proposeFrom(ctx, parent, step, failures, lessons);
  return { candidates, sent: endpoint.sent.slice(from), tally: ctx.ask.tally, options };
}

const failingInputs = (text: string) => failures.filter((f) => text.includes(f.input)).map((f) => f.id);

describe('proposalCost matches what proposeFrom asks', () => {
  for (const method of METHODS)
    for (const mode of MODES)
      for (const candidates of [1, 4, 7])
        it(`${method} ${mode}, ${candidates} candidates`, async () => {
          const { candidates: got, sent, options, tally } = await propose({ method, mode, candidates });
          const cost = proposalCost(options);
          expect(sent.length).toBeLessThanOrEqual(cost.requests);
          expect(got.length).toBeLessThanOrEqual(cost.proposals);
          // A model that follows every request uses the whole allowance: the bound is tight.
          expect({ sent: sent.length, got: got.length }).toEqual({ sent: cost.requests, got: candidates });
          expect(new Set(got.map((c) => c.prompt)).size).toBe(got.length);
          expect(tally.discarded()).toEqual({});
        });

  it('gives the default costs per parent', () => {
    const cost = (method: OptimizeMethod, mode: OptimizeMode) =>
      proposalCost({ ...DEFAULT_OPTIONS, method, mode }).requests;
    expect(METHODS.flatMap((m) => MODES.map((mode) => `${m} ${mode}: ${cost(m, mode)}`))).toEqual([
      'apo local: 8',
      'apo global: 6',
      'pe2 local: 5',
      'pe2 global: 2',
      'ape local: 4',
      'ape global: 1',
    ]);
  });
});

describe('one format instruction per request', () => {
  for (const json of [true, false])
    it(`${json ? 'JSON' : 'plain-text'} mode`, async () => {
      for (const method of METHODS)
        for (const mode of MODES) {
          const { sent } = await propose({ method, mode }, { json });
          for (const req of sent) {
            const content = lastUser(req);
            const own = json ? JSON_NOTES : TEXT_NOTES;
            const other = json ? TEXT_NOTES : JSON_NOTES;
            expect(Object.values(own).filter((note) => content.endsWith(note))).toHaveLength(1);
            for (const note of Object.values(other)) expect(content).not.toContain(note);
            expect(content).not.toMatch(/### Task|nothing else\.?\s*\n|\bReply with\b[\s\S]*\bReply with\b/);
            if (json)
              expect(req.response_format?.json_schema?.name).toMatch(
                /^lpo_(reasons|reflection|tagged|edits|prompts)$/,
              );
            else expect(req.response_format).toBeUndefined();
          }
        }
    });
});

describe('the step nonce', () => {
  it('gives every request of two steps its own seed, and draws new minibatches', async () => {
    for (const method of METHODS)
      for (const mode of MODES) {
        const one = await propose({ method, mode }, { step: 1 });
        const two = await propose({ method, mode }, { step: 2 });
        const seeds = [...one.sent, ...two.sent].map((r) => r.seed);
        expect(new Set(seeds).size).toBe(seeds.length);
        if (method !== 'ape') {
          const shown = (s: Sent[]) => failingInputs(lastUser(s[0]!)).join();
          expect(shown(one.sent)).not.toBe(shown(two.sent));
        }
      }
  });

  it('depends on the run seed', async () => {
    const a = await propose({ method: 'apo', seed: 1 });
    const b = await propose({ method: 'apo', seed: 2 });
    expect(a.sent.map((r) => r.seed)).not.toEqual(b.sent.map((r) => r.seed));
  });
});

describe('APO as ProTeGi expands a prompt', () => {
  it('asks one gradient per minibatch, one edit per gradient, then paraphrases each edit', async () => {
    const { sent, candidates } = await propose({ method: 'apo', mode: 'global' });
    const kinds = sent.map((r) => /^(I'm trying|You improve|Generate a variation)/.exec(lastUser(r))?.[1]);
    expect(kinds).toEqual([
      "I'm trying",
      'You improve',
      'Generate a variation',
      "I'm trying",
      'You improve',
      'Generate a variation',
    ]);
    const [g1, e1, p1, g2, e2] = sent;
    expect(failingInputs(lastUser(g1!))).toHaveLength(4);
    expect(failingInputs(lastUser(g1!))).not.toEqual(failingInputs(lastUser(g2!)));
    // Each edit sees its own gradient and its own minibatch.
    expect(lastUser(e1!)).toContain(`${GRADIENT} (${g1!.seed}).`);
    expect(lastUser(e2!)).toContain(`${GRADIENT} (${g2!.seed}).`);
    expect(failingInputs(lastUser(e1!))).toEqual(failingInputs(lastUser(g1!)));
    // The paraphrase varies the edit, not the parent, and sees no failures.
    expect(lastUser(p1!)).toContain(candidates[0]!.prompt.trim());
    expect(failingInputs(lastUser(p1!))).toEqual([]);
    expect(candidates.map((c) => c.edits[0]!.reason)).toEqual([
      `${GRADIENT} (${g1!.seed}).`,
      `${GRADIENT} (${g1!.seed}).`,
      `${GRADIENT} (${g2!.seed}).`,
      `${GRADIENT} (${g2!.seed}).`,
    ]);
  });

  it('in local mode tags afresh for each gradient and paraphrases the edited spans only', async () => {
    const { sent, candidates } = await propose({ method: 'apo', mode: 'local' });
    const identify = sent.filter((r) => lastUser(r).includes('most responsible for these failures'));
    expect(identify).toHaveLength(2);
    expect(identify.every((r) => r.temperature! > 0)).toBe(true);
    expect(new Set(candidates.map((c) => c.edits.map((e) => e.old).join()))).toEqual(
      new Set(['Solve', 'quickly']),
    );
    const paraphrase = sent.filter((r) => lastUser(r).startsWith('Generate a variation of the text inside'));
    expect(paraphrase).toHaveLength(2);
    expect(lastUser(paraphrase[0]!)).toContain(`<edit>${candidates[0]!.edits[0]!.new}</edit>`);
    // Every candidate differs from the parent inside its tags only.
    for (const c of candidates) expect(c.prompt.replace(c.edits[0]!.new, c.edits[0]!.old)).toBe(P);
  });
});

describe('PE2 as one conversation', () => {
  it('keeps the step-1 reasoning as the assistant turn before step 2 (global)', async () => {
    const { sent } = await propose({ method: 'pe2', mode: 'global' });
    expect(sent).toHaveLength(2);
    const [reflect, rewrite] = sent;
    expect(reflect!.messages).toHaveLength(1);
    expect(reflect!.temperature).toBe(0);
    expect(rewrite!.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(rewrite!.messages[0]).toEqual(reflect!.messages[0]);
    expect(rewrite!.messages[1]!.content).toContain(REFLECTION);
    expect(lastUser(rewrite!)).toMatch(
      /^Now carefully review your reasoning in step 1 and proceed with step 2/,
    );
  });

  it('branches twice into identify and propose in local mode', async () => {
    const { sent, candidates } = await propose({ method: 'pe2', mode: 'local' }, { json: true });
    expect(sent.map((r) => r.messages.length)).toEqual([1, 3, 5, 3, 5]);
    const [reflect, id1, pr1, id2] = sent;
    expect(id1!.messages.slice(0, 2)).toEqual(id2!.messages.slice(0, 2));
    expect(id1!.messages[0]).toEqual(reflect!.messages[0]);
    expect(pr1!.messages.slice(0, 3)).toEqual(id1!.messages);
    expect(id1!.seed).not.toBe(id2!.seed);
    expect([id1!.temperature, id2!.temperature].every((t) => t! > 0)).toBe(true);
    expect(candidates).toHaveLength(4);
  });

  it('shows the refinement history and the pool lessons', async () => {
    const edited: Candidate = {
      prompt: P.replace('quickly', 'carefully'),
      parent: root,
      step: 1,
      edits: [{ old: 'quickly', new: 'carefully', reason: 'Rushing causes slips.' }],
      size: 2,
    };
    const { sent } = await propose(
      { method: 'pe2', mode: 'global' },
      { parent: edited, lessons: ['State units.'] },
    );
    expect(lastUser(sent[0]!)).toContain('- Step 1: "quickly" → "carefully" (Rushing causes slips.)');
    expect(lastUser(sent[0]!)).toContain('- State units.');
    const first = await propose({ method: 'pe2', mode: 'global' });
    expect(lastUser(first.sent[0]!)).toContain('(none: this is the first refinement of the prompt)');
  });
});

describe('APE resamples without feedback in both modes', () => {
  for (const mode of MODES)
    it(mode, async () => {
      const { sent, candidates } = await propose({ method: 'ape', mode }, { lessons: ['State units.'] });
      for (const req of sent) {
        expect(failingInputs(lastUser(req))).toEqual([]);
        expect(lastUser(req)).not.toContain('State units.');
      }
      expect(candidates).toHaveLength(4);
    });
});

describe('the lessons of a Pareto pool', () => {
  it('reach the edit requests of APO', async () => {
    const { sent } = await propose({ method: 'apo', mode: 'local' }, { lessons: ['State units.'] });
    const edits = sent.filter((r) => /most responsible|were found to cause/.test(lastUser(r)));
    expect(edits.length).toBe(4);
    for (const req of edits) expect(lastUser(req)).toContain('- State units.');
  });
});
