import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { entryFor, loadConfig, parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/core/errors.js';

const repo = fileURLToPath(new URL('../fixtures/config/repo', import.meta.url));
const FILE = '.github/lpo.yml';

function errorOf(text: string): string {
  try {
    parseConfig(text, FILE, '/repo');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

/** A valid text-prompt entry; tests swap single lines to break it. */
const entry = (lines: Record<string, string>) =>
  `prompts:\n${Object.entries({
    files: 'prompts/*.txt',
    dataset: 'data/x.jsonl',
    input: 'question',
    target: 'answer',
    scorer: 'numeric',
    ...lines,
  })
    .filter(([, value]) => value !== '')
    .map(([key, value], index) => `${index === 0 ? '  - ' : '    '}${key}: ${value}`)
    .join('\n')}\n`;

describe('loadConfig', () => {
  it('reads the fixture into typed, camelCase entries with defaults and absolute datasets', async () => {
    const config = await loadConfig(path.join(repo, '.github/lpo.yml'), repo);
    expect(config.path).toBe('.github/lpo.yml');
    expect(config.rootDir).toBe(repo);
    expect(config.entries).toEqual([
      {
        files: ['prompts/*.txt'],
        dataset: path.join(repo, 'data/gsm8k-3.jsonl'),
        input: ['question'],
        target: 'answer',
        template: 'Q: {{ question }}\nA: {{prompt}}',
        scorer: { type: 'numeric' },
        split: { dev: 0.5, seed: 7, maxExamples: 100 },
        model: 'gpt-4o-mini',
        temperature: 0,
        source: { file: '.github/lpo.yml', line: 3, path: 'prompts[0]' },
      },
      {
        files: ['prompts/**/*.prompt.yml', 'prompts/**/*.prompt.yaml'],
        split: { dev: 2, test: 3, seed: 1, maxExamples: 200 },
        source: { file: '.github/lpo.yml', line: 13, path: 'prompts[1]' },
      },
    ]);
  });

  it('names a missing config file', async () => {
    await expect(loadConfig('.github/nope.yml', repo)).rejects.toThrow(
      new ConfigError(
        '.github/nope.yml: config file not found (create it, or point the config path at yours)',
      ),
    );
  });

  it('names the file with the other YAML extension when that is the one present', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'lpo-config-'));
    await mkdir(path.join(root, '.github'));
    await writeFile(path.join(root, '.github/lpo.yaml'), 'prompts: []\n');
    await writeFile(path.join(root, '.github/other.yml'), 'prompts: []\n');
    await expect(loadConfig('.github/lpo.yml', root)).rejects.toThrow(
      new ConfigError(
        '.github/lpo.yml: config file not found (found .github/lpo.yaml: rename it, or point config at it: --config .github/lpo.yaml for the CLI, config: .github/lpo.yaml in the Action)',
      ),
    );
    await expect(loadConfig('.github/other.yaml', root)).rejects.toThrow(
      new ConfigError(
        '.github/other.yaml: config file not found (found .github/other.yml: rename it, or point config at it: --config .github/other.yml for the CLI, config: .github/other.yml in the Action)',
      ),
    );
  });
});

describe('parseConfig', () => {
  it('applies split defaults and accepts object scorers', () => {
    const config = parseConfig(
      entry({ scorer: '{ type: regex, pattern: "answer is (\\\\d+)", flags: i }', split: '{ seed: 3 }' }),
      FILE,
      '/repo',
    );
    expect(config.entries[0]).toMatchObject({
      scorer: { type: 'regex', pattern: 'answer is (\\d+)', flags: 'i' },
      split: { dev: 0.5, seed: 3, maxExamples: 200 },
      dataset: '/repo/data/x.jsonl',
    });
  });

  it('needs no dataset when the globs may match .prompt.yml files', () => {
    const config = parseConfig('prompts:\n  - files: "**/*.prompt.yml"\n', FILE, '/repo');
    expect(config.entries[0]?.dataset).toBeUndefined();
  });

  it('reports an unknown key on its line, with a did-you-mean', () => {
    expect(errorOf(entry({ temprature: '0' }))).toBe(
      '.github/lpo.yml:7: prompts[0].temprature: unknown key "temprature" (did you mean "temperature"?)',
    );
    expect(errorOf(entry({ split: '\n      maxExamples: 10' }))).toBe(
      '.github/lpo.yml:8: prompts[0].split.maxExamples: unknown key "maxExamples" (did you mean "max-examples"?)',
    );
    expect(errorOf(`${entry({})}settings: {}\n`)).toBe(
      '.github/lpo.yml:7: settings: unknown key "settings" (expected one of prompts)',
    );
  });

  it('names a misspelt key before the key it leaves missing', () => {
    const text = entry({ dataset: '' }).replace('    input:', '    datasets: data/x.jsonl\n    input:');
    expect(errorOf(text)).toBe(
      '.github/lpo.yml:3: prompts[0].datasets: unknown key "datasets" (did you mean "dataset"?)',
    );
  });

  it('says that an entry key written at the top level belongs inside a prompts[] entry', () => {
    const entryWithout = entry({ dataset: '' });
    expect(errorOf(`${entryWithout}datasets: data/x.jsonl\n`)).toBe(
      '.github/lpo.yml:6: datasets: unknown key "datasets" (did you mean "dataset"? it belongs inside a prompts[] entry, beside "files")',
    );
    expect(errorOf(`dataset: data/x.jsonl\n${entryWithout}`)).toBe(
      '.github/lpo.yml:1: dataset: unknown key "dataset" (it belongs inside a prompts[] entry, beside "files")',
    );
  });

  it('reports a wrong scorer name with the allowed names', () => {
    const issueExample = [
      'prompts:',
      '  - files: "prompts/*.txt"',
      '    dataset: data/multiarith.jsonl',
      '    input: question',
      '    target: answer',
      '    template: "Q: {{question}}\\nA: {{prompt}}"',
      '    scorer: numbers',
    ].join('\n');
    expect(errorOf(issueExample)).toBe(
      '.github/lpo.yml:7: prompts[0].scorer: expected one of exact|numeric|choice|contains|regex|json|judge|similarity, got "numbers"',
    );
    expect(errorOf(entry({ scorer: 'regex' }))).toBe(
      '.github/lpo.yml:6: prompts[0].scorer: "regex" needs options: write {type: regex, pattern: "..."}',
    );
    expect(errorOf(entry({ scorer: '{ type: rgx }' }))).toBe(
      '.github/lpo.yml:6: prompts[0].scorer.type: expected one of exact|numeric|choice|contains|regex|json|judge|similarity, got "rgx"',
    );
    expect(errorOf(entry({ scorer: '\n      type: json' }))).toBe(
      '.github/lpo.yml:6: prompts[0].scorer: missing key "field"',
    );
    expect(errorOf(entry({ scorer: '{ type: regex, pattern: "(" }' }))).toMatch(
      /^\.github\/lpo\.yml:6: prompts\[0\]\.scorer\.pattern: invalid regular expression: .+$/,
    );
  });

  it('reports a missing dataset for text prompts at the entry', () => {
    expect(errorOf(entry({ dataset: '' }))).toBe(
      '.github/lpo.yml:2: prompts[0]: missing key "dataset" (text prompts need dataset, input, target, scorer; only a .prompt.yml with testData and a string evaluator can do without)',
    );
  });

  it('reports a glob of the wrong type', () => {
    expect(errorOf(entry({ files: '3' }))).toBe(
      '.github/lpo.yml:2: prompts[0].files: expected a glob string or a list of glob strings, got 3',
    );
    expect(errorOf(entry({ files: '\n      - prompts/*.txt\n      - 2' }))).toBe(
      '.github/lpo.yml:4: prompts[0].files[1]: expected a string, got 2',
    );
    expect(errorOf(entry({ files: '../secrets/*.txt' }))).toBe(
      '.github/lpo.yml:2: prompts[0].files: expected a glob inside the repository, got "../secrets/*.txt"',
    );
  });

  it('requires {{prompt}} in the template or the system message', () => {
    expect(errorOf(entry({ template: '"Q: {{question}}"' }))).toBe(
      '.github/lpo.yml:7: prompts[0].template: must contain {{prompt}} (in template or system)',
    );
    const withSystem = entry({ template: '"Q: {{question}}"', system: '"{{ prompt }}"' });
    expect(parseConfig(withSystem, FILE, '/repo').entries[0]?.system).toBe('{{ prompt }}');
  });

  it('names a placeholder that is not an input field', () => {
    expect(errorOf(entry({ template: '"{{prompt}} {{questoin}}"' }))).toBe(
      '.github/lpo.yml:7: prompts[0].template: unknown placeholder {{questoin}}: input fields are question',
    );
  });

  it('reports YAML syntax errors as one line with the line number', () => {
    const message = errorOf('prompts:\n  - files: [a, b\n    dataset: x\n');
    expect(message).toBe(
      '.github/lpo.yml:3: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    );
    expect(errorOf('prompts:\n  - files: a\n    files: b\n')).toBe(
      '.github/lpo.yml:3: YAML syntax error: Map keys must be unique',
    );
  });

  it('reports other mistakes on one line', () => {
    expect(errorOf('')).toBe(
      '.github/lpo.yml:1: expected a mapping with a "prompts" list, got an empty file',
    );
    expect(errorOf('prompts: []\n')).toBe('.github/lpo.yml:1: prompts: expected a non-empty list');
    expect(errorOf(entry({ split: '{ dev: 1.5 }' }))).toBe(
      '.github/lpo.yml:7: prompts[0].split.dev: expected a fraction below 1 or a whole number of examples, got 1.5',
    );
    expect(errorOf(entry({ temperature: 'hot' }))).toBe(
      '.github/lpo.yml:7: prompts[0].temperature: expected a number, got "hot"',
    );
    expect(errorOf(entry({ input: '[question, "two words"]' }))).toBe(
      '.github/lpo.yml:4: prompts[0].input[1]: expected a field name usable as {{name}}, got "two words"',
    );
  });
});

describe('entryFor', () => {
  it('returns the first entry whose globs match the posix path', async () => {
    const config = await loadConfig('.github/lpo.yml', repo);
    expect(entryFor(config, 'prompts/arith.txt')).toBe(config.entries[0]);
    expect(entryFor(config, './prompts/boolean_expressions.prompt.yml')).toBe(config.entries[1]);
    expect(entryFor(config, 'prompts\\nested\\x.prompt.yaml')).toBe(config.entries[1]);
    expect(entryFor(config, 'docs/readme.md')).toBeUndefined();
  });
});
