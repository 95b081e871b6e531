import { placeholdersIn } from '../config/placeholders.js';
import type { LlmClient } from '../llm/client.js';
import type { ExampleResult } from '../types.js';
import { renderMetaPrompt } from './meta-prompts.js';

/** Enough failures to show a pattern without drowning the optimizer's context. */
const MAX_FAILURES_SHOWN = 5;
const MAX_FIELD_CHARS = 600;

const clip = (s: string) => (s.length > MAX_FIELD_CHARS ? `${s.slice(0, MAX_FIELD_CHARS)}…` : s);

export function failuresText(failures: ExampleResult[]): string {
  if (failures.length === 0) return '(none: the prompt answered every shown example correctly)';
  return failures
    .slice(0, MAX_FAILURES_SHOWN)
    .map(
      (f, i) =>
        `${i + 1}. Input: ${clip(f.input)}\n   Expected: ${clip(f.target)}\n   Model output: ${clip(f.output ?? '')}`,
    )
    .join('\n');
}

export type RewriteOutcome = { ok: true; prompt: string } | { ok: false; why: string };

/**
 * Reads the prompt out of the optimizer's reply. The reply is untrusted: it must hold one
 * <prompt>…</prompt> block, must not be empty, and must keep every {{placeholder}} of the original.
 */
export function parseRewrite(reply: string, original: string): RewriteOutcome {
  const match = /<prompt>\r?\n?([\s\S]*?)\r?\n?<\/prompt>/.exec(reply);
  if (!match) return { ok: false, why: 'the optimizer reply has no <prompt>…</prompt> block' };
  const eol = original.includes('\r\n') ? '\r\n' : '\n';
  let prompt = match[1]!.replace(/\r?\n/g, eol).trim();
  if (!prompt) return { ok: false, why: 'the optimizer returned an empty prompt' };
  // Keep the file's own trailing newline convention.
  if (/\r?\n$/.test(original)) prompt += eol;
  const missing = placeholdersIn(original).filter((p) => !placeholdersIn(prompt).includes(p));
  if (missing.length > 0) return { ok: false, why: `the rewrite drops placeholder {{${missing[0]}}}` };
  if (prompt === original) return { ok: false, why: 'the optimizer returned the prompt unchanged' };
  return { ok: true, prompt };
}

/** One global rewrite by the optimizer model, shown the prompt's failures on dev. */
export async function rewritePrompt(
  client: LlmClient,
  model: string,
  prompt: string,
  failures: ExampleResult[],
): Promise<RewriteOutcome> {
  const content = renderMetaPrompt('rewrite', { prompt: prompt.trim(), failures: failuresText(failures) });
  const result = await client.chat({ model, messages: [{ role: 'user', content }], temperature: 0 });
  if (result.finishReason === 'length') return { ok: false, why: 'the optimizer reply was truncated' };
  return parseRewrite(result.text, prompt);
}
