// The datasets `npm run repro` knows and how it splits them the PE2 paper's way: a seeded shuffle,
// 100 dev examples (from the train file when there is one), then the test set.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ConfigError } from '../../core/errors.js';
import type { Example, ScorerSpec } from '../../core/types.js';
import { loadExamples } from '../../dataset/examples.js';

export const DEV_SIZE = 100;

export interface Dataset {
  file: string;
  devFile?: string;
  input: string;
  target: string;
  scorer: ScorerSpec;
  /** PE2's test size for this dataset (null: the whole file). */
  testSize: number | null;
}

export interface Splits {
  dev: Example[];
  test: Example[];
}

export function datasetSpec(name: string, dataDir: string): Dataset {
  if (name === 'gsm8k') {
    return {
      file: path.join(dataDir, 'gsm8k/test.jsonl'),
      devFile: path.join(dataDir, 'gsm8k/train.jsonl'),
      input: 'question',
      target: 'answer',
      scorer: { type: 'numeric' },
      testSize: null,
    };
  }
  if (name === 'multiarith') {
    return {
      file: path.join(dataDir, 'multiarith/MultiArith.json'),
      input: 'sQuestion',
      target: 'lSolutions',
      scorer: { type: 'numeric' },
      testSize: 400,
    };
  }
  const bbh = /^bbh:([a-z_]+)$/.exec(name);
  if (bbh)
    return {
      file: path.join(dataDir, `bbh/${bbh[1]}.json`),
      input: 'input',
      target: 'target',
      scorer: { type: 'exact' },
      testSize: 50,
    };
  throw new ConfigError(`--dataset: expected gsm8k, multiarith or bbh:<task>, got "${name}"`);
}

function seeded(examples: Example[], seed: number): Example[] {
  const key = (e: Example) => createHash('sha256').update(`${seed}\u001f${e.id}`).digest('hex');
  return [...examples].sort((a, b) => (key(a) < key(b) ? -1 : 1));
}

/** The dev and test splits; testN (else the dataset's PE2 size, else the rest) caps the test set. */
export async function loadProtocol(spec: Dataset, testN: number | null, seed: number): Promise<Splits> {
  const map = { input: [spec.input], target: spec.target };
  const rows = seeded(await loadExamples(spec.file, map), seed);
  const devPool = spec.devFile ? seeded(await loadExamples(spec.devFile, map), seed) : rows;
  const dev = devPool.slice(0, DEV_SIZE);
  const rest = spec.devFile ? rows : rows.slice(DEV_SIZE);
  const size = testN ?? spec.testSize ?? rest.length;
  return { dev, test: rest.slice(0, size) };
}

/** Exact match, or choice scoring when every target is a lettered option such as `(B)`. */
export function scorerFor(spec: Dataset, examples: Example[]): ScorerSpec {
  if (spec.scorer.type !== 'exact') return spec.scorer;
  return examples.every((e) => /^\([A-Z]\)$/.test(e.target.trim())) ? { type: 'choice' } : spec.scorer;
}

/** Every example of both splits as the simulator's answer key. */
export function answerKeyOf(spec: Dataset, splits: Splits): { input: string; target: string }[] {
  return [...splits.dev, ...splits.test].map((e) => ({ input: e.fields[spec.input]!, target: e.target }));
}
