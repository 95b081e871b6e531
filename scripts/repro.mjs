// `npm run repro -- --dataset gsm8k|multiarith|bbh:<task> [--method ape|apo|pe2] [--mode local|global] [--search beam|pareto]
// [--n <test N>] [--base-url <url>]`: runs src/tools/repro/repro.ts through tsx (the source, not the bundle).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', 'src/tools/repro/repro.ts', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exitCode = result.status ?? 1;
