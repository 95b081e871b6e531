import { describe, expect, it } from 'vitest';
import { readEvent } from '../../src/action/event.js';

const repo = { owner: 'octo-org', repo: 'prompts' };

function prContext(eventName: string, head: { full_name: string } | null) {
  return {
    eventName,
    sha: 'merge',
    repo,
    payload: {
      pull_request: {
        number: 7,
        base: { sha: 'b'.repeat(40), repo: { full_name: 'octo-org/prompts' } },
        head: { sha: 'h'.repeat(40), repo: head },
      },
    },
  };
}

describe('readEvent', () => {
  it('marks pull_request_target runs, and whether the head is a fork', () => {
    const same = readEvent(prContext('pull_request_target', { full_name: 'octo-org/prompts' }), undefined);
    expect(same).toMatchObject({ kind: 'pull_request', target: true, fromFork: false, pullNumber: 7 });
    const fork = readEvent(prContext('pull_request_target', { full_name: 'forker/prompts' }), undefined);
    expect(fork).toMatchObject({ target: true, fromFork: true });
    const plain = readEvent(prContext('pull_request', { full_name: 'forker/prompts' }), undefined);
    expect(plain).toMatchObject({ target: false, fromFork: true });
  });

  it('compares repository names case-insensitively, and counts a deleted head repository as a fork', () => {
    const cased = readEvent(prContext('pull_request_target', { full_name: 'Octo-Org/Prompts' }), undefined);
    expect(cased.fromFork).toBe(false);
    const deleted = readEvent(prContext('pull_request_target', null), undefined);
    expect(deleted.fromFork).toBe(true);
  });

  it('push and workflow_dispatch are never targets', () => {
    const push = readEvent(
      { eventName: 'push', sha: 's', repo, payload: { before: 'a', after: 'b' } },
      undefined,
    );
    expect(push).toMatchObject({ kind: 'push', target: false, fromFork: false });
    const dispatch = readEvent({ eventName: 'workflow_dispatch', sha: 's', repo, payload: {} }, 'main');
    expect(dispatch).toMatchObject({ kind: 'workflow_dispatch', target: false, baseRef: 'main' });
  });
});
