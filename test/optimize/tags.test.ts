import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cleanGlobal,
  enforceLocal,
  parseTagged,
  renderTagged,
  type Tagged,
} from '../../src/optimize/tags.js';
import { Tally } from '../../src/optimize/tally.js';
import { countWords, wordHunks } from '../../src/optimize/words.js';

/** Independent check: `text` is fixed[0] x fixed[1] x … fixed[n] for some x's (the spans' new text). */
function onlyInsideSpans(t: Tagged, text: string): boolean {
  const n = t.spans.length;
  if (!text.startsWith(t.fixed[0]!) || !text.endsWith(t.fixed[n]!)) return false;
  if (text.length < t.fixed[0]!.length + t.fixed[n]!.length) return false;
  let cursor = t.fixed[0]!.length;
  const limit = text.length - t.fixed[n]!.length;
  for (let i = 1; i < n; i++) {
    const at = text.indexOf(t.fixed[i]!, cursor);
    if (at < 0 || at + t.fixed[i]!.length > limit) return false;
    cursor = at + t.fixed[i]!.length;
  }
  return true;
}

const piece = fc.string({ maxLength: 12 }).map((s) => s.replace(/[<>]/g, ''));
const word = fc.constantFrom('guess', 'quickly', 'step', '答案', 'the', ' ', '.', '\n', '{{q}}');
const text = fc.array(fc.oneof(piece, word), { maxLength: 6 }).map((a) => a.join(''));

describe('enforceLocal', () => {
  it('never lets a proposal change text outside the tagged spans', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(text, text), { minLength: 1, maxLength: 4 }),
        text,
        fc.array(text, { minLength: 4, maxLength: 4 }),
        fc.constantFrom('tagged', 'touched', 'untagged', 'leaky', 'random'),
        text,
        (pairs, tail, news, shape, noise) => {
          const t: Tagged = {
            fixed: [...pairs.map(([f]) => f), tail],
            spans: pairs.map(([, s]) => s),
            reasons: pairs.map(() => 'why'),
          };
          const body = t.spans.map((_, i) => `${t.fixed[i]}<edit>${news[i % 4]}</edit>`).join('') + tail;
          const proposal =
            shape === 'tagged'
              ? body
              : shape === 'touched'
                ? `${noise}${body}${noise}`
                : shape === 'untagged'
                  ? body.replace(/<\/?edit>/g, '')
                  : shape === 'leaky'
                    ? body.replace('</edit>', '')
                    : noise;
          const outcome = enforceLocal(t, proposal, new Tally());
          if (outcome.ok) {
            expect(onlyInsideSpans(t, outcome.prompt)).toBe(true);
            expect(outcome.prompt).not.toMatch(/<\/?edit>/);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('repairs edits outside the tags and counts them', () => {
    const tally = new Tally();
    const t: Tagged = {
      fixed: ['', ' the answer ', '.\n'],
      spans: ['Guess', 'quickly'],
      reasons: ['a', 'b'],
    };
    const outcome = enforceLocal(
      t,
      'Please <edit>Work out</edit> THE answer <edit>carefully</edit>.\n',
      tally,
    );
    expect(outcome).toEqual({
      ok: true,
      prompt: 'Work out the answer carefully.\n',
      edits: [
        { old: 'Guess', new: 'Work out', reason: 'a' },
        { old: 'quickly', new: 'carefully', reason: 'b' },
      ],
      texts: ['Work out', 'carefully'],
    });
    expect(tally.repairs()).toEqual({ 'proposal-touched-outside-tags': 1 });
  });

  it('discards empty, unchanged, placeholder-changing and unalignable proposals', () => {
    const t: Tagged = { fixed: ['Answer ', ' {{x}}.'], spans: ['quickly'], reasons: ['r'] };
    const tally = new Tally();
    expect(enforceLocal(t, '  ', tally)).toEqual({ ok: false, why: 'empty' });
    expect(enforceLocal(t, 'Answer <edit>quickly</edit> {{x}}.', tally)).toEqual({
      ok: false,
      why: 'unchanged',
    });
    expect(enforceLocal(t, 'Answer <edit>{{y}}</edit> {{x}}.', tally)).toEqual({
      ok: false,
      why: 'placeholder-changed',
    });
    expect(enforceLocal(t, 'Totally different', tally)).toEqual({ ok: false, why: 'touched-outside-tags' });
  });
});

describe('parseTagged', () => {
  it('places tags, trims over-long tags to the word limit, drops placeholder tags, and counts them', () => {
    const tally = new Tally();
    const parent = 'Guess the answer to {{q}} quickly, in one short clear simple word.';
    const reply =
      '<edit>Guess</edit> the answer to <edit>{{q}}</edit> quickly, in <edit>one short clear simple word.</edit>';
    const t = parseTagged(parent, reply, ['guessing hurts', 'x', 'too long'], 3, tally);
    expect(t).toEqual({
      fixed: ['', ' the answer to {{q}} quickly, in ', ' simple word.'],
      spans: ['Guess', 'one short clear'],
      reasons: ['guessing hurts', 'too long'],
    });
    expect(tally.discarded()).toEqual({ 'tag-on-placeholder': 1 });
    expect(tally.repairs()).toEqual({ 'tag-trimmed-to-word-limit': 1 });
    expect(renderTagged(t!)).toBe(
      '<edit>Guess</edit> the answer to {{q}} quickly, in <edit>one short clear</edit> simple word.',
    );
  });

  it('finds the tagged words in the parent when the reply changed other text', () => {
    const tally = new Tally();
    const t = parseTagged('Answer quickly.\n', 'Please: Answer <edit> quickly</edit>.\n', [], 5, tally);
    expect(t?.spans).toEqual(['quickly']);
    expect(t?.fixed).toEqual(['Answer ', '.\n']);
    expect(tally.repairs()).toEqual({ 'identify-touched-outside-tags': 1 });
  });

  it('counts words in scripts without spaces', () => {
    expect(countWords('请一步一步地思考这个问题。')).toBeGreaterThan(3);
    expect(countWords("Let's think step by step.")).toBe(5);
    const tally = new Tally();
    const t = parseTagged('请快速猜测答案。', '请<edit>快速猜测答案</edit>。', ['r'], 2, tally);
    expect(countWords(t!.spans[0]!)).toBe(2);
    expect(t!.spans[0]!.length).toBeLessThan('快速猜测答案'.length);
    expect(renderTagged(t!).replace(/<\/?edit>/g, '')).toBe('请快速猜测答案。');
    expect(tally.repairs()['tag-trimmed-to-word-limit']).toBe(1);
  });
});

describe('cleanGlobal and wordHunks', () => {
  it('keeps the line endings and trailing newline of the file', () => {
    const outcome = cleanGlobal(
      'Guess.\r\nQuickly.\r\n',
      '<edit>Work it out.\nCarefully.</edit>',
      new Tally(),
    );
    expect(outcome).toEqual({ ok: true, prompt: 'Work it out.\r\nCarefully.\r\n' });
  });

  it('gives minimal old → new spans', () => {
    expect(wordHunks('Guess the answer quickly.\n', 'Work it out the answer carefully.\n')).toEqual([
      { old: 'Guess', new: 'Work it out', at: 0 },
      { old: 'quickly', new: 'carefully', at: 17 },
    ]);
  });
});
