import { startSimulatorFromArgs } from '../llm/simulator-main.js';

/** Runs until SIGINT/SIGTERM; the simulator prints its URL on stdout once it listens. */
export async function simulateCommand(argv: string[]): Promise<number> {
  await startSimulatorFromArgs(argv);
  return 0;
}
