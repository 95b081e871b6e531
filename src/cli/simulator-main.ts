/**
 * CLI entry for the simulator, for the demo, the benchmark and CI:
 *   lpo simulate --port 8787 --seed 1 --latency 20 \
 *     --key data.jsonl --key-input question --key-target answer
 *   lpo simulate --config .github/lpo.yml --port 8787   # answer key: every dataset the config uses
 * A config's globs and datasets are relative to its repository, wherever the simulator is started:
 * the folder holding its `.github` folder, else the nearest folder above it holding `.git`, else the
 * current folder (src/config/root.ts). A dataset that cannot be read is an error, and the start-up
 * line on stderr says how many answers the key holds (none: every answer is wrong).
 *   lpo simulate --config .github/lpo.yml --fault-rate 0.2 --fault-seed 7 --faults http-503,hang
 *   lpo simulate --config examples/support/.github/lpo.yml --scenario support --position-bias 0.3
 * Runs until SIGTERM/SIGINT. The key is read with the project's dataset loaders (JSONL, JSON, CSV).
 */
import { parseFlags } from './args.js';
import { ConfigError } from '../core/errors.js';
import { FAULT_KINDS, type FaultKind } from '../tools/simulator/sim-faults.js';
import { answerKeyFor, describeKey } from '../tools/simulator/sim-keys.js';
import type { Scenario } from '../tools/simulator/sim-scenario.js';
import { NAMED_SCENARIOS } from '../tools/simulator/sim-support.js';
import { type SimulatorHandle, type SimulatorOptions, startSimulator } from '../tools/simulator/simulator.js';

/** Every flag takes a value; the help text is in src/cli/simulate-command.ts. */
export const SIMULATE_FLAGS = {
  port: { type: 'string' },
  seed: { type: 'string' },
  latency: { type: 'string' },
  key: { type: 'string' },
  'key-input': { type: 'string' },
  'key-target': { type: 'string' },
  host: { type: 'string' },
  config: { type: 'string' },
  'fault-rate': { type: 'string' },
  'fault-seed': { type: 'string' },
  faults: { type: 'string' },
  scenario: { type: 'string' },
  'judge-disagreement': { type: 'string' },
  'position-bias': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
type Flag = `--${Exclude<keyof typeof SIMULATE_FLAGS, 'help'>}`;

function parseArgs(argv: string[]): Map<Flag, string> {
  const { values, positionals, tokens } = parseFlags('simulate', argv, SIMULATE_FLAGS);
  if (positionals[0] !== undefined) {
    throw new ConfigError(
      `simulator: unexpected argument "${positionals[0]}" (it takes flags only; run "lpo simulate --help")`,
    );
  }
  // parseArgs keeps the last of a repeated flag; two answer keys or ports are a mistake, not an override.
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name)) throw new ConfigError(`simulator: --${token.name} given twice; give it once`);
    seen.add(token.name);
  }
  const args = new Map<Flag, string>();
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'string') args.set(`--${name}` as Flag, value);
  }
  return args;
}

function integer(flag: Flag, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text))
    throw new ConfigError(`simulator: ${flag} expects a non-negative integer, got ${text}`);
  return Number(text);
}

function share(flag: Flag, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const rate = Number(text);
  if (text.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1)
    throw new ConfigError(`simulator: ${flag} expects a number from 0 to 1, got ${text}`);
  return rate;
}

function scenario(name: string | undefined): Scenario | undefined {
  if (name === undefined) return undefined;
  const found = Object.hasOwn(NAMED_SCENARIOS, name) ? NAMED_SCENARIOS[name] : undefined;
  if (!found) {
    const known = Object.keys(NAMED_SCENARIOS).join(', ');
    throw new ConfigError(`simulator: --scenario: unknown scenario "${name}"; expected ${known}`);
  }
  return found;
}

function faultKinds(text: string): FaultKind[] {
  const kinds = text.split(',').map((k) => k.trim());
  for (const kind of kinds) {
    if (!(FAULT_KINDS as readonly string[]).includes(kind))
      throw new ConfigError(
        `simulator: --faults: unknown kind "${kind}"; expected ${FAULT_KINDS.join(', ')}`,
      );
  }
  return kinds as FaultKind[];
}

/** Starts the simulator from CLI arguments and closes it on SIGTERM/SIGINT. */
export async function startSimulatorFromArgs(argv: string[]): Promise<SimulatorHandle> {
  const args = parseArgs(argv);
  const options: SimulatorOptions = {
    port: integer('--port', args.get('--port')),
    seed: integer('--seed', args.get('--seed')),
    latencyMs: integer('--latency', args.get('--latency')),
    host: args.get('--host'),
    scenario: scenario(args.get('--scenario')),
    judgeDisagreement: share('--judge-disagreement', args.get('--judge-disagreement')),
    positionBias: share('--position-bias', args.get('--position-bias')),
  };
  const rate = args.get('--fault-rate');
  if (rate !== undefined) {
    const kinds = args.get('--faults');
    options.faults = {
      rate: share('--fault-rate', rate)!,
      seed: integer('--fault-seed', args.get('--fault-seed')) ?? 0,
      ...(kinds !== undefined ? { kinds: faultKinds(kinds) } : {}),
    };
  } else if (args.has('--fault-seed') || args.has('--faults')) {
    throw new ConfigError('simulator: --fault-seed/--faults need --fault-rate <0..1>');
  }
  if (!args.has('--key') && (args.has('--key-input') || args.has('--key-target'))) {
    throw new ConfigError('simulator: --key-input/--key-target need --key <file>');
  }
  const key = await answerKeyFor(
    {
      config: args.get('--config'),
      key: args.get('--key'),
      keyInput: args.get('--key-input'),
      keyTarget: args.get('--key-target'),
    },
    process.cwd(),
  );
  if (key) options.answerKey = key.rows;
  // On stderr: stdout's "listening on" line is what scripts wait for and parse.
  console.error(describeKey(key));
  const handle = await startSimulator(options);
  const stop = () => {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    void handle.close();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const faults = options.faults ? `, faults at rate ${options.faults.rate}` : '';
  const world = args.has('--scenario') ? `, ${args.get('--scenario')} scenario` : '';
  console.log(`simulator listening on ${handle.url} (simulated model${world}${faults})`);
  return {
    ...handle,
    close: () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      return handle.close();
    },
  };
}
