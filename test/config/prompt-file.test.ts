import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isPromptYml, parsePromptYml } from '../../src/config/prompt-file.js';
import { ConfigError } from '../../src/core/errors.js';

const FILE = 'prompts/boolean_expressions.prompt.yml';
const fixture = readFileSync(new URL(`../fixtures/config/repo/${FILE}`, import.meta.url), 'utf8');

function errorOf(text: string): string {
  try {
    parsePromptYml(text, 'p.prompt.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const minimal = 'messages:\n  - role: user\n    content: "{{input}}"\n';

describe('isPromptYml', () => {
  it('recognises GitHub Models prompt files by extension only', () => {
    expect(isPromptYml('a/b.prompt.yml')).toBe(true);
    expect(isPromptYml('b.prompt.yaml')).toBe(true);
    expect(isPromptYml('b.yml')).toBe(false);
    expect(isPromptYml('prompt.yml.txt')).toBe(false);
    expect(isPromptYml('prompts/a.md')).toBe(false);
  });
});

describe('parsePromptYml', () => {
  it('reads the BBH boolean_expressions prompt file', () => {
    const parsed = parsePromptYml(fixture, FILE);
    expect(parsed.name).toBe('Boolean expressions');
    expect(parsed.model).toBe('openai/gpt-4o-mini');
    expect(parsed.params).toEqual({ temperature: 0, max_tokens: 256 });
    expect(parsed.messages).toEqual([
      { role: 'system', content: 'You evaluate Boolean expressions written in Python syntax.' },
      { role: 'user', content: 'Evaluate the expression and answer with True or False only.\n\n{{input}}\n' },
    ]);
    expect(parsed.placeholders).toEqual(['input']);
    // The `uses:` evaluator is skipped; the string one names the target field.
    expect(parsed.scorer).toEqual({ type: 'exact' });
    expect(parsed.targetField).toBe('target');
    expect(parsed.testData).toHaveLength(6);
    // `target: False` is YAML's boolean false; the row keeps what was written.
    expect(parsed.testData?.[0]).toEqual({ input: 'not ( True ) and ( True ) is', target: 'False' });
    expect(parsed.testData?.[1]).toEqual({ input: 'True and not not ( not False ) is', target: 'True' });
    expect(parsed.testDataLines).toEqual([16, 18, 20, 22, 24, 26]);
    expect(parsed.responseFormat).toBeUndefined();
  });

  it('keeps numbers as written and nested values as data', () => {
    const parsed = parsePromptYml(
      `${minimal}testData:\n  - input: 1.50\n    extra: [1, 2]\n`,
      'p.prompt.yml',
    );
    expect(parsed.testData).toEqual([{ input: '1.50', extra: [1, 2] }]);
  });

  it('maps each string check onto a scorer, and ignores fixed strings', () => {
    const evaluator = (check: string) =>
      parsePromptYml(`${minimal}evaluators:\n  - name: e\n    string:\n      ${check}\n`, 'p.prompt.yml');
    expect(evaluator('contains: "{{ answer }}"')).toMatchObject({
      scorer: { type: 'contains' },
      targetField: 'answer',
    });
    expect(evaluator('startsWith: "{{a}}"').scorer).toEqual({ type: 'startsWith' });
    expect(evaluator('endsWith: "{{a}}"').scorer).toEqual({ type: 'endsWith' });
    const fixed = evaluator("startsWith: 'Summary -'");
    expect(fixed.scorer).toBeUndefined();
    expect(fixed.targetField).toBeUndefined();
  });

  it('turns responseFormat into the OpenAI response_format shape', () => {
    const schema = '{"name": "verdict", "schema": {"type": "object"}}';
    const parsed = parsePromptYml(
      `${minimal}responseFormat: json_schema\njsonSchema: '${schema}'\n`,
      'p.prompt.yml',
    );
    expect(parsed.responseFormat).toEqual({ type: 'json_schema', json_schema: JSON.parse(schema) });
    expect(parsePromptYml(`${minimal}responseFormat: json_object\n`, 'p.prompt.yml').responseFormat).toEqual({
      type: 'json_object',
    });
  });

  it('reports mistakes as one line with file and line', () => {
    expect(errorOf(`${minimal}testdata: []\n`)).toBe(
      'p.prompt.yml:4: testdata: unknown key "testdata" (did you mean "testData"?)',
    );
    expect(errorOf('messages:\n  - role: robot\n    content: hi\n')).toBe(
      'p.prompt.yml:2: messages[0].role: expected one of system|developer|user|assistant, got "robot"',
    );
    expect(errorOf(`${minimal}modelParameters:\n  max_tokens: 5\n  maxTokens: 5\n`)).toBe(
      'p.prompt.yml:4: modelParameters: give max_tokens or maxTokens, not both',
    );
    expect(errorOf(`${minimal}evaluators:\n  - name: e\n    string: { equals: a, contains: b }\n`)).toBe(
      'p.prompt.yml:6: evaluators[0].string: expected exactly one of equals, contains, startsWith, endsWith',
    );
    expect(errorOf(`${minimal}responseFormat: json_schema\n`)).toBe(
      'p.prompt.yml:4: responseFormat: json_schema needs a jsonSchema key beside it',
    );
    expect(errorOf(`${minimal}responseFormat: json_schema\njsonSchema: '{"name": 1'\n`)).toMatch(
      /^p\.prompt\.yml:5: jsonSchema: invalid JSON: .+$/,
    );
    expect(errorOf('name: x\n')).toBe('p.prompt.yml:1: missing key "messages"');
    expect(errorOf('messages:\n  - role: user\n    content: "unterminated\n')).toMatch(
      /^p\.prompt\.yml:\d+: YAML syntax error: Missing closing "quote$/,
    );
  });
});
