import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { optimizeCommand } from '../../src/cli/optimize-command.js';
import { answerKey } from './helpers.js';
import { startSimulator } from '../../src/tools/simulator/simulator.js';

const sim = await startSimulator({ answerKey, seed: 3 });
afterAll(() => sim.close());

describe('lpo optimize', () => {
  it('prints the step table, spans, budget and SIMULATED label, and writes JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lpo-opt-'));
    writeFileSync(join(dir, 'math.txt'), 'Guess the answer quickly.\n');
    const json = join(dir, 'out.json');
    writeFileSync(
      join(dir, 'gsm8k.jsonl'),
      readFileSync(new URL('../llm/fixtures/gsm8k-test-40.jsonl', import.meta.url)),
    );
    let printed = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed += String(chunk);
      return true;
    });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const cwd = process.cwd();
    process.chdir(dir); // the prompt path must sit under the working directory, like in a repository
    try {
      const code = await optimizeCommand([
        '--prompt',
        'math.txt',
        '--dataset',
        'gsm8k.jsonl',
        '--input',
        'question',
        '--target',
        'answer',
        '--scorer',
        'numeric',
        '--base-url',
        sim.url,
        '--no-cache',
        '--method',
        'apo',
        '--mode',
        'local',
        '--max-calls',
        '250',
        '--json',
        json,
      ]);
      expect(code).toBe(0);
    } finally {
      process.chdir(cwd);
      out.mockRestore();
      err.mockRestore();
    }
    expect(printed).toContain('LPO (apo, local) SIMULATED');
    expect(printed).toMatch(/budget: \d+ of 250 calls/);
    expect(printed).toContain('"Guess" →');
    const body = JSON.parse(readFileSync(json, 'utf8'));
    expect(body.best.dev).toBeGreaterThan(body.head.dev);
    expect(body.budget.calls).toBeLessThanOrEqual(250);
    expect(body.steps[0]).toMatchObject({ step: 0 });
    expect(body.spans[0]).toMatchObject({ old: 'Guess' });
    expect(body.simulated).toBe(true);
  });

  it('rejects a bad --method in one line', async () => {
    await expect(optimizeCommand(['--method', 'sgd'])).rejects.toThrow(
      '--method: expected ape, apo, pe2, got "sgd"',
    );
  });
});
