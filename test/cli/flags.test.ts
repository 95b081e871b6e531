// The CLI's own surface, run as a process: help, version, and one-line errors for mistyped flags and
// commands. Every case fails before a model or a config is touched, so no simulator is needed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

const COMMANDS = ['eval', 'optimize', 'review', 'simulate'] as const;
const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

/** A user error: exit 2, nothing on stdout, exactly one line on stderr. */
async function userError(args: string[]): Promise<string> {
  const res = await runCli(args);
  expect(res.code, res.stderr).toBe(2);
  expect(res.stdout).toBe('');
  expect(res.stderr.endsWith('\n')).toBe(true);
  expect(res.stderr.trimEnd().split('\n')).toHaveLength(1);
  return res.stderr.trimEnd();
}

describe('help', () => {
  it('every command prints its usage on stdout for --help and -h, and exits 0', async () => {
    for (const command of COMMANDS) {
      for (const flag of ['--help', '-h']) {
        const res = await runCli([command, flag]);
        expect({ command, flag, code: res.code, stderr: res.stderr }).toEqual({
          command,
          flag,
          code: 0,
          stderr: '',
        });
        expect(res.stdout).toMatch(new RegExp(`^usage: lpo ${command} `));
      }
    }
  });

  it('simulate --help lists every flag of the simulator', async () => {
    const res = await runCli(['simulate', '--help']);
    expect(res.code).toBe(0);
    const flags = [
      ...['--port', '--seed', '--latency', '--key', '--key-input', '--key-target', '--host', '--config'],
      ...['--fault-rate', '--fault-seed', '--faults'],
    ];
    for (const flag of flags) expect(res.stdout).toMatch(new RegExp(`^  ${flag} <`, 'm'));
    // Help must return instead of starting a server that would run until killed.
    expect(res.stdout).not.toMatch(/listening/);
  });

  it('the top-level usage names --version', async () => {
    const res = await runCli(['--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('lpo --version');
  });
});

describe('version', () => {
  it.each([['--version'], ['-v'], ['version']])('lpo %s prints the package version', async (flag) => {
    const res = await runCli([flag]);
    expect(res).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('unknown flags: one line naming the flag and the nearest real one, exit 2', () => {
  it.each([
    // `--mode` is one letter away, but `--model` is a whole word of `--task-model`.
    [['eval', '--model', 'x'], 'error: lpo eval: unknown flag --model (did you mean --task-model?)'],
    [['optimize', '--model', 'x'], 'error: lpo optimize: unknown flag --model (did you mean --task-model?)'],
    [['review', '--model=x'], 'error: lpo review: unknown flag --model (did you mean --task-model?)'],
    [['simulate', '--prot', '8787'], 'error: lpo simulate: unknown flag --prot (did you mean --port?)'],
    [
      ['optimize', '--max-call', '3'],
      'error: lpo optimize: unknown flag --max-call (did you mean --max-calls?)',
    ],
    [['eval', '--data', 'x.jsonl'], 'error: lpo eval: unknown flag --data (did you mean --dataset?)'],
    [['review', '--fail-no', 'never'], 'error: lpo review: unknown flag --fail-no (did you mean --fail-on?)'],
  ])('%j', async (args, line) => {
    expect(await userError(args)).toBe(line);
  });

  it.each([
    [['eval', '--verbose'], 'eval'],
    [['optimize', '-x'], 'optimize'],
    [['simulate', '--quiet'], 'simulate'],
  ])('%j: nothing close, so it points at the help', async (args, command) => {
    expect(await userError(args)).toBe(
      `error: lpo ${command}: unknown flag ${args[1]} (run "lpo ${command} --help" for its flags)`,
    );
  });
});

describe('flag values', () => {
  it('a flag at the end without its value is one clear line', async () => {
    expect(await userError(['eval', '--split'])).toBe('error: lpo eval: --split expects a value');
    expect(await userError(['simulate', '--port'])).toBe('error: lpo simulate: --port expects a value');
  });

  it('a flag followed by another flag says which was taken for the value', async () => {
    expect(await userError(['eval', '--split', '--json', 'out.json'])).toBe(
      'error: lpo eval: --split expects a value, got --json (write --split=--json if that is the value)',
    );
  });

  it('--max-response-bytes takes a whole number of bytes, in every command that calls the model', async () => {
    const refs = ['--base', 'HEAD', '--head', 'HEAD'];
    for (const command of [['eval'], ['optimize'], ['review', ...refs]]) {
      const local = ['--base-url', 'http://127.0.0.1:9/v1'];
      expect(await userError([...command, ...local, '--max-response-bytes', '1MB'])).toBe(
        'error: --max-response-bytes: expected an integer from 1 to 1073741824, got "1MB"',
      );
    }
  });

  it('a switch given a value is refused by name', async () => {
    expect(await userError(['eval', '--no-cache=yes'])).toBe(
      'error: lpo eval: --no-cache takes no value, got "--no-cache=yes"',
    );
  });
});

describe('unknown commands', () => {
  it('suggests the command meant, or points at the help', async () => {
    expect(await userError(['evl'])).toBe('error: lpo: unknown command "evl" (did you mean "lpo eval"?)');
    expect(await userError(['sumilate'])).toBe(
      'error: lpo: unknown command "sumilate" (did you mean "lpo simulate"?)',
    );
    expect(await userError(['frobnicate'])).toBe(
      'error: lpo: unknown command "frobnicate" (run "lpo --help" for the commands)',
    );
    // Inherited names of a plain object are not commands.
    expect(await userError(['toString'])).toMatch(/^error: lpo: unknown command "toString"/);
  });
});
