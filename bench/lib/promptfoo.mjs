// promptfoo, the tool users would otherwise pick, on the same job: installed on demand into
// <repo>/.cache/promptfoo (never a project dependency), pointed at the same simulator with the same
// prompt, rows, concurrency and an assertion equivalent to lpo's numeric scorer.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { API_KEY, finalAnswer, MODEL, PROMPT, TEMPLATE } from './data.mjs';
import { REPO_ROOT, tail, timeNode } from './proc.mjs';

// The newest release that runs on Node 20.
export const PROMPTFOO_VERSION = '0.120.0';
const PREFIX = path.join(REPO_ROOT, '.cache/promptfoo');
const PACKAGE_DIR = path.join(PREFIX, 'node_modules/promptfoo');
const BIN = path.join(PACKAGE_DIR, 'dist/src/main.js');
// Exit code of `promptfoo eval` when the run completed but some assertions failed.
const ASSERTIONS_FAILED = 100;

function installedVersion() {
  try {
    return JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

/** Installs promptfoo if needed; resolves to null on success, else the reason it is unavailable. */
export async function ensurePromptfoo(log) {
  if (installedVersion() !== PROMPTFOO_VERSION || !existsSync(BIN)) {
    log(
      `installing promptfoo@${PROMPTFOO_VERSION} into ${path.relative(REPO_ROOT, PREFIX)} (first run only)…`,
    );
    await mkdir(PREFIX, { recursive: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const args = ['install', '--prefix', PREFIX, '--no-audit', '--no-fund', '--loglevel=error'];
    const child = spawn(npm, [...args, `promptfoo@${PROMPTFOO_VERSION}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
    });
    const [code] = await Promise.race([once(child, 'exit'), once(child, 'error').then(([e]) => [e.message])]);
    if (code !== 0) return `npm install exited ${code}: ${tail(stderr.trim(), 300)}`;
    if (installedVersion() !== PROMPTFOO_VERSION || !existsSync(BIN)) return 'npm install left no promptfoo';
  }
  // 0.120.0 looks for its migrations in <package>/drizzle but ships them in dist/drizzle.
  const drizzle = path.join(PACKAGE_DIR, 'drizzle');
  if (!existsSync(drizzle)) {
    try {
      symlinkSync(path.join('dist', 'drizzle'), drizzle, 'dir');
    } catch (error) {
      return `cannot link ${drizzle} to dist/drizzle: ${error.message}`;
    }
  }
  return null;
}

// Equivalent of lpo's numeric scorer for the simulator's "… The answer is <n>." answers.
const ASSERTION = [
  'const m = /answer is\\s*\\$?\\s*(-?[\\d,]*\\.?\\d+)/i.exec(output);',
  "const n = (s) => Number(String(s).replaceAll(',', ''));",
  'return m !== null && n(m[1]) === n(context.vars.final);',
].join('\n');

/** Writes promptfooconfig.yaml (as JSON, which is YAML) for `rows` and returns its path. */
export async function writePromptfooConfig(dir, rows, url) {
  const config = {
    description: 'lpo benchmark: the same job as lpo eval',
    prompts: [TEMPLATE.replace('{{prompt}}', () => PROMPT)],
    providers: [{ id: `openai:chat:${MODEL}`, config: { apiBaseUrl: url, apiKey: API_KEY, temperature: 0 } }],
    defaultTest: { assert: [{ type: 'javascript', value: ASSERTION }] },
    tests: rows.map((row) => ({ vars: { question: row.question, final: finalAnswer(row.answer) } })),
  };
  const file = path.join(dir, 'promptfooconfig.yaml');
  await writeFile(file, JSON.stringify(config));
  return file;
}

/**
 * One timed `promptfoo eval`, run as `node <bin>` (no npx in front, which would only add to its time).
 * Its results database goes to a private config dir that persists across runs, as a user's would.
 */
export async function runPromptfoo({ dir, configFile, homeDir, concurrency }) {
  const env = {
    ...process.env,
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_CONFIG_DIR: homeDir,
    NO_COLOR: '1',
  };
  for (const name of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_API_BASE_URL', 'OPENAI_API_HOST']) {
    delete env[name];
  }
  const args = [BIN, 'eval', '-c', configFile, '-j', String(concurrency), '--no-cache'];
  args.push('--no-table', '--no-progress-bar', '--no-share');
  const run = await timeNode(args, { cwd: dir, env });
  if (run.code !== 0 && run.code !== ASSERTIONS_FAILED) {
    throw new Error(`promptfoo eval exited ${run.code ?? run.signal}: ${tail(run.stderr || run.stdout)}`);
  }
  const passed = passedCount(`${run.stdout}\n${run.stderr}`);
  return { ms: run.ms, cpuMs: run.cpuMs, maxRssKiB: run.maxRssKiB, passed };
}

/** The pass count from promptfoo's summary, or null when its wording is not recognised. */
function passedCount(output) {
  const match = /(?:Successes|Passed):\s*([\d,]+)/i.exec(output);
  return match ? Number(match[1].replaceAll(',', '')) : null;
}
