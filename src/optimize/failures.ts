// How failing examples are shown to the optimizer model inside its meta-prompts. What decides a
// verdict is at the ends: the question starts the input, and the answer ends the output. So a long
// input keeps its start (and a little of its end), a long output and target keep their end, and the
// answer the scorer extracted is shown beside the expected one.
import type { ExampleResult } from '../core/types.js';
import { extractAnswer } from '../eval/extract.js';
import { describeFailure } from '../llm/reply.js';

/** Enough failures to show a pattern without drowning the optimizer's context. */
const MAX_FAILURES_SHOWN = 5;
const INPUT_HEAD_CHARS = 900;
const INPUT_TAIL_CHARS = 200;
const OUTPUT_TAIL_CHARS = 600;
const ANSWER_CHARS = 200;

/** A long input loses its middle: its start says what is asked, its end often how. */
export function clipMiddle(s: string): string {
  if (s.length <= INPUT_HEAD_CHARS + INPUT_TAIL_CHARS) return s;
  return `${s.slice(0, INPUT_HEAD_CHARS)} … ${s.slice(-INPUT_TAIL_CHARS)}`;
}

/** The end of a long text, marked as cut. */
export function clipStart(s: string, max: number): string {
  return s.length <= max ? s : `…${s.slice(-max)}`;
}

function outputLine(f: ExampleResult): string {
  const output = f.output ?? '';
  const notes = [
    ...(f.failure === undefined ? [] : [describeFailure(f.failure)]),
    ...(output.length > OUTPUT_TAIL_CHARS ? [`last ${OUTPUT_TAIL_CHARS} chars`] : []),
  ];
  const label = notes.length > 0 ? `Output (${notes.join('; ')})` : 'Output';
  return `${label}: ${output.trim() === '' ? '(empty)' : clipStart(output, OUTPUT_TAIL_CHARS)}`;
}

/** The target as the scorer compares it: GSM8K's `…\n#### 18` is expected to be `18`. */
function expected(target: string): string {
  return clipStart(extractAnswer(target), ANSWER_CHARS);
}

function answerLine(f: ExampleResult): string {
  // A model-graded verdict has no extracted answer: what the judge said is why it failed.
  if (f.judge !== undefined) {
    return `Judge (failed it): ${clipStart(f.judge.reason || '(no reason given)', ANSWER_CHARS)} Reference: ${clipStart(f.target, ANSWER_CHARS)}`;
  }
  // A cut-off or refused answer has nothing to extract: say so rather than show a blank.
  const got =
    f.extracted === null || f.extracted.trim() === ''
      ? `(none${f.failure === undefined ? '' : `: the answer was ${describeFailure(f.failure)}`})`
      : clipStart(f.extracted, ANSWER_CHARS);
  return `Extracted: ${got}. Expected: ${expected(f.target)}.`;
}

export function failuresText(failures: ExampleResult[]): string {
  if (failures.length === 0) return '(none: the prompt answered every shown example correctly)';
  return failures
    .slice(0, MAX_FAILURES_SHOWN)
    .map((f, i) => `${i + 1}. Input: ${clipMiddle(f.input)}\n   ${outputLine(f)}\n   ${answerLine(f)}`)
    .join('\n');
}
