import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { parsePromptYml } from '../../src/config/prompt-file.js';
import { buildTask } from '../../src/config/task.js';
import { ConfigError } from '../../src/core/errors.js';

const FILE = '.github/lpo.yml';

function configWith(scorer: string[]): string {
  return [
    'prompts:',
    '  - files: prompts/reply.md',
    '    dataset: data/tickets.jsonl',
    '    input: ticket',
    '    target: reply',
    '    scorer:',
    ...scorer.map((line) => `      ${line}`),
  ].join('\n');
}

function scorerOf(lines: string[]) {
  return parseConfig(configWith(lines), FILE, '/repo').entries[0]!.scorer;
}

function errorOf(lines: string[]): string {
  try {
    parseConfig(configWith(lines), FILE, '/repo');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('judge and similarity scorers in .github/lpo.yml', () => {
  it('defaults a judge to pass-fail, and a 1-5 judge to pass at 4', () => {
    expect(scorerOf(['type: judge', 'rubric: "Apologises and gives a date."'])).toEqual({
      type: 'judge',
      rubric: 'Apologises and gives a date.',
      scale: 'pass-fail',
      threshold: 4,
    });
    expect(
      scorerOf(['type: judge', 'rubric: Polite.', 'scale: 1-5', 'reference: reply', 'model: judge-m']),
    ).toEqual({
      type: 'judge',
      rubric: 'Polite.',
      scale: '1-5',
      threshold: 4,
      reference: 'reply',
      model: 'judge-m',
    });
  });

  it('defaults similarity to a threshold of 0.85 and needs its embedding model', () => {
    expect(scorerOf(['type: similarity', 'model: text-embedding-3-small'])).toEqual({
      type: 'similarity',
      model: 'text-embedding-3-small',
      threshold: 0.85,
    });
    expect(errorOf(['type: similarity'])).toContain('model');
  });

  it('refuses a threshold on a pass-fail judge, an empty rubric, and a scale it does not know', () => {
    expect(errorOf(['type: judge', 'rubric: x', 'threshold: 3'])).toContain(
      'threshold applies to scale: 1-5 only',
    );
    expect(errorOf(['type: judge', 'rubric: "  "'])).toContain('scorer.rubric: expected a non-empty');
    expect(errorOf(['type: judge', 'rubric: x', 'scale: 1-10'])).toContain('scale');
    expect(errorOf(['type: judge', 'rubric: x', 'scale: 1-5', 'threshold: 6'])).toContain('threshold');
  });
});

// GitHub Models' `llm` evaluator, as `gh models eval` reads it.
const SUPPORT_PROMPT_YML = `name: Support reply
model: openai/gpt-4o-mini
messages:
  - role: system
    content: You answer customer support tickets.
  - role: user
    content: "{{ticket}}"
testData:
  - ticket: My parcel is late.
    expected: We will trace it and email you.
  - ticket: How do I reset my password?
    expected: Use the link on the login page.
evaluators:
  - name: fixed prefix
    string:
      startsWith: "Hello"
  - name: helpful
    llm:
      modelId: openai/gpt-4o
      systemPrompt: You are an expert in customer support.
      prompt: |
        Ticket: {{ticket}}
        Reply: {{completion}}
        Expected: {{expected}}
        Does the reply resolve the ticket as well as the expected reply does? Answer good or bad.
      choices:
        - choice: good
          score: 1
        - choice: bad
          score: 0
`;

describe('.prompt.yml llm evaluators', () => {
  it('map onto a pass-fail rubric judge with the evaluator model and the reference field', () => {
    const parsed = parsePromptYml(SUPPORT_PROMPT_YML, 'prompts/support.prompt.yml');
    expect(parsed.targetField).toBe('expected');
    const scorer = parsed.scorer;
    expect(scorer).toMatchObject({
      type: 'judge',
      model: 'openai/gpt-4o',
      scale: 'pass-fail',
      reference: 'expected',
    });
    if (scorer?.type !== 'judge') throw new Error('expected a judge');
    // The placeholders point at the judge's own sections; the choices become pass and fail.
    expect(scorer.rubric).toContain('Reply: [the output, in <output>]');
    expect(scorer.rubric).toContain('Expected: [the reference, in <reference>]');
    expect(scorer.rubric).toContain("Ticket: [the input's ticket, in <input>]");
    expect(scorer.rubric).toContain('You are an expert in customer support.');
    expect(scorer.rubric).toContain(
      'passes when the answer to the question above would be good, and fails when it would be bad.',
    );
    expect(scorer.rubric).not.toContain('{{');
  });

  it('make a task that evaluates alone from its testData', () => {
    const task = buildTask({
      promptPath: 'prompts/support.prompt.yml',
      promptText: SUPPORT_PROMPT_YML,
      rootDir: '/repo',
    });
    expect(task.scorer.type).toBe('judge');
    expect(task.target).toBe('expected');
    expect(task.input).toEqual(['ticket']);
    expect(task.inlineRows).toHaveLength(2);
  });

  it('take the first usable evaluator: a string check on a field wins when listed first', () => {
    const text = SUPPORT_PROMPT_YML.replace('startsWith: "Hello"', 'contains: "{{expected}}"');
    expect(parsePromptYml(text, 'p.prompt.yml').scorer).toEqual({ type: 'contains' });
  });

  it('refuse an llm evaluator no answer could pass, naming the line', () => {
    const text = SUPPORT_PROMPT_YML.replace('score: 1', 'score: 0');
    expect(() => parsePromptYml(text, 'p.prompt.yml')).toThrow(
      /^p\.prompt\.yml:\d+: .*no choice has a score above 0/,
    );
  });
});

describe('compare, label and samples on a config entry', () => {
  const entry = (scorer: string, extra: string[]) =>
    [
      'prompts:',
      '  - files: prompts/reply.txt',
      '    dataset: data/tickets.jsonl',
      '    input: ticket',
      '    target: reply',
      `    scorer: ${scorer}`,
      ...extra.map((line) => `    ${line}`),
    ].join('\n');
  const task = (scorer: string, extra: string[]) => {
    const config = parseConfig(entry(scorer, extra), FILE, '/repo');
    return buildTask({
      promptPath: 'prompts/reply.txt',
      promptText: 'Reply.',
      entry: config.entries[0]!,
      rootDir: '/repo',
    });
  };
  const failure = (run: () => unknown): string => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a ConfigError');
  };
  const JUDGE = '{type: judge, rubric: "Says sorry."}';

  it('carries pairwise comparison, the calibration fields and the sample count into the task', () => {
    const t = task(JUDGE, ['compare: pairwise', 'label: human', 'labelled-output: stored', 'samples: 3']);
    expect(t.compare).toBe('pairwise');
    expect(t.calibration).toEqual({ label: 'human', output: 'stored' });
    expect(t.samples).toBe(3);
    const plain = task(JUDGE, ['compare: accuracy', 'samples: 1']);
    expect(plain.compare).toBeUndefined();
    expect(plain.samples).toBeUndefined();
  });

  it('says in one line, at the entry, when pairwise or labels have no judge to use', () => {
    expect(failure(() => task('exact', ['compare: pairwise']))).toBe(
      `${FILE}:2: prompts[0]: compare: pairwise needs a judge scorer (scorer: {type: judge, rubric: "..."}), but prompts/reply.txt is scored by "exact"`,
    );
    expect(failure(() => task('numeric', ['label: human', 'labelled-output: stored']))).toContain(
      'label needs a judge scorer',
    );
  });

  it('refuses a label without the answer it grades, and sample counts out of range', () => {
    expect(failure(() => task(JUDGE, ['label: human']))).toContain('label and labelled-output go together');
    expect(failure(() => task(JUDGE, ['samples: 11']))).toMatch(/samples/);
    expect(failure(() => task(JUDGE, ['compare: sideways']))).toMatch(/compare/);
  });
});
