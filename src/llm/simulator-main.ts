/**
 * CLI entry for the simulator, for the demo, the benchmark and CI:
 *   lpo simulate --port 8787 --seed 1 --latency 20 \
 *     --key data.jsonl --key-input question --key-target answer
 *   lpo simulate --config .github/lpo.yml --port 8787   # answer key: every dataset the config uses
 *   lpo simulate --config .github/lpo.yml --fault-rate 0.2 --fault-seed 7 --faults http-503,hang
 * Runs until SIGTERM/SIGINT. The key is read with the project's dataset loaders (JSONL, JSON, CSV).
 */
import { ConfigError } from '../errors.js';
import { FAULT_KINDS, type FaultKind } from './sim-faults.js';
import { keyFromConfig, keyFromDataset } from './sim-keys.js';
import { type SimulatorHandle, type SimulatorOptions, startSimulator } from './simulator.js';

const FLAGS = [
  '--port',
  '--seed',
  '--latency',
  '--key',
  '--key-input',
  '--key-target',
  '--host',
  '--config',
  '--fault-rate',
  '--fault-seed',
  '--faults',
] as const;
type Flag = (typeof FLAGS)[number];

function parseArgs(argv: string[]): Map<Flag, string> {
  const values = new Map<Flag, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] as Flag;
    const value = argv[i + 1];
    if (!FLAGS.includes(flag))
      throw new ConfigError(`simulator: unknown argument ${argv[i]}; expected one of ${FLAGS.join(', ')}`);
    if (value === undefined || value.startsWith('--'))
      throw new ConfigError(`simulator: ${flag} expects a value`);
    if (values.has(flag)) throw new ConfigError(`simulator: ${flag} given twice; give it once`);
    values.set(flag, value);
  }
  return values;
}

function integer(flag: Flag, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text))
    throw new ConfigError(`simulator: ${flag} expects a non-negative integer, got ${text}`);
  return Number(text);
}

function faultRate(text: string): number {
  const rate = Number(text);
  if (text.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1)
    throw new ConfigError(`simulator: --fault-rate expects a number from 0 to 1, got ${text}`);
  return rate;
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
  };
  const rate = args.get('--fault-rate');
  if (rate !== undefined) {
    const kinds = args.get('--faults');
    options.faults = {
      rate: faultRate(rate),
      seed: integer('--fault-seed', args.get('--fault-seed')) ?? 0,
      ...(kinds !== undefined ? { kinds: faultKinds(kinds) } : {}),
    };
  } else if (args.has('--fault-seed') || args.has('--faults')) {
    throw new ConfigError('simulator: --fault-seed/--faults need --fault-rate <0..1>');
  }
  const keyFile = args.get('--key');
  const configFile = args.get('--config');
  if (configFile !== undefined) {
    options.answerKey = await keyFromConfig(configFile, process.cwd());
  }
  if (keyFile !== undefined) {
    const rows = await keyFromDataset(
      keyFile,
      args.get('--key-input') ?? 'input',
      args.get('--key-target') ?? 'target',
    );
    options.answerKey = [...(options.answerKey ?? []), ...rows];
  } else if (args.has('--key-input') || args.has('--key-target')) {
    throw new ConfigError('simulator: --key-input/--key-target need --key <file>');
  }
  const handle = await startSimulator(options);
  const stop = () => {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    void handle.close();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const faults = options.faults ? `, faults at rate ${options.faults.rate}` : '';
  console.log(`simulator listening on ${handle.url} (simulated model${faults})`);
  return {
    ...handle,
    close: () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      return handle.close();
    },
  };
}
