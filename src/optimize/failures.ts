// How failing examples are shown to the optimizer model inside its meta-prompts.
import type { ExampleResult } from '../core/types.js';
import { describeFailure } from '../llm/reply.js';

/** Enough failures to show a pattern without drowning the optimizer's context. */
const MAX_FAILURES_SHOWN = 5;
const MAX_FIELD_CHARS = 600;

const clip = (s: string) => (s.length > MAX_FIELD_CHARS ? `${s.slice(0, MAX_FIELD_CHARS)}…` : s);

// An answer cut off or filtered is a failure the optimizer can fix (shorter reasoning, other wording)
// only if it is told that is what happened.
const why = (f: ExampleResult) => (f.failure === undefined ? '' : ` (${describeFailure(f.failure)})`);

export function failuresText(failures: ExampleResult[]): string {
  if (failures.length === 0) return '(none: the prompt answered every shown example correctly)';
  return failures
    .slice(0, MAX_FAILURES_SHOWN)
    .map(
      (f, i) =>
        `${i + 1}. Input: ${clip(f.input)}\n   Expected: ${clip(f.target)}\n   Model output${why(f)}: ${clip(f.output ?? '')}`,
    )
    .join('\n');
}
