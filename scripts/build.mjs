// Bundles the Action (dist/index.js) and the CLI (dist/cli/index.js) with ncc. Both are committed,
// so the Action runs from a checkout without node_modules and `npx lpo` works right after `npm ci`.
// The meta-prompts under prompts/ are copied next to each bundle by ncc's asset relocation.
//
// `node scripts/build.mjs --if-changed` (the test suite's global setup) builds only when the inputs
// differ from those of the last build, recorded in .cache/build-stamp with a hash of what it wrote.
// Tests run dist/ as users do, so a stale dist/ would test yesterday's code.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
const cache = path.join(root, '.cache');
const dist = path.join(root, 'dist');
const stampFile = path.join(cache, 'build-stamp');
const lockDir = path.join(cache, 'build.lock');
// What the bundles are made of. package.json because the CLI inlines its version; node_modules'
// hidden lockfile because ncc bundles what is installed, which `npm install` can change alone.
const INPUTS = [
  'src',
  'prompts',
  'scripts/build.mjs',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'node_modules/.package-lock.json',
];

/** sha256 over the relative path and bytes of every file under `entries`, in a stable order. */
function treeHash(base, entries) {
  const hash = createHash('sha256');
  const visit = (rel) => {
    const abs = path.join(base, rel);
    if (!existsSync(abs)) return hash.update(`missing ${rel}\0`);
    if (statSync(abs).isDirectory()) {
      for (const name of readdirSync(abs).sort()) visit(path.join(rel, name));
      return;
    }
    hash.update(`file ${rel}\0`).update(readFileSync(abs)).update('\0');
  };
  for (const entry of entries) visit(entry);
  return hash.digest('hex');
}

const distHash = () => (existsSync(dist) ? treeHash(dist, ['.']) : 'none');
const readStamp = () => {
  try {
    return JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    return undefined;
  }
};

/**
 * One build at a time across processes (parallel test runs share this tree): a mkdir lock holding
 * the owner's pid, taken over when that process is gone (a build killed with Ctrl-C).
 */
async function withLock(fn) {
  mkdirSync(cache, { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      if (lockIsStale()) rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`${lockDir} is still held; remove it if no build runs`);
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function lockIsStale() {
  try {
    process.kill(Number(readFileSync(path.join(lockDir, 'pid'), 'utf8')), 0);
    return false;
  } catch (error) {
    if (error.code === 'ESRCH') return true;
    // No pid file yet: its owner is between mkdir and write, unless it died there long ago.
    if (error.code === 'ENOENT')
      return Date.now() - (statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? 0) > 60_000;
    return false;
  }
}

async function build() {
  // Built aside and swapped in with two renames, so a test reading dist/ meanwhile sees the old
  // bundles or the new ones, never a half-written folder.
  for (const name of readdirSync(cache)) {
    if (name.startsWith('dist-')) rmSync(path.join(cache, name), { recursive: true, force: true });
  }
  const staging = path.join(cache, `dist-staging-${process.pid}`);
  const targets = [
    { entry: 'src/action/index.ts', out: path.join(staging, 'action') },
    { entry: 'src/cli/index.ts', out: path.join(staging, 'cli') },
  ];
  await Promise.all(
    targets.map(async ({ entry, out }) => {
      // Transpile only: type errors are `npm run typecheck`'s job. The bundles stay ESM because
      // tsconfig emits ES modules ("module": "ESNext"), which ncc's CLI keeps for "type": "module".
      const args = [
        ncc,
        'build',
        entry,
        '-o',
        out,
        '--license',
        'licenses.txt',
        '--quiet',
        '--transpile-only',
      ];
      await promisify(execFile)(process.execPath, args, { cwd: root, maxBuffer: 64 * 1024 * 1024 });
      chmodSync(path.join(out, 'index.js'), 0o755);
    }),
  );
  renameSync(path.join(staging, 'cli'), path.join(staging, 'action', 'cli'));
  const old = path.join(cache, `dist-old-${process.pid}`);
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(path.join(staging, 'action'), dist);
  rmSync(old, { recursive: true, force: true });
  rmSync(staging, { recursive: true, force: true });
}

const ifChanged = process.argv.includes('--if-changed');
await withLock(async () => {
  // Hashed before building: a file edited during the build makes the next check rebuild.
  const inputs = treeHash(root, INPUTS);
  const stamp = readStamp();
  if (ifChanged && stamp?.inputs === inputs && stamp.dist === distHash()) {
    console.log('dist/ is up to date with its sources');
    return;
  }
  await build();
  writeFileSync(stampFile, `${JSON.stringify({ inputs, dist: distHash() })}\n`);
  console.log('built dist/index.js and dist/cli/index.js');
});
