import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entryFor, loadConfig, parseConfig } from '../../src/config/load.js';
import { buildTask, renderMessages } from '../../src/config/task.js';
import { ConfigError } from '../../src/core/errors.js';
import type { EvalTask } from '../../src/core/types.js';

const repo = fileURLToPath(new URL('../fixtures/config/repo', import.meta.url));
const read = (file: string) => readFileSync(path.join(repo, file), 'utf8');
const config = await loadConfig('.github/lpo.yml', repo);

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('buildTask for text prompts', () => {
  const promptPath = 'prompts/arith.txt';
  const entry = entryFor(config, promptPath);

  it('places the file text at {{prompt}} inside the entry template', () => {
    const task = buildTask({ promptPath, promptText: read(promptPath), entry, rootDir: repo });
    expect(task).toEqual({
      promptPath,
      kind: 'text',
      prompt: "Let's think step by step.\n",
      messages: [{ role: 'user', content: 'Q: {{ question }}\nA: {{prompt}}' }],
      datasetPath: path.join(repo, 'data/gsm8k-3.jsonl'),
      input: ['question'],
      target: 'answer',
      scorer: { type: 'numeric' },
      split: { dev: 0.5, seed: 7, maxExamples: 100 },
      model: 'gpt-4o-mini',
      params: { temperature: 0 },
    } satisfies EvalTask);
    const row = JSON.parse(read('data/gsm8k-3.jsonl').split('\n')[1]!) as { question: string };
    expect(renderMessages(task, { question: row.question })).toEqual([
      { role: 'user', content: `Q: ${row.question}\nA: Let's think step by step.\n` },
    ]);
  });

  it('strips a BOM and keeps CRLF line ends', () => {
    const task = buildTask({
      promptPath,
      promptText: '\uFEFFStep one.\r\nStep two.\r\n',
      entry,
      rootDir: repo,
    });
    expect(task.prompt).toBe('Step one.\r\nStep two.\r\n');
  });

  it('uses the documented default template, and system messages', () => {
    const text =
      'prompts:\n  - files: "*.md"\n    dataset: d.jsonl\n    input: [q, c]\n    target: a\n    scorer: exact\n';
    const own = parseConfig(text, 'lpo.yml', '/r');
    const task = buildTask({ promptPath: 'x.md', promptText: 'P', entry: own.entries[0], rootDir: '/r' });
    expect(task.messages).toEqual([{ role: 'user', content: '{{prompt}}\n\n{{q}}' }]);
    expect(task.datasetPath).toBe('/r/d.jsonl');

    const withSystem = parseConfig(`${text}    system: "{{prompt}}"\n`, 'lpo.yml', '/r');
    const task2 = buildTask({
      promptPath: 'x.md',
      promptText: 'P',
      entry: withSystem.entries[0],
      rootDir: '/r',
    });
    expect(task2.messages).toEqual([
      { role: 'system', content: '{{prompt}}' },
      { role: 'user', content: '{{q}}' },
    ]);
    expect(renderMessages(task2, { q: 'why?', c: '' })).toEqual([
      { role: 'system', content: 'P' },
      { role: 'user', content: 'why?' },
    ]);
  });

  it('needs a config entry', () => {
    expect(errorOf(() => buildTask({ promptPath: 'docs/a.md', promptText: 'x', rootDir: repo }))).toBe(
      'docs/a.md: no prompts[] entry in the config covers this file; only a .prompt.yml with testData and a string evaluator can be evaluated alone',
    );
  });

  it('points at the entry when a text prompt lacks a dataset', () => {
    // "prompts/*" may match .prompt.yml files, so loading accepts it; building a text task cannot.
    const loose = parseConfig('prompts:\n  - files: "prompts/*"\n    input: q\n', '.github/lpo.yml', '/r');
    expect(
      errorOf(() =>
        buildTask({ promptPath: 'prompts/a.txt', promptText: 'x', entry: loose.entries[0], rootDir: '/r' }),
      ),
    ).toBe(
      '.github/lpo.yml:2: prompts[0]: missing key "dataset" (text prompts need dataset, input, target, scorer; only a .prompt.yml with testData and a string evaluator can do without); needed by prompts/a.txt',
    );
  });

  it('rejects an input placeholder written inside the prompt text, with its line', () => {
    expect(
      errorOf(() => buildTask({ promptPath, promptText: 'Solve.\nQ: {{question}}\n', entry, rootDir: repo })),
    ).toBe(
      "prompts/arith.txt:2: {{question}} in a text prompt is sent literally; put it in the config entry's template instead",
    );
  });
});

describe('buildTask for .prompt.yml files', () => {
  const promptPath = 'prompts/boolean_expressions.prompt.yml';
  const promptText = read(promptPath);

  it('builds a task from the BBH prompt file and its config entry', () => {
    const task = buildTask({ promptPath, promptText, entry: entryFor(config, promptPath), rootDir: repo });
    expect(task).toMatchObject({
      promptPath,
      kind: 'prompt-yml',
      prompt: '',
      datasetPath: null,
      inlineSource: promptPath,
      input: ['input'],
      target: 'target',
      scorer: { type: 'exact' },
      split: { dev: 2, test: 3, seed: 1, maxExamples: 200 },
      model: 'openai/gpt-4o-mini',
      params: { temperature: 0, max_tokens: 256 },
    });
    expect(task.inlineRows).toHaveLength(6);
    expect(task.inlineRows?.[3]).toEqual({ input: 'False or not ( True ) and False is', target: 'False' });
    const row = task.inlineRows![0]! as Record<string, string>;
    expect(renderMessages(task, { input: row['input']! })[1]).toEqual({
      role: 'user',
      content:
        'Evaluate the expression and answer with True or False only.\n\nnot ( True ) and ( True ) is\n',
    });
  });

  it('is evaluable alone, with the default split', () => {
    const task = buildTask({ promptPath: 'other/x.prompt.yml', promptText, rootDir: repo });
    expect(task.split).toEqual({ dev: 0.5, seed: 1, maxExamples: 200 });
    expect(task.datasetPath).toBeNull();
  });

  it('explains what a lone prompt file lacks', () => {
    const noData = 'messages:\n  - role: user\n    content: "{{q}}"\n';
    expect(errorOf(() => buildTask({ promptPath: 'a.prompt.yml', promptText: noData, rootDir: repo }))).toBe(
      'a.prompt.yml: has no testData, and no prompts[] entry in the config sets "dataset"',
    );
    const noEvaluator = `${noData}testData:\n  - q: hi\n`;
    expect(
      errorOf(() => buildTask({ promptPath: 'a.prompt.yml', promptText: noEvaluator, rootDir: repo })),
    ).toBe(
      'a.prompt.yml: has no string evaluator comparing with a {{field}}, and no prompts[] entry in the config sets "target"',
    );
  });

  it('points at the config entry when neither it nor the file names the target', () => {
    const own = parseConfig('prompts:\n  - files: "*.prompt.yml"\n    dataset: d.jsonl\n', 'lpo.yml', '/r');
    const noEvaluator = 'messages:\n  - role: user\n    content: "{{q}}"\n';
    expect(
      errorOf(() =>
        buildTask({
          promptPath: 'a.prompt.yml',
          promptText: noEvaluator,
          entry: own.entries[0],
          rootDir: '/r',
        }),
      ),
    ).toBe(
      'lpo.yml:2: prompts[0]: missing key "target" (a.prompt.yml has no string evaluator comparing with a {{field}})',
    );
  });

  it('names a testData row that lacks a field', () => {
    const broken = promptText.replace('  - input: False or not ( True ) and False is\n', '  - inptu: x\n');
    expect(errorOf(() => buildTask({ promptPath, promptText: broken, rootDir: repo }))).toBe(
      `${promptPath}:22: testData[3]: missing key "input"`,
    );
  });

  it('names a placeholder that the entry does not list as input', () => {
    const own = parseConfig('prompts:\n  - files: "*.prompt.yml"\n    input: question\n', 'lpo.yml', '/r');
    expect(
      errorOf(() =>
        buildTask({ promptPath: 'b.prompt.yml', promptText, entry: own.entries[0], rootDir: '/r' }),
      ),
    ).toBe('b.prompt.yml:14: placeholder {{input}} is not an input field (input: question)');
  });
});

describe('renderMessages', () => {
  const task: EvalTask = {
    promptPath: 'p.txt',
    kind: 'text',
    prompt: 'PROMPT',
    messages: [{ role: 'user', content: 'A{{prompt}}B{{ q }}C{{q}}' }],
    datasetPath: '/d.jsonl',
    input: ['q'],
    target: 't',
    scorer: { type: 'exact' },
    split: { dev: 0.5, seed: 1 },
    params: {},
  };

  it('never expands a placeholder that arrives inside a value', () => {
    expect(renderMessages(task, { q: '{{prompt}}' })[0]?.content).toBe('APROMPTB{{prompt}}C{{prompt}}');
    expect(renderMessages(task, { q: 'x' }, '{{q}}')[0]?.content).toBe('A{{q}}BxCx');
  });

  it('fills each placeholder with exactly its value, whatever the values contain', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (prompt, q) => {
        expect(renderMessages(task, { q }, prompt)[0]?.content).toBe(`A${prompt}B${q}C${q}`);
      }),
    );
  });

  it('refuses a row without a templated field', () => {
    expect(errorOf(() => renderMessages(task, {}))).toBe('p.txt: placeholder {{q}} has no value in this row');
  });
});
