// Before any test file: rebuild dist/ when its inputs changed since the last build. The Action's
// end-to-end tests, the package test and the README test run the bundles, as users do; without
// this they would silently test whatever dist/ was last built from. An unchanged tree costs one
// hash of the sources (~0.1 s); the build itself takes ~25 s. The hashing, the stamp and the lock
// that keeps parallel runs from building at once live in scripts/build.mjs, shared with `npm run build`.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export default async function setup(): Promise<void> {
  const started = Date.now();
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(ROOT, 'scripts', 'build.mjs'), '--if-changed'],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
    );
    if (stdout.startsWith('built')) {
      process.stderr.write(`global setup: sources changed, rebuilt dist/ (${Date.now() - started} ms)\n`);
    }
  } catch (error) {
    const { stderr = '', stdout = '' } = error as { stderr?: string; stdout?: string };
    // A syntax error in src/ lands here: ncc's message names the file and line.
    throw new Error(`global setup: building dist/ failed\n${stdout}${stderr}`);
  }
}
