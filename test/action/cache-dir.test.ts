// The Action's response cache must live outside the workspace, which the pull request controls
// (symlinks included), judged both as written and after resolving symlinks.
import { mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actionCacheDir, realPathOf } from '../../src/action/cache-dir.js';
import { readSettings } from '../../src/action/inputs.js';
import { ConfigError } from '../../src/core/errors.js';

let root: string;
let workspace: string;
let temp: string;
beforeEach(async () => {
  root = await realpath(await mkdtemp(path.join(tmpdir(), 'lpo-cache-dir-')));
  workspace = path.join(root, 'work', 'repo');
  temp = path.join(root, 'work', '_temp');
  await mkdir(workspace, { recursive: true });
  await mkdir(temp);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function refusal(raw: string, runnerTemp: string | undefined = temp): ConfigError {
  try {
    actionCacheDir(raw, workspace, runnerTemp);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`cache-dir ${JSON.stringify(raw)} was accepted`);
}

describe('actionCacheDir', () => {
  it('defaults to lpo-cache under RUNNER_TEMP, or the system temp folder without one', () => {
    expect(actionCacheDir('', workspace, temp)).toBe(path.join(temp, 'lpo-cache'));
    expect(actionCacheDir('  ', workspace, undefined)).toBe(path.join(tmpdir(), 'lpo-cache'));
  });

  it('accepts a folder outside the workspace, absolute or relative to it', () => {
    const shared = path.join(root, 'shared-cache');
    expect(actionCacheDir(shared, workspace, temp)).toBe(shared);
    expect(actionCacheDir('../shared-cache', workspace, temp)).toBe(path.join(root, 'work', 'shared-cache'));
  });

  it('refuses a folder inside the workspace, or the workspace itself, with one line naming the input', () => {
    for (const raw of ['.lpo-cache', path.join(workspace, 'deep', 'cache'), '.', workspace]) {
      const error = refusal(raw);
      expect(error.message).toMatch(/^input cache-dir: .* overlaps the workspace /);
      expect(error.message).toContain('$RUNNER_TEMP/lpo-cache');
      expect(error.message).not.toContain('\n');
    }
  });

  it('refuses a folder that contains the workspace', () => {
    expect(refusal(path.join(root, 'work')).message).toMatch(/^input cache-dir: /);
    expect(refusal('..').message).toMatch(/overlaps the workspace/);
  });

  it('refuses an outside path that reaches into the workspace through a symlinked parent', async () => {
    const link = path.join(root, 'looks-outside');
    await symlink(workspace, link);
    expect(realPathOf(path.join(link, 'not-yet', 'cache'))).toBe(path.join(workspace, 'not-yet', 'cache'));
    expect(refusal(path.join(link, 'not-yet', 'cache')).message).toMatch(/overlaps the workspace/);
  });

  it('refuses a name inside the workspace even when it is a symlink to a folder outside', async () => {
    const outside = path.join(root, 'outside');
    await mkdir(outside);
    await symlink(outside, path.join(workspace, '.lpo-cache'));
    expect(refusal('.lpo-cache').message).toContain(`(${outside})`);
  });

  it('refuses the default when RUNNER_TEMP lies inside the workspace', () => {
    const error = refusal('', path.join(workspace, 'tmp'));
    expect(error.message).toMatch(/^input cache-dir: the default folder .* \(under RUNNER_TEMP\) overlaps/);
  });
});

describe('readSettings cache-dir', () => {
  const env = () => ({ GITHUB_WORKSPACE: workspace, RUNNER_TEMP: temp, OPENAI_API_KEY: 'sk-x' });
  const inputs = (values: Record<string, string>) => (name: string) => values[name] ?? '';

  it('puts the cache under RUNNER_TEMP by default', () => {
    const settings = readSettings(inputs({}), env());
    expect(settings.run.endpoint.cacheDir).toBe(path.join(temp, 'lpo-cache'));
  });

  it('fails on a cache-dir inside the workspace before anything runs', () => {
    expect(() => readSettings(inputs({ 'cache-dir': '.lpo-cache' }), env())).toThrow(
      /^input cache-dir: \.lpo-cache .* overlaps the workspace/,
    );
  });
});
