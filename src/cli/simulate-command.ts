import { FAULT_KINDS } from '../tools/simulator/sim-faults.js';
import { SIMULATE_FLAGS, startSimulatorFromArgs } from './simulator-main.js';
import { parseFlags } from './args.js';

const HELP = `usage: lpo simulate [flags]

Runs the offline OpenAI-compatible simulator on 127.0.0.1 until SIGINT/SIGTERM, and prints its URL
once it listens. Its answers, and every figure computed from them, are simulated.

  --port <n>             port to listen on (default 0: any free port)
  --host <host>          address to listen on (default 127.0.0.1)
  --seed <n>             seed of the simulated model (default 0)
  --latency <ms>         delay before each answer (default 0)
  --config <file>        answer key: every dataset the config's prompts use
  --key <file>           answer key: one dataset (JSONL, JSON or CSV)
  --key-input <field>    with --key: the input field (default input)
  --key-target <field>   with --key: the target field (default target)
  --scenario <name>      the simulated world: default (questions with one answer) or support
                         (free-text replies to support tickets, examples/support)
  --judge-disagreement <0..1>  share of rubric verdicts the judge gets wrong (default 0.15)
  --position-bias <0..1> share of pairwise answers where the one shown first wins (default 0.3)
  --fault-rate <0..1>    share of requests that fail, to test retries and error paths
  --fault-seed <n>       with --fault-rate: seed of which requests fail (default 0)
  --faults <kinds>       with --fault-rate: comma-separated kinds to inject (default all:
${kindLines()})`;

/** The fault kinds, six a line, under the flag's description. */
function kindLines(): string {
  const lines: string[] = [];
  for (let i = 0; i < FAULT_KINDS.length; i += 6) lines.push(FAULT_KINDS.slice(i, i + 6).join(', '));
  return lines.map((line) => `${' '.repeat(25)}${line}`).join(',\n');
}

/** Runs until SIGINT/SIGTERM; the simulator prints its URL on stdout once it listens. */
export async function simulateCommand(argv: string[]): Promise<number> {
  // Checked here because startSimulatorFromArgs always starts a server; a bad flag fails the same either way.
  if (parseFlags('simulate', argv, SIMULATE_FLAGS).values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  await startSimulatorFromArgs(argv);
  return 0;
}
