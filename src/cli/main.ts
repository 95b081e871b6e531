import { ConfigError, errorMessage } from '../errors.js';
import { evalCommand } from './eval-command.js';
import { optimizeCommand } from './optimize-command.js';
import { reviewCommand } from './review-command.js';
import { simulateCommand } from './simulate-command.js';

const USAGE = `usage: lpo <command> [flags]

commands:
  eval       score prompt(s) on their dataset (from .github/lpo.yml, or --prompt/--dataset flags)
  optimize   improve a prompt with Local Prompt Optimization (APE, APO or PE2; local or global edits)
  review     compare the base and head prompts of a local git change and write the review comment
  simulate   run the offline OpenAI-compatible simulator (for demos and tests; its figures are simulated)

Run "lpo <command> --help" for the flags of a command.`;

type Command = (argv: string[]) => Promise<number>;
const COMMANDS: Record<string, Command> = {
  eval: evalCommand,
  optimize: optimizeCommand,
  review: reviewCommand,
  simulate: simulateCommand,
};

/** The CLI's one catch: user mistakes print one line, anything else is a bug and keeps its stack. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`lpo: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  try {
    return await command(rest);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(
      `lpo ${name} failed (this is a bug): ${error instanceof Error ? error.stack : errorMessage(error)}\n`,
    );
    return 1;
  }
}
