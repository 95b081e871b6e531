import { ConfigError } from '../core/errors.js';

// The event as the rest of the run needs it. The Actions runtime's context is passed in as plain
// data, so this is testable with the real webhook payloads.

export interface RunEvent {
  kind: 'pull_request' | 'push' | 'workflow_dispatch';
  owner: string;
  repo: string;
  pullNumber?: number;
  /** PR: the base branch's SHA from the payload. push: `before`. dispatch: the given base ref. */
  baseRef: string;
  /** PR: the PR head SHA from the payload (never GITHUB_SHA, which is the test-merge commit). */
  headSha: string;
  /** A PR whose head repository is not the base repository. */
  fromFork: boolean;
  /**
   * pull_request_target: the run has the base repository's secrets and a write token even for a
   * fork PR, so the fork's files must not be evaluated with them (see run.ts).
   */
  target: boolean;
}

interface Context {
  eventName: string;
  sha: string;
  repo: { owner: string; repo: string };
  payload: Record<string, unknown>;
}

const ZERO_SHA = /^0+$/;

type Pull = {
  number: number;
  base: { sha: string; repo?: { full_name?: string } };
  head: { sha: string; repo?: { full_name?: string } | null };
};

/** Owner/name of the PR's head, lower-cased (GitHub names are case-insensitive); '' when deleted. */
function headRepo(pr: Pull): string {
  // A deleted fork leaves `head.repo` null: the head is still not this repository's.
  return (pr.head.repo?.full_name ?? '').toLowerCase();
}

export function readEvent(context: Context, baseRefInput: string | undefined): RunEvent {
  const { owner, repo } = context.repo;
  if (context.eventName === 'pull_request' || context.eventName === 'pull_request_target') {
    const pr = context.payload.pull_request as Pull | undefined;
    if (!pr?.head?.sha || !pr.base?.sha)
      throw new ConfigError('the pull_request event payload has no head/base SHA');
    return {
      kind: 'pull_request',
      owner,
      repo,
      pullNumber: pr.number,
      baseRef: pr.base.sha,
      headSha: pr.head.sha,
      fromFork: headRepo(pr) !== (pr.base.repo?.full_name ?? `${owner}/${repo}`).toLowerCase(),
      target: context.eventName === 'pull_request_target',
    };
  }
  if (context.eventName === 'push') {
    const before = String(context.payload.before ?? '');
    const after = String(context.payload.after ?? context.sha);
    // A new branch's push has no `before`: compare with the previous commit instead.
    const baseRef = baseRefInput || (before && !ZERO_SHA.test(before) ? before : `${after}~1`);
    return { kind: 'push', owner, repo, baseRef, headSha: after, fromFork: false, target: false };
  }
  if (context.eventName === 'workflow_dispatch') {
    return {
      kind: 'workflow_dispatch',
      owner,
      repo,
      baseRef: baseRefInput || `${context.sha}~1`,
      headSha: context.sha,
      fromFork: false,
      target: false,
    };
  }
  throw new ConfigError(
    `event "${context.eventName}" is not supported: run on pull_request, push or workflow_dispatch`,
  );
}
