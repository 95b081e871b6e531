// The simulator's answer key from a config: read from the config's repository wherever it is started,
// a dataset that cannot be read is an error, and the start-up line says how many answers it holds.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configRoot } from '../../../src/config/root.js';
import { ConfigError } from '../../../src/core/errors.js';
import { answerKeyFromConfig } from '../../../src/tools/simulator/sim-keys.js';
import { startSimulator } from '../../../src/tools/simulator/simulator.js';
import { startSimulatorFromArgs } from '../../../src/cli/simulator-main.js';
import { ROOT, runCli } from '../../helpers/cli.js';

const EXAMPLES = join(ROOT, 'examples');
const EXAMPLES_CONFIG = join(EXAMPLES, '.github', 'lpo.yml');
const question = (
  JSON.parse(readFileSync(join(EXAMPLES, 'data', 'gsm8k.jsonl'), 'utf8').split('\n')[0]!) as {
    question: string;
  }
).question;

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lpo-keys-'));
  dirs.push(dir);
  return dir;
}

/** Starts the simulator in-process (cwd: this repository) and returns its stderr lines and an answer. */
async function start(argv: string[]) {
  vi.spyOn(console, 'log').mockImplementation(() => {});
  const stderr = vi.spyOn(console, 'error').mockImplementation(() => {});
  const handle = await startSimulatorFromArgs(argv);
  try {
    const client = new OpenAI({ baseURL: handle.url, apiKey: 'x', maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: `Solve it.\n\nQuestion: ${question}\nAnswer:` }],
    });
    return {
      lines: stderr.mock.calls.map((c) => String(c[0])),
      answer: completion.choices[0]!.message.content,
    };
  } finally {
    await handle.close();
  }
}

describe('configRoot', () => {
  it('is the folder holding .github, else the nearest folder with .git, else the cwd', () => {
    const dir = tempDir();
    expect(configRoot('/somewhere/repo/.github/lpo.yml', dir)).toBe('/somewhere/repo');
    expect(configRoot('.github/lpo.yml', dir)).toBe(dir);
    // Inside this checkout, examples/ is its own root: the .github rule comes before the .git one.
    expect(configRoot(EXAMPLES_CONFIG, dir)).toBe(EXAMPLES);
    mkdirSync(join(dir, 'repo', '.git'), { recursive: true });
    mkdirSync(join(dir, 'repo', 'conf', 'lpo'), { recursive: true });
    expect(configRoot(join(dir, 'repo', 'conf', 'lpo', 'lpo.yml'), '/')).toBe(join(dir, 'repo'));
    expect(configRoot(join(dir, 'loose', 'lpo.yml'), '/elsewhere')).toBe('/elsewhere');
  });
});

describe('lpo simulate --config', () => {
  it('reads the datasets of a config in another folder from its repository, and says how many', async () => {
    const expected = await answerKeyFromConfig(EXAMPLES_CONFIG, EXAMPLES);
    // gsm8k.jsonl and the testData of boolean.prompt.yml.
    expect(expected.datasets).toHaveLength(2);
    const { lines, answer } = await start(['--config', EXAMPLES_CONFIG]);
    expect(lines).toEqual([`answer key: ${expected.rows.length} answers from 2 datasets`]);
    expect(answer).toMatch(/The answer is -?\d+\.$/);
  });

  it('says so when there is no key, and then knows no answer', async () => {
    const { lines, answer } = await start([]);
    expect(lines).toEqual(['answer key: empty (no --config or --key): every answer will be wrong']);
    expect(answer).toBe("I don't know.");
  });

  it('fails with one line naming a dataset it cannot read, instead of leaving it out', async () => {
    const repo = tempDir();
    mkdirSync(join(repo, '.github'));
    mkdirSync(join(repo, 'prompts'));
    writeFileSync(join(repo, 'prompts', 'math.txt'), 'Solve it.\n');
    writeFileSync(
      join(repo, '.github', 'lpo.yml'),
      'prompts:\n  - files: "prompts/*.txt"\n    dataset: data/missing.jsonl\n    input: question\n    target: answer\n    scorer: numeric\n',
    );
    const error = await startSimulatorFromArgs(['--config', join(repo, '.github', 'lpo.yml')]).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(join(repo, 'data', 'missing.jsonl'));
    expect(message).toMatch(/dataset file not found/);
    expect(message).not.toContain('\n');
  });

  it('fails when no prompt file matches, since the key would be empty', async () => {
    const repo = tempDir();
    mkdirSync(join(repo, '.github'));
    writeFileSync(
      join(repo, '.github', 'lpo.yml'),
      'prompts:\n  - files: "prompts/*.txt"\n    dataset: data/x.jsonl\n    input: q\n    target: a\n    scorer: numeric\n',
    );
    await expect(startSimulatorFromArgs(['--config', join(repo, '.github', 'lpo.yml')])).rejects.toThrow(
      /no prompt file under .* matches the "files" globs/,
    );
  });
});

describe('lpo eval --config from another folder', () => {
  it('resolves the prompts and datasets from the config repository, like the simulator', async () => {
    const sim = await startSimulator({
      answerKey: (await answerKeyFromConfig(EXAMPLES_CONFIG, EXAMPLES)).rows,
    });
    try {
      const cwd = tempDir();
      const res = await runCli(['eval', '--config', EXAMPLES_CONFIG, '--base-url', sim.url, '--no-cache'], {
        cwd,
      });
      expect(res.stderr).not.toMatch(/error/i);
      expect(res.code).toBe(0);
      expect(res.stdout).toContain('prompts/math.txt');
      expect(res.stdout).toContain('prompts/boolean.prompt.yml');
    } finally {
      await sim.close();
    }
  }, 30_000);
});
