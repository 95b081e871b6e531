import { describe, expect, it } from 'vitest';
import type { ExampleResult } from '../../src/core/types.js';
import { failuresText } from '../../src/optimize/failures.js';

const failure = (over: Partial<ExampleResult>): ExampleResult => ({
  id: 'x',
  line: 1,
  split: 'dev',
  input: 'What is 2 + 2?',
  target: '4',
  output: 'The answer is 5.',
  extracted: '5',
  verdict: 'wrong',
  ...over,
});

describe('failuresText', () => {
  it('shows the output, the extracted answer and the expected final answer', () => {
    const text = failuresText([
      failure({ target: 'Two and two make four.\n#### 4' }),
      failure({ output: 'Let me think step by step. First', extracted: null, failure: 'truncated' }),
      failure({ output: '', extracted: null, failure: 'filtered' }),
    ]);
    expect(text).toContain(
      '1. Input: What is 2 + 2?\n   Output: The answer is 5.\n   Extracted: 5. Expected: 4.',
    );
    expect(text).toContain(
      '2. Input: What is 2 + 2?\n   Output (cut off at max_tokens, finish_reason length): Let me think step by step. First\n   Extracted: (none: the answer was cut off at max_tokens, finish_reason length). Expected: 4.',
    );
    expect(text).toContain(
      '3. Input: What is 2 + 2?\n   Output (blocked by the content filter, finish_reason content_filter): (empty)',
    );
    expect(text).not.toContain('Two and two');
  });

  it("shows a judge's reason and the reference for a model-graded failure, not an extracted answer", () => {
    const text = failuresText([
      failure({
        input: 'My kettle arrived broken.',
        output: 'Please wait.',
        extracted: 'Please wait.',
        target: 'Sorry about the kettle; we send a new one today.',
        judge: { reason: 'The output lacks "sorry".' },
      }),
    ]);
    expect(text).toBe(
      '1. Input: My kettle arrived broken.\n   Output: Please wait.\n   Judge (failed it): The output lacks "sorry". Reference: Sorry about the kettle; we send a new one today.',
    );
  });

  it('keeps the start of a long input and the end of a long output and target', () => {
    const input = `Question: a train leaves at noon.${' filler'.repeat(400)} How far did it go?`;
    const output = `${'I will reason. '.repeat(100)}So the train went 27 miles. The answer is 27.`;
    const target = `${'Worked solution. '.repeat(30)}It went ${'very '.repeat(60)}far: eighteen miles`;
    const text = failuresText([failure({ input, output, extracted: '27', target })]);
    expect(text).toContain('1. Input: Question: a train leaves at noon.');
    expect(text).toContain(' … ');
    expect(text).toContain('How far did it go?');
    expect(text).not.toContain(input);
    expect(text).toMatch(
      /Output \(last 600 chars\): …[^\n]*So the train went 27 miles\. The answer is 27\.\n/,
    );
    const shownOutput = /Output \(last 600 chars\): …([^\n]*)/.exec(text)![1]!;
    expect(shownOutput.length).toBe(600);
    expect(text).toMatch(/Extracted: 27\. Expected: …[^\n]*far: eighteen miles\.$/);
    expect(text).not.toContain('Worked solution.');
  });

  it('says so when nothing failed', () => {
    expect(failuresText([])).toMatch(/^\(none/);
  });
});
