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
  it('tells the optimizer when an answer was cut off or filtered, not only what it said', () => {
    const text = failuresText([
      failure({}),
      failure({ output: 'Let me think step by step. First', extracted: null, failure: 'truncated' }),
      failure({ output: '', extracted: null, failure: 'filtered' }),
    ]);
    expect(text).toContain('1. Input: What is 2 + 2?\n   Expected: 4\n   Model output: The answer is 5.');
    expect(text).toContain(
      '2. Input: What is 2 + 2?\n   Expected: 4\n   Model output (cut off at max_tokens, finish_reason length): Let me think step by step. First',
    );
    expect(text).toContain('Model output (blocked by the content filter, finish_reason content_filter): ');
  });
});
