// `npm run render [-- --out <dir>] [--comment <file.md>] [--summary <file.md>]`: the PR comment and the
// job summary photographed in headless Chromium the way GitHub shows them, and checked (see
// src/tools/render/render.ts, run through tsx). dist/ is rebuilt first when src/ changed: the fixture
// review runs the built CLI and the Action's bundle, as users do.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const node = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status ?? 1;
const built = node(['scripts/build.mjs', '--if-changed']);
process.exitCode =
  built === 0 ? node(['--import', 'tsx', 'src/tools/render/render.ts', ...process.argv.slice(2)]) : built;
