// A JSON import, so ncc inlines the version into the bundle: no package.json lookup at run time.
import pkg from '../../package.json' with { type: 'json' };
import { ConfigError, errorMessage } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
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

Run "lpo <command> --help" for the flags of a command, "lpo --version" for the version.`;

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
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const meant = didYouMean(name, Object.keys(COMMANDS));
    const hint = meant ? `did you mean "lpo ${meant}"?` : 'run "lpo --help" for the commands';
    // A command's flag typed before any command ("lpo --model x") needs to hear where flags go.
    const what = name.startsWith('-') ? `flag ${name} before the command` : `command "${name}"`;
    process.stderr.write(`error: lpo: unknown ${what} (${hint})\n`);
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
