import { ConfigError } from '../../src/core/errors.js';
import { describe, expect, it } from 'vitest';
import { GitHubApiError } from '../../src/github/errors.js';
import { getFileAt, LIST_FILES_CAP, listChangedFiles } from '../../src/github/pr.js';
import type { FakePullFile } from './fake-github.js';
import { BASE, expectNoViolations, failure, HEAD, PR, startHarness } from './helpers/setup.js';

function files(n: number): FakePullFile[] {
  return Array.from({ length: n }, (_, i) => ({
    filename: `prompts/p${String(i).padStart(4, '0')}.md`,
    status: i === 0 ? ('renamed' as const) : ('modified' as const),
    additions: 1,
    deletions: 0,
    changes: 1,
    sha: 'd'.repeat(40),
    ...(i === 0 ? { previous_filename: 'prompts/old.md' } : {}),
    // GitHub leaves `patch` out for binary and huge diffs.
    ...(i % 2 === 0 ? { patch: `@@ -1 +1,2 @@\n x\n+line ${i}` } : {}),
  }));
}

describe('listChangedFiles', () => {
  it('pages through 250 files, 100 at a time, keeping renames and patches', async () => {
    const { fake, client, repo, logger } = await startHarness({
      pulls: [{ number: PR, headSha: HEAD, baseSha: BASE, files: files(250) }],
    });
    const result = await listChangedFiles(client(), { ...repo, pull_number: PR }, logger);

    expect(result.truncated).toBe(false);
    expect(result.changedFiles).toBe(250);
    expect(result.files).toHaveLength(250);
    expect(result.files[0]).toEqual({
      filename: 'prompts/p0000.md',
      status: 'renamed',
      previous_filename: 'prompts/old.md',
      patch: '@@ -1 +1,2 @@\n x\n+line 0',
    });
    expect(result.files[1]).toEqual({ filename: 'prompts/p0001.md', status: 'modified' });
    expect(result.files.at(-1)?.filename).toBe('prompts/p0249.md');
    const pages = fake.requests.filter((r) => r.path.includes('/files')).map((r) => r.path.split('?')[1]);
    expect(pages).toEqual(['per_page=100', 'per_page=100&page=2', 'per_page=100&page=3']);
    expect(logger.warnings).toEqual([]);
    expectNoViolations(fake);
  });

  it(`warns and reports truncation when GitHub stops listing at ${LIST_FILES_CAP} files`, async () => {
    const { fake, client, repo, logger } = await startHarness({
      pulls: [{ number: PR, headSha: HEAD, baseSha: BASE, files: files(LIST_FILES_CAP + 5) }],
    });
    const octokit = client();
    // The fake lists every file; GitHub serves nothing past file 3,000 (page 30 at 100 a page).
    // Cut the listing there the way GitHub does, while pulls.get still counts all of them.
    octokit.hook.after('request', (response, options) => {
      const page = Number(new URL(options.url, fake.url).searchParams.get('page') ?? '1');
      if (/\/files\b/.test(options.url) && page > LIST_FILES_CAP / 100) {
        response.data = [];
        delete response.headers.link;
      }
    });

    const result = await listChangedFiles(octokit, { ...repo, pull_number: PR }, logger);

    expect(result).toMatchObject({ truncated: true, changedFiles: 3005 });
    expect(result.files).toHaveLength(LIST_FILES_CAP);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toMatch(/changes 3005 files but GitHub listed only 3000 .*3,000.*git/);
    expectNoViolations(fake);
  });

  it('names the repository problem on a 404 for an unknown PR', async () => {
    const { fake, client, repo, logger } = await startHarness();
    const error = await failure(listChangedFiles(client(), { ...repo, pull_number: 99 }, logger));
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error.message).toMatch(/404 when trying to read the pull request: .*does not exist, or the token/);
    // The fake flags the unknown PR; that is the point of this test.
    expect(fake.violations).toEqual([expect.stringContaining('no pull request #99')]);
  });
});

describe('getFileAt', () => {
  const big = `${'x'.repeat(99)}\n`.repeat(11_000);
  const text = 'Answer with a number only.\nÄ→ unicode survives base64\n'.repeat(40);

  it('decodes base64 content, returns null for a missing file, and reads >1 MB files raw', async () => {
    const { fake, client, repo } = await startHarness({
      contents: { [HEAD]: { 'prompts/math.prompt.md': text, 'data/big.jsonl': big } },
    });
    const octokit = client();
    expect(await getFileAt(octokit, { ...repo, path: 'prompts/math.prompt.md', ref: HEAD })).toBe(text);
    expect(await getFileAt(octokit, { ...repo, path: 'prompts/gone.md', ref: HEAD })).toBeNull();
    expect(await getFileAt(octokit, { ...repo, path: 'data/big.jsonl', ref: HEAD })).toBe(big);
    expectNoViolations(fake);
  });

  it('refuses a directory instead of returning its listing as text', async () => {
    const { fake, client, repo } = await startHarness({ contents: { [HEAD]: { 'prompts/a.md': 'a' } } });
    const error = await failure(getFileAt(client(), { ...repo, path: 'prompts', ref: HEAD }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `prompts: a folder at ${HEAD.slice(0, 7)}; prompts, configs and datasets must be regular files in the repository`,
    );
    expectNoViolations(fake);
  });
});
