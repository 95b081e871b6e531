// Bundles the Action (dist/index.js) and the CLI (dist/cli/index.js) with ncc. Both are committed,
// so the Action runs from a checkout without node_modules and `npx lpo` works right after `npm ci`.
// The meta-prompts under prompts/ are copied next to each bundle by ncc's asset relocation.
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
const targets = [
  { entry: 'src/action/index.ts', out: 'dist' },
  { entry: 'src/cli/index.ts', out: 'dist/cli' },
];

rmSync(path.join(root, 'dist'), { recursive: true, force: true });
for (const { entry, out } of targets) {
  // The CLI (unlike the programmatic API) picks ESM output from package.json's "type": "module".
  execFileSync(process.execPath, [ncc, 'build', entry, '-o', out, '--license', 'licenses.txt', '--quiet'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  chmodSync(path.join(root, out, 'index.js'), 0o755);
  console.log(`built ${out}/index.js`);
}
