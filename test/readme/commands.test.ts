// The README is executable: every command of its ```sh blocks runs here as a reader would paste it,
// in a shell, from a folder outside the project. `lpo`/`npx lpo` is the built bundle
// (dist/cli/index.js, rebuilt by the global setup), the working directory a git copy of examples/
// with a base commit on main and a pull-request branch checked out, as scripts/demo.mjs makes it.
// The endpoint is the simulator started by the README's own `lpo simulate` command; the only edits
// to a command are its port (0, so parallel runs cannot collide) and any --base-url (that simulator).
// A command that is not the CLI must be run below or listed in NOT_RUN with the reason.
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TempRepo } from '../helpers/git-repo.js';
import { ROOT, run, type Server, startServer, userEnv } from '../package/process.js';
import { isLpoCommand, type ShCommand, shCommands, steps } from './sh-commands.js';

const commands = shCommands(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
const lpo = commands.filter((c) => isLpoCommand(c.text));
const simulate = lpo.filter((c) => /\blpo(-review)?\s+simulate\b/.test(c.text));
const others = commands.filter((c) => !isLpoCommand(c.text));
const SHARED_DATA = path.resolve(ROOT, '..', 'shared', 'data');

/** Steps of non-CLI commands this file does not run, with why. */
const NOT_RUN: Record<string, string> = {
  'npm ci': 'reinstalls node_modules under the other test files of this run; the suite runs after it anyway',
  'npm test': 'the whole suite, this file included',
  'npm run typecheck': 'checks the sources, not the product; .ci/run runs it',
  'npm run lint': 'checks the sources, not the product; .ci/run runs it',
  'npm run build': 'the global setup (test/global-setup.ts) ran it before this file when the sources changed',
  'bash .ci/run': 'runs npm ci and the whole suite, this file included',
  'npm run fixtures:github':
    'rewrites committed fixtures, and downloads @octokit/openapi when .cache/openapi is empty',
  'npm install -g lpo-review':
    'installs from the npm registry; test/package/pack.test.ts installs the packed tarball the same way',
};
/** Steps of non-CLI commands this file runs, in the project (they are the project's npm scripts). */
const RUN_HERE = [/^npm run demo$/, /^npm run repro -- /];

let tmp: string;
let env: NodeJS.ProcessEnv;
let sim: Server | undefined;
const repos: TempRepo[] = [];

/** The reader's repository: examples/ on main, and a branch whose prompt edit regresses it. */
function prRepo(): TempRepo {
  const repo = new TempRepo();
  repos.push(repo);
  repo.git('switch', '-q', '-c', 'shorter-prompt');
  repo.edit('prompts/math.txt', 'Work through it step by step', 'Guess the answer quickly');
  repo.commit('Shorter math prompt');
  return repo;
}

const forTest = (text: string, url: string) =>
  text.replace(/--port\s+\d+/g, '--port 0').replace(/--base-url\s+\S+/g, `--base-url ${url}`);

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lpo-readme-'));
  const bin = path.join(tmp, 'bin');
  await mkdir(bin);
  const cli = path.join(ROOT, 'dist', 'cli', 'index.js');
  await writeFile(path.join(bin, 'lpo'), `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`);
  // `npx lpo` in a project with the package installed runs its bin, without the registry.
  await writeFile(
    path.join(bin, 'npx'),
    `#!/bin/sh\ncase "$1" in lpo|lpo-review) shift; exec "${bin}/lpo" "$@";; esac\n` +
      `echo "README test: npx $1 is not the CLI" >&2; exit 127\n`,
  );
  await chmod(path.join(bin, 'lpo'), 0o755);
  await chmod(path.join(bin, 'npx'), 0o755);
  env = userEnv({ PATH: `${bin}${path.delimiter}${userEnv().PATH}` });
  if (simulate[0]) {
    sim = await startServer('sh', ['-c', `exec ${forTest(simulate[0].text, '')}`], {
      cwd: prRepo().dir,
      env,
    });
    env.OPENAI_BASE_URL = sim.url;
  }
});

afterAll(async () => {
  await sim?.stop();
  for (const repo of repos) repo.remove();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const title = (c: ShCommand) => `README.md:${c.line}: ${c.text.replace(/\s*\\\n\s*/g, ' ')}`;

describe('the README commands', () => {
  it('include the CLI and its simulator; every other command is run here or listed with a reason', () => {
    expect(lpo.length).toBeGreaterThan(0);
    expect(simulate.length).toBeGreaterThan(0);
    const unaccounted = others
      .flatMap((c) => steps(c.text))
      .filter((step) => !(step in NOT_RUN) && !RUN_HERE.some((re) => re.test(step)));
    expect(unaccounted).toEqual([]);
  });

  for (const c of simulate) {
    it(`${title(c)} (listens)`, async () => {
      const server = await startServer('sh', ['-c', `exec ${forTest(c.text, '')}`], {
        cwd: prRepo().dir,
        env,
      });
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      await server.stop();
    });
  }

  for (const c of lpo.filter((c) => !simulate.includes(c))) {
    it(title(c), async () => {
      const repo = prRepo();
      const res = await run('sh', ['-c', forTest(c.text, sim!.url)], { cwd: repo.dir, env });
      // The README says which commands exit 1: the fixture's branch is a regression.
      const expected = /exits 1/.test(c.comment) ? 1 : 0;
      expect(res.stderr).not.toMatch(/error:/i);
      expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(expected);
      for (const [, file] of c.text.matchAll(/--(?:json|out|suggestions-out)\s+(\S+)/g)) {
        if (file !== '-') expect(existsSync(path.join(repo.dir, file!)), `${file} written`).toBe(true);
      }
    });
  }
});

describe('the project commands the README shows', () => {
  const projectSteps = others.flatMap((c) => steps(c.text));

  for (const step of projectSteps.filter((s) => /^npm run demo$/.test(s))) {
    it(`${step} keeps the folder whose files it names`, async () => {
      const res = await run('npm', ['run', 'demo'], { cwd: ROOT });
      const kept = /kept at (\S+?);/.exec(res.stdout)?.[1];
      try {
        expect(res.code, res.stderr).toBe(0);
        expect(res.stdout).toContain('SIMULATED');
        expect(kept, 'the demo says where its repository is').toBeDefined();
        for (const [, file] of res.stdout.matchAll(/^wrote (\S+)/gm)) {
          expect(existsSync(file!), `${file}, printed by the demo, exists after it`).toBe(true);
        }
        expect(existsSync(path.join(kept!, 'review.md'))).toBe(true);
      } finally {
        // Only what the demo made: a folder of its own under the temp directory.
        if (kept && path.dirname(kept) === os.tmpdir() && path.basename(kept).startsWith('lpo-demo-')) {
          await rm(kept, { recursive: true, force: true });
        }
      }
    });
  }

  // ../shared/data holds the paper's datasets beside some checkouts only; --n 5 keeps it to seconds.
  for (const step of projectSteps.filter((s) => /^npm run repro -- /.test(s))) {
    it.skipIf(!existsSync(SHARED_DATA))(`${step} (with --n 5; needs ../shared/data)`, async () => {
      const args = step
        .replace(/^npm run repro -- /, '')
        .replace(/--n\s+\d+/, '')
        .split(' ')
        .filter(Boolean);
      const res = await run('npm', ['run', 'repro', '--', ...args, '--n', '5'], { cwd: ROOT });
      expect(res.stderr).not.toMatch(/error:/i);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain('SIMULATED');
    });
  }
});
