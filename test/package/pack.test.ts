// The npm package as a user gets it: `npm pack` of this tree (dist/ is rebuilt from the current
// sources by the global setup), installed into an empty project outside the repository, then the
// `lpo` bin run from there. The install is --offline with an empty npm cache: a package that
// needed anything besides its own tarball would fail here instead of on a user's machine.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, run, startServer, userEnv } from './process.js';

const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};
let tmp: string;
let tarball: string;
let packed: string[];
let project: string;
let npmEnv: NodeJS.ProcessEnv;

const npm = (args: string[], cwd: string) => run('npm', args, { cwd, env: npmEnv });
const lpoBin = () => path.join(project, 'node_modules', '.bin', 'lpo');

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lpo-pack-'));
  npmEnv = userEnv({
    npm_config_cache: path.join(tmp, 'npm-cache'),
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  });
  await mkdir(path.join(tmp, 'tarball'));
  // --ignore-scripts: the global setup built dist/; a pack script must not rebuild it under other tests.
  const pack = await npm(
    ['pack', '--json', '--ignore-scripts', '--pack-destination', path.join(tmp, 'tarball')],
    ROOT,
  );
  expect(pack.code, pack.stderr).toBe(0);
  const [info] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];
  tarball = path.join(tmp, 'tarball', info.filename);
  packed = info.files.map((f) => f.path);

  project = path.join(tmp, 'project');
  await mkdir(project);
  await writeFile(path.join(project, 'package.json'), '{ "name": "empty-project", "private": true }\n');
  const install = await npm(['install', tarball], project);
  expect(install.code, install.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('ships both bundles with their assets, the meta-prompts and the README, and no sources or tests', () => {
    for (const file of ['dist/index.js', 'dist/cli/index.js', 'dist/cli/lpo-identify.md', 'README.md']) {
      expect(packed).toContain(file);
    }
    expect(packed.filter((f) => f.startsWith('prompts/')).length).toBeGreaterThan(0);
    const unexpected = packed.filter(
      (f) => !/^(dist|prompts)\//.test(f) && !['README.md', 'package.json', 'LICENSE'].includes(f),
    );
    expect(unexpected).toEqual([]);
    expect(packed.filter((f) => /^(test|src|bench|examples|scripts)\//.test(f))).toEqual([]);
  });

  it('installs into an empty project without downloading anything else', async () => {
    const installed = JSON.parse(
      await readFile(path.join(project, 'node_modules', pkg.name, 'package.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(installed.dependencies ?? {}).toEqual({});
    const modules = (await readdir(path.join(project, 'node_modules'))).filter((n) => !n.startsWith('.'));
    expect(modules).toEqual([pkg.name]);
  });
});

describe('the installed lpo bin', () => {
  it('npx lpo --version prints the package version', async () => {
    const res = await run('npx', ['lpo', '--version'], { cwd: project, env: npmEnv });
    expect(res.stderr).toBe('');
    expect(res.stdout.trim()).toBe(pkg.version);
    expect(res.code).toBe(0);
  });

  it.each(['eval', 'optimize', 'review', 'simulate'])('lpo %s --help prints its usage', async (command) => {
    // npx for one, the bin itself for the others: both are how users call it.
    const res =
      command === 'eval'
        ? await run('npx', ['lpo', command, '--help'], { cwd: project, env: npmEnv })
        : await run(lpoBin(), [command, '--help'], { cwd: project });
    expect(res.stderr).toBe('');
    expect(res.stdout).toMatch(new RegExp(`^usage: lpo ${command}\\b`));
    expect(res.code).toBe(0);
  });

  it('lpo eval scores a prompt against lpo simulate, both from the installed package', async () => {
    const data = path.join(tmp, 'data');
    await mkdir(data, { recursive: true });
    const rows = Array.from({ length: 12 }, (_, i) => ({
      question: `What is ${i} + ${i}?`,
      answer: `${2 * i}`,
    }));
    const dataset = path.join(data, 'sums.jsonl');
    await writeFile(dataset, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const prompt = path.join(data, 'prompt.txt');
    await writeFile(prompt, 'Add the numbers step by step and give the final answer as a number.\n');

    const sim = await startServer(
      lpoBin(),
      ['simulate', '--key', dataset, '--key-input', 'question', '--key-target', 'answer', '--port', '0'],
      { cwd: project },
    );
    try {
      const res = await run(
        lpoBin(),
        [
          'eval',
          '--prompt',
          prompt,
          '--dataset',
          dataset,
          '--input',
          'question',
          '--target',
          'answer',
        ].concat(['--scorer', 'numeric', '--base-url', sim.url, '--no-cache']),
        { cwd: project },
      );
      expect(res.stderr).not.toMatch(/error:/i);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toMatch(/^dev\s+\d+\s+\d+\s+0\s/m);
      expect(res.stdout).toMatch(/^test\s+\d+\s+\d+\s+0\s/m);
      expect(res.stdout).toContain('SIMULATED');
    } finally {
      await sim.stop();
    }
  });

  it('npx <package> runs its one bin without installing it, as npx lpo-review does', async () => {
    const res = await run('npx', ['--yes', `file:${tarball}`, '--version'], { cwd: tmp, env: npmEnv });
    expect(res.stdout.trim()).toBe(pkg.version);
    expect(res.code).toBe(0);
  });

  it('npm install -g puts lpo on PATH', async () => {
    const prefix = path.join(tmp, 'global');
    const install = await npm(['install', '-g', '--prefix', prefix, tarball], tmp);
    expect(install.code, install.stderr).toBe(0);
    const res = await run(path.join(prefix, 'bin', 'lpo'), ['--version'], { cwd: tmp });
    expect(res.stdout.trim()).toBe(pkg.version);
    expect(res.code).toBe(0);
  });
});
