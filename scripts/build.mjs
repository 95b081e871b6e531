// Bundles the Action (dist/index.js) and the CLI (dist/cli/index.js) with ncc. Both are committed,
// so the Action runs from a checkout without node_modules and `npx lpo` works right after `npm ci`.
// The meta-prompts under prompts/ are copied next to each bundle by ncc's asset relocation.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
// Each bundle is built into its own folder (ncc empties its output folder first), side by side, then
// the CLI's is moved under dist/.
const staging = path.join(root, '.cache', 'build-cli');
const targets = [
  { entry: 'src/action/index.ts', out: path.join(root, 'dist') },
  { entry: 'src/cli/index.ts', out: staging },
];

rmSync(path.join(root, 'dist'), { recursive: true, force: true });
rmSync(staging, { recursive: true, force: true });
await Promise.all(
  targets.map(async ({ entry, out }) => {
    // Transpile only: type errors are `npm run typecheck`'s job. The bundles stay ESM because
    // tsconfig emits ES modules ("module": "ESNext"), which ncc's CLI keeps for "type": "module".
    const args = [ncc, 'build', entry, '-o', out, '--license', 'licenses.txt', '--quiet', '--transpile-only'];
    await promisify(execFile)(process.execPath, args, { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    chmodSync(path.join(out, 'index.js'), 0o755);
  }),
);
renameSync(staging, path.join(root, 'dist', 'cli'));
console.log('built dist/index.js and dist/cli/index.js');
