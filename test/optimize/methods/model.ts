// A cooperative optimizer model for request tests: it answers each request in the format its note
// asks for, from what the request holds (the prompt, its tags, the count asked), and marks every
// proposal with the request's seed so that proposals of different requests differ.
import type { ExampleResult } from '../../../src/core/types.js';
import { JSON_NOTES, TEXT_NOTES } from '../../../src/optimize/methods/formats.js';
import type { CannedReply, Sent } from './canned.js';

/** Wrong answers of the parent on the search examples (GSM8K-style targets). */
export const failures: ExampleResult[] = Array.from({ length: 12 }, (_, i) => ({
  id: `id${i}`,
  line: i + 1,
  split: 'dev',
  input: `Question ${i}: a shop sells ${i + 2} apples. How many are left?`,
  target: `Worked.\n#### ${i + 10}`,
  output: `It is ${i + 20}.`,
  extracted: `${i + 20}`,
  verdict: 'wrong',
}));

export const GRADIENT = 'The prompt asks for speed over care';
export const TAG_REASON = 'This word makes the model rush';
export const REFLECTION = 'Example 1: the output skips the arithmetic, so the prompt needs an edit.';

const formatOf = (content: string) => {
  for (const [name, note] of Object.entries(JSON_NOTES))
    if (content.endsWith(note)) return { name, json: true };
  for (const [name, note] of Object.entries(TEXT_NOTES))
    if (content.endsWith(note)) return { name, json: false };
  throw new Error(`no format note at the end of: ${content.slice(-120)}`);
};

/** The text between the first `<prompt>` line and the next `</prompt>` line. */
export function promptIn(content: string): string {
  const m = /<prompt>\n([\s\S]*?)\n<\/prompt>/.exec(content);
  if (!m) throw new Error('no <prompt> block in the request');
  return m[1]!;
}

const countIn = (content: string) => Number(/Write (\d+)\s+different/.exec(content)?.[1] ?? 1);

function value(name: string, content: string, seed: number): Record<string, unknown> {
  switch (name) {
    case 'reasons':
      return { reasons: [`${GRADIENT} (${seed}).`] };
    case 'reflection':
      return { analysis: REFLECTION, reasons: ['Ask the model to work step by step.'] };
    case 'tagged': {
      const prompt = promptIn(content);
      // Two readings of the same failures, as sampling at temperature > 0 gives.
      const word = seed % 2 === 0 && prompt.includes('Solve') ? 'Solve' : 'quickly';
      return { prompt: prompt.replace(word, `<edit>${word}</edit>`), reasons: [TAG_REASON] };
    }
    case 'edits': {
      const tags = (promptIn(content).match(/<edit>/g) ?? []).length;
      const versions = Array.from({ length: countIn(content) }, (_, k) => ({
        edits: Array.from({ length: tags }, (_, i) => `new ${seed}-${k}-${i}`),
      }));
      return { versions };
    }
    default: {
      const prompt = promptIn(content).trim();
      return {
        prompts: Array.from({ length: countIn(content) }, (_, k) => `${prompt} Variant ${seed}-${k}.`),
      };
    }
  }
}

function asText(name: string, v: Record<string, unknown>): string {
  const list = (items: string[]) => `Reasons:\n${items.map((r, i) => `${i + 1}. ${r}`).join('\n')}`;
  switch (name) {
    case 'reasons':
      return list(v.reasons as string[]);
    case 'reflection':
      return `${v.analysis}\n\n${list(v.reasons as string[])}`;
    case 'tagged':
      return `<prompt>\n${v.prompt}\n</prompt>\n${list(v.reasons as string[])}`;
    case 'edits':
      return (v.versions as { edits: string[] }[])
        .map((ver) => `<version>\n${ver.edits.map((e) => `<edit>${e}</edit>`).join('\n')}\n</version>`)
        .join('\n');
    default:
      return (v.prompts as string[]).map((p) => `<prompt>\n${p}\n</prompt>`).join('\n\n');
  }
}

export function cooperative(req: Sent): CannedReply {
  const content = req.messages.at(-1)!.content;
  const { name, json } = formatOf(content);
  const v = value(name, content, req.seed ?? 0);
  return { content: json ? JSON.stringify(v) : asText(name, v) };
}
