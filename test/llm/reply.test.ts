// What an answer means for the prompt: the kinds that count as wrong, and which wins when several apply.
// (Replies over HTTP, with the SDK, are in client.test.ts and eval/run.test.ts.)
import { describe, expect, it } from 'vitest';
import { answerFailure, readReply, wantsJson } from '../../src/llm/reply.js';

const answer = (text: string, finishReason = 'stop', refusal?: string) => ({
  text,
  finishReason,
  ...(refusal === undefined ? {} : { refusal }),
});
const JSON_SCHEMA = { type: 'json_schema', json_schema: { name: 'a', schema: {} } };

describe('answerFailure', () => {
  it('names each unusable answer by its kind, and leaves real answers alone', () => {
    expect(answerFailure(answer('The answer is 4.'))).toBeUndefined();
    expect(answerFailure(answer('The answer', 'length'))).toBe('truncated');
    expect(answerFailure(answer('', 'content_filter'))).toBe('filtered');
    expect(answerFailure(answer('', 'stop', 'No.'))).toBe('refused');
    expect(answerFailure(answer(' \n '))).toBe('empty');
    // Servers that cannot stop cleanly say `unknown` or nothing: an answer all the same.
    expect(answerFailure(answer('4', 'unknown'))).toBeUndefined();
  });

  it('asks for JSON only when the request did, and finds it in prose or fences as the json scorer does', () => {
    expect(answerFailure(answer('The answer is 4.'), JSON_SCHEMA)).toBe('invalid-json');
    expect(answerFailure(answer('{"answer": 4'), { type: 'json_object' })).toBe('invalid-json');
    expect(answerFailure(answer('Sure:\n```json\n{"answer": 4}\n```'), JSON_SCHEMA)).toBeUndefined();
    expect(answerFailure(answer('The answer is 4.'), { type: 'text' })).toBeUndefined();
    expect([wantsJson(JSON_SCHEMA), wantsJson({ type: 'text' }), wantsJson('json_object')]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('puts the filter and a refusal before a cut: their text is not the model answering', () => {
    expect(answerFailure(answer('partial', 'content_filter', 'No.'))).toBe('filtered');
    expect(answerFailure(answer('', 'length', 'No.'))).toBe('refused');
    expect(answerFailure(answer('', 'length'), JSON_SCHEMA)).toBe('truncated');
  });
});

describe('readReply', () => {
  const where = 'LLM m at example.test/v1';
  const body = (usage: unknown) => ({
    choices: [{ message: { content: '4' }, finish_reason: 'stop' }],
    usage,
    system_fingerprint: 'fp',
  });

  it('takes whole, safe token counts and treats absent ones as 0', () => {
    expect(readReply(body({ prompt_tokens: 12, completion_tokens: 3 }), where)).toEqual({
      result: { text: '4', finishReason: 'stop', cached: false, promptTokens: 12, completionTokens: 3 },
      fingerprint: 'fp',
    });
    expect(readReply(body(null), where).result).toMatchObject({ promptTokens: 0, completionTokens: 0 });
    expect(readReply(body({ prompt_tokens: null }), where).result.promptTokens).toBe(0);
  });

  it.each([
    [Number.MAX_SAFE_INTEGER + 1, '9007199254740992'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [true, 'true'],
  ])('refuses a token count of %s with one line', (value, shown) => {
    expect(() => readReply(body({ completion_tokens: value }), where)).toThrow(
      `${where}: usage.completion_tokens is ${shown}; expected a whole number of tokens`,
    );
  });
});
