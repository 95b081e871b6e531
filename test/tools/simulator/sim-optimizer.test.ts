import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO } from '../../../src/tools/simulator/sim-model.js';
import { optimizerTask, promptBlock, simulateOptimizer } from '../../../src/tools/simulator/sim-optimizer.js';
import { startSimulator } from '../../../src/tools/simulator/simulator.js';

const ask = (task: Parameters<typeof simulateOptimizer>[2]['task'], body: string, json = true, seed = 3) =>
  simulateOptimizer(DEFAULT_SCENARIO, seed, { task, text: `### Task: ${task}\n${body}`, json });

describe('simulated optimizer', () => {
  it('recognises the task header and the prompt block', () => {
    expect(optimizerTask('### Task: lpo-identify\nrest')).toBe('lpo-identify');
    expect(optimizerTask('### Task: summarize\n')).toBeNull();
    expect(optimizerTask('Q: what?')).toBeNull();
    expect(promptBlock('x\n<prompt>\nA\nB\n</prompt>\n')).toBe('A\nB');
  });

  it('tags the worst negative-rule word, within the word limit, with a reason', () => {
    const reply = ask('lpo-identify', 'at most 5 words\n<prompt>\nGuess the answer.\n</prompt>', false);
    expect(reply).toMatch(/^<prompt>\n<edit>Guess<\/edit> the answer\.\n<\/prompt>\nReasons:\n1\. .+$/);
  });

  it('rewrites tagged spans with the scenario replacement, in JSON or plain text', () => {
    const body = 'Write 2 different versions\n<prompt>\n<edit>Guess</edit> the answer.\n</prompt>';
    const json = JSON.parse(ask('lpo-propose', body, true, 7));
    expect(json.prompts).toHaveLength(2);
    const plain = ask('lpo-propose', body, false, 7);
    expect(plain.match(/<prompt>/g)).toHaveLength(2);
    expect(`${json.prompts.join('\n')}\n${plain}`).toMatch(/Work it out step by step/);
  });

  it('gives gradients and reflections naming the rule at fault', () => {
    const gradient = JSON.parse(ask('apo-gradient', '<prompt>\nAnswer quickly.\n</prompt>'));
    expect(gradient.reasons[0]).toMatch(/quickly/);
    expect(ask('pe2-reflect', '<prompt>\nAnswer quickly.\n</prompt>', false)).toMatch(
      /^Analysis: .*\nReasons:\n1\. /,
    );
  });

  it('is imperfect in a controlled, deterministic way', () => {
    const replies = Array.from({ length: 60 }, (_, i) =>
      ask('lpo-propose', `<prompt>\nAnswer <edit>quickly</edit> number ${i}.\n</prompt>`, true),
    );
    expect(replies).toEqual(
      Array.from({ length: 60 }, (_, i) =>
        ask('lpo-propose', `<prompt>\nAnswer <edit>quickly</edit> number ${i}.\n</prompt>`, true),
      ),
    );
    const proposals = replies.flatMap((r) => {
      try {
        return JSON.parse(r).prompts as string[];
      } catch {
        return [];
      }
    });
    expect(proposals.some((p) => p === '')).toBe(true);
    expect(proposals.some((p) => p.endsWith('Be brief.'))).toBe(true);
    expect(proposals.some((p) => p !== '' && !p.includes('<edit>'))).toBe(true);
  });

  it('can reject response_format like endpoints without structured outputs', async () => {
    const sim = await startSimulator({ rejectResponseFormat: true });
    try {
      const response = await fetch(`${sim.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'm',
          messages: [{ role: 'user', content: '### Task: apo-gradient\n<prompt>\nGuess.\n</prompt>' }],
          response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
        }),
      });
      expect(response.status).toBe(400);
      expect(sim.stats().optimizer).toBe(0);
    } finally {
      await sim.close();
    }
  });
});
