// Shared set-up for the GitHub layer's tests: a fake GitHub over HTTP, a client built by
// createOctokit (the real plugins), and a logger that keeps what it was told.
import { afterEach, expect } from 'vitest';
import { createOctokit } from '../../../src/action/octokit.js';
import type { GitHubClient } from '../../../src/github/octokit.js';
import type { Logger } from '../../../src/github/types.js';
import {
  type FakeGitHub,
  type FakeGitHubOptions,
  type FakePullFile,
  startFakeGitHub,
} from '../fake-github.js';

export const BOT = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' as const, userEndpoint: false };
export const PAT_USER = { login: 'prompt-bot', id: 777, type: 'User' as const, userEndpoint: true };
export const HEAD = 'a'.repeat(40);
export const BASE = 'b'.repeat(40);
export const PR = 7;

// RIGHT lines 1-4 (line 2 added) and RIGHT lines 20-23 (line 21 added).
export const PROMPT_FILE: FakePullFile = {
  filename: 'prompts/math.prompt.md',
  status: 'modified',
  additions: 2,
  deletions: 0,
  changes: 2,
  patch: [
    '@@ -1,3 +1,4 @@',
    ' You are a careful assistant.',
    '+Answer with a number only.',
    ' ',
    ' Question: {{question}}',
    '@@ -19,3 +20,4 @@',
    ' Think step by step.',
    '+Show your work.',
    ' ',
    ' Answer:',
  ].join('\n'),
  sha: 'c'.repeat(40),
};

export interface RecordingLogger extends Logger {
  warnings: string[];
  infos: string[];
  debugs: string[];
}

export function recordingLogger(): RecordingLogger {
  const log: RecordingLogger = {
    warnings: [],
    infos: [],
    debugs: [],
    info: (m) => log.infos.push(m),
    warning: (m) => log.warnings.push(m),
    debug: (m) => log.debugs.push(m),
  };
  return log;
}

export interface Harness {
  fake: FakeGitHub;
  logger: RecordingLogger;
  /** A client for `token`, built like the Action builds it (retry backoff shortened). */
  client(token?: 'bot-token' | 'pat-token' | string): GitHubClient;
  repo: { owner: string; repo: string };
}

let current: FakeGitHub | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

export async function startHarness(extra: Partial<FakeGitHubOptions> = {}): Promise<Harness> {
  const fake = await startFakeGitHub({
    tokens: { 'bot-token': BOT, 'pat-token': PAT_USER },
    pulls: [{ number: PR, headSha: HEAD, baseSha: BASE, files: [PROMPT_FILE] }],
    ...extra,
  });
  current = fake;
  const logger = recordingLogger();
  return {
    fake,
    logger,
    client: (token = 'bot-token') => createOctokit(token, { baseUrl: fake.url, logger, retryBackoffMs: 10 }),
    repo: { owner: fake.owner, repo: fake.repo },
  };
}

/** Every test ends with this: the bot made no request GitHub would reject or that breaks its rules. */
export function expectNoViolations(fake: FakeGitHub): void {
  expect(fake.violations).toEqual([]);
}

export async function failure(promise: Promise<unknown>): Promise<Error & { status?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { status?: number };
  }
  throw new Error('expected the call to fail');
}
