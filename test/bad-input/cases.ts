// Malformed configs, datasets and prompt files, as edits of the examples/ repository, each with the one
// line the user must see: the file and line (or the key) at fault and what was expected.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXAMPLES } from '../action/git-fixture.js';

export interface BadCase {
  name: string;
  /** Files replaced (or added) in a copy of examples/; raw bytes where text cannot say it. */
  files: Record<string, string | Buffer>;
  /** The whole error line, without the `error: ` the CLI puts first. */
  message: RegExp;
}

const CONFIG = '.github/lpo.yml';
const DATA = 'data/gsm8k.jsonl';
const original = (file: string) => readFileSync(path.join(EXAMPLES, file), 'utf8');
/** The examples' config with its first entry's `key: value` line replaced. */
const configWith = (from: string, to: string) => {
  const text = original(CONFIG);
  if (!text.includes(from)) throw new Error(`${CONFIG} has no "${from}"`);
  return text.replace(from, to);
};
const dataLines = () => original(DATA).split('\n');
const withLine = (at: number, text: string) => {
  const lines = dataLines();
  lines[at - 1] = text;
  return lines.join('\n');
};
const BOOLEAN = 'prompts/boolean.prompt.yml';
/** An array inside an array, 100,000 deep: JSON.parse takes it, what walks it later overflows. */
const DEEP = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;

export const CONFIG_CASES: BadCase[] = [
  {
    name: 'YAML syntax error',
    files: { [CONFIG]: configWith('files: "prompts/*.txt"', 'files: "prompts/*.txt') },
    message: /^\.github\/lpo\.yml:\d+(:\d+)?: .*/,
  },
  {
    name: 'config nested 100,000 deep',
    files: { [CONFIG]: `${original(CONFIG)}\nextra: ${DEEP}\n` },
    message: /^\.github\/lpo\.yml:\d+: YAML nested too deeply to read/,
  },
  {
    name: 'unknown key',
    files: { [CONFIG]: configWith('scorer: numeric', 'scorer: numeric\n    scorrer: exact') },
    message: /^\.github\/lpo\.yml:9(:\d+)?: .*scorrer/,
  },
  {
    name: 'wrong type',
    files: { [CONFIG]: configWith('input: question', 'input: 42') },
    message: /^\.github\/lpo\.yml:5(:\d+)?: .*input.*expected/,
  },
  {
    name: 'missing dataset file',
    files: { [CONFIG]: configWith('dataset: data/gsm8k.jsonl', 'dataset: data/missing.jsonl') },
    message: /data\/missing\.jsonl.*not found/,
  },
  {
    name: 'glob outside the repository',
    files: { [CONFIG]: configWith('files: "prompts/*.txt"', 'files: "../prompts/*.txt"') },
    message: /^\.github\/lpo\.yml:3(:\d+)?: .*inside the repository/,
  },
  {
    name: 'bad split',
    files: {
      [CONFIG]: configWith('split: { dev: 0.5, seed: 1, max-examples: 60 }', 'split: { dev: 1.5, seed: 1 }'),
    },
    message: /^\.github\/lpo\.yml:9(:\d+)?: .*dev.*fraction/,
  },
  {
    name: 'unknown scorer',
    files: { [CONFIG]: configWith('scorer: numeric', 'scorer: levenshtein') },
    message:
      /^\.github\/lpo\.yml:8(:\d+)?: .*scorer.*levenshtein|^\.github\/lpo\.yml:8(:\d+)?: .*scorer.*expected/,
  },
  {
    name: 'invalid scorer regex',
    files: { [CONFIG]: configWith('scorer: numeric', 'scorer: { type: regex, pattern: "([" }') },
    message: /^\.github\/lpo\.yml:8(:\d+)?: .*invalid regular expression/,
  },
  {
    name: 'empty config',
    files: { [CONFIG]: '# nothing here\n' },
    message: /^\.github\/lpo\.yml:1: .*empty/,
  },
];

export const DATASET_CASES: BadCase[] = [
  {
    name: 'JSONL row nested 100,000 deep',
    files: { [DATA]: withLine(5, `{"question": ${DEEP}, "answer": "1"}`) },
    message: /^data\/gsm8k\.jsonl:5: JSON nested deeper than 100 levels/,
  },
  {
    name: 'JSON dataset row nested 100,000 deep',
    files: {
      'data/deep.json': `[{"question": "What is 1+1?", "answer": "2"},\n {"question": ${DEEP}, "answer": "4"}]\n`,
      [CONFIG]: configWith('dataset: data/gsm8k.jsonl', 'dataset: data/deep.json'),
    },
    message: /^data\/deep\.json:2 \(row 2\): JSON nested deeper than 100 levels/,
  },
  {
    name: 'bad JSON line',
    files: { [DATA]: withLine(7, '{"question": "How many?", "answer": ') },
    message: /^data\/gsm8k\.jsonl:7: invalid JSON/,
  },
  {
    name: 'row without the target field',
    files: { [DATA]: withLine(4, '{"question": "How many ducks are there?"}') },
    message: /^data\/gsm8k\.jsonl:4: .*answer/,
  },
  {
    name: 'empty dataset',
    files: { [DATA]: '' },
    message: /^data\/gsm8k\.jsonl(:\d+)?: .*(empty|no rows)/,
  },
  {
    name: 'unsupported extension',
    files: {
      'data/gsm8k.txt': original(DATA),
      [CONFIG]: configWith('dataset: data/gsm8k.jsonl', 'dataset: data/gsm8k.txt'),
    },
    message: /data\/gsm8k\.txt.*unsupported dataset format/,
  },
  {
    name: 'CSV row with a column too many',
    files: {
      'data/math.csv': 'question,answer\n"What is 1+1?",2\n"What is 2+2?",4,extra\n',
      [CONFIG]: configWith('dataset: data/gsm8k.jsonl', 'dataset: data/math.csv'),
    },
    message: /^data\/math\.csv:3: row has 3 columns, header has 2/,
  },
];

export const PROMPT_CASES: BadCase[] = [
  {
    name: '.prompt.yml that is not YAML',
    files: { [BOOLEAN]: original(BOOLEAN).replace('name: Boolean expressions', 'name: [Boolean') },
    message: /^prompts\/boolean\.prompt\.yml:\d+(:\d+)?: /,
  },
  {
    name: '.prompt.yml without testData or dataset',
    files: { [BOOLEAN]: original(BOOLEAN).replace(/testData:[\s\S]*?(?=\n\S|$)/, '') },
    message: /prompts\/boolean\.prompt\.yml.*testData/,
  },
  {
    name: '.prompt.yml with an unknown placeholder',
    files: { [BOOLEAN]: original(BOOLEAN).replace('content: "{{input}}"', 'content: "{{input}} {{hint}}"') },
    message: /^prompts\/boolean\.prompt\.yml:\d+: .*hint/,
  },
  {
    name: 'text prompt naming an input field',
    files: { 'prompts/math.txt': 'Solve it.\nQuestion: {{question}}\n' },
    message: /^prompts\/math\.txt:2: \{\{question\}\}/,
  },
];
