// npm run demo: the whole pipeline on a fresh machine, with no API key and no network.
// 1. copies examples/ into a throwaway git repository: a base commit, then a head commit that edits
//    a prompt the way a pull request would;
// 2. starts the offline simulator (an OpenAI-compatible server on 127.0.0.1; its figures are simulated);
// 3. runs `lpo eval` (the per-split table) and `lpo review` (the pull-request comment) against it.
// The repository is kept, and its path printed last: the commands print paths inside it (review.md,
// report.json), and a path that is gone by the time it is read is worse than a leftover temp folder.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cli = path.join(root, 'dist', 'cli', 'index.js');
const repo = mkdtempSync(path.join(os.tmpdir(), 'lpo-demo-'));
const git = (...args) =>
  execFileSync('git', args, { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] })
    .toString()
    .trim();
const heading = (text) => process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);

let simulator;
try {
  cpSync(path.join(root, 'examples'), repo, { recursive: true });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.name=demo', '-c', 'user.email=demo@example.com', 'add', '-A');
  git('-c', 'user.name=demo', '-c', 'user.email=demo@example.com', 'commit', '-q', '-m', 'base');
  const promptFile = path.join(repo, 'prompts', 'math.txt');
  const before = readFileSync(promptFile, 'utf8');
  const after = before.replace('Work through it step by step', 'Guess the answer quickly');
  writeFileSync(promptFile, after);
  git(
    '-c',
    'user.name=demo',
    '-c',
    'user.email=demo@example.com',
    'commit',
    '-q',
    '-am',
    'Shorter math prompt',
  );
  heading('the pull request changes prompts/math.txt');
  process.stdout.write(`- ${before}+ ${after}`);

  simulator = spawn(
    process.execPath,
    [cli, 'simulate', '--config', '.github/lpo.yml', '--port', '0', '--latency', '5'],
    {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise((resolve, reject) => {
    let out = '';
    simulator.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    simulator.on('exit', (code) => reject(new Error(`the simulator exited with code ${code}`)));
  });
  const endpoint = ['--base-url', url, '--task-model', 'demo-model', '--no-cache'];

  heading('lpo eval (the head commit: every prompt .github/lpo.yml covers)');
  execFileSync(process.execPath, [cli, 'eval', ...endpoint], { cwd: repo, stdio: 'inherit' });

  heading('lpo review --base main~1 --head main (the comment the Action posts)');
  const out = path.join(repo, 'review.md');
  try {
    execFileSync(
      process.execPath,
      [
        cli,
        'review',
        '--repo',
        repo,
        '--base',
        'main~1',
        '--head',
        'main',
        '--out',
        out,
        '--json',
        path.join(repo, 'report.json'),
        ...endpoint,
      ],
      {
        cwd: repo,
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
  } catch (error) {
    // Exit code 1 means "regression found": that is the demo's point, not a failure of the demo.
    if (error.status !== 1) throw error;
  }
  process.stdout.write(`\n${readFileSync(out, 'utf8')}`);
} finally {
  simulator?.kill('SIGTERM');
  process.stdout.write(`\nThe demo repository is kept at ${repo}; remove it with: rm -rf ${repo}\n`);
}
