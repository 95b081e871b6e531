// The benchmark's inputs: a GSM8K-like dataset of any size, the prompt, the template, and the
// exact chat request that `lpo eval` builds from them, so every client sends the same bytes.
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

export const PROMPT = "Let's think step by step, then end with the final answer.";
export const TEMPLATE = '{{prompt}}\n\nQuestion: {{question}}\nAnswer:';
// The name the simulator reports; any name works, but all clients must send the same one.
export const MODEL = 'simulated-model';
export const API_KEY = 'bench-key';

/** Real GSM8K test rows: the shared data set beside the repo, else the slice shipped with the examples. */
export function sourceRows(repoRoot) {
  const candidates = [
    path.resolve(repoRoot, '../shared/data/gsm8k/test.jsonl'),
    path.resolve(repoRoot, 'examples/data/gsm8k.jsonl'),
  ];
  const file = candidates.find((candidate) => existsSync(candidate));
  if (!file) throw new Error(`no GSM8K rows found (looked for ${candidates.join(', ')})`);
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
  return { file, rows };
}

/**
 * Row i is real row i mod |source| with "Problem <i+1>." in front: every question is unique (so no
 * client can answer one request for two rows) and its first characters differ, as real rows' do.
 * Deterministic: the same n gives the same file.
 */
export function benchRows(source, n) {
  return Array.from({ length: n }, (_, i) => {
    const row = source[i % source.length];
    return { question: `Problem ${i + 1}. ${row.question}`, answer: row.answer };
  });
}

export async function writeJsonl(file, rows) {
  // One string for 100,000 rows is ~60 MB; chunks keep this process's own memory modest.
  const chunk = 5000;
  await writeFile(file, '');
  for (let i = 0; i < rows.length; i += chunk) {
    const text = rows
      .slice(i, i + chunk)
      .map((row) => JSON.stringify(row))
      .join('\n');
    await writeFile(file, `${text}\n`, { flag: 'a' });
  }
}

/** The GSM8K final answer: the text after the last `####`. */
export function finalAnswer(answer) {
  return answer.slice(answer.lastIndexOf('####') + 4).trim();
}

/** The user message exactly as lpo's renderMessages fills TEMPLATE (one pass, no escaping). */
export function userMessage(question) {
  return TEMPLATE.replace('{{prompt}}', () => PROMPT).replace('{{question}}', () => question);
}

/** The request body lpo's client sends for a text prompt with temperature unset (0). */
export function requestBody(question) {
  return { model: MODEL, messages: [{ role: 'user', content: userMessage(question) }], temperature: 0 };
}

/**
 * A repo root for `lpo eval --config`: the prompt file, the dataset and a config whose cap is above
 * the row count, so `--split all` scores every row (the default cap is 200 per split).
 */
export async function writeLpoWorkspace(dir, datasetName, rows) {
  await writeFile(path.join(dir, 'prompt.txt'), PROMPT);
  const config = [
    'prompts:',
    '  - files: "prompt.txt"',
    `    dataset: ${datasetName}`,
    '    input: question',
    '    target: answer',
    `    template: ${JSON.stringify(TEMPLATE)}`,
    '    scorer: numeric',
    `    split: { dev: 0.5, seed: 1, max-examples: ${Math.max(rows, 1)} }`,
    '',
  ].join('\n');
  await writeFile(path.join(dir, 'lpo.yml'), config);
  return path.join(dir, 'lpo.yml');
}
