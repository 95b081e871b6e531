// Adapts GitHub's published `pull_request` webhook example (committed by
// scripts/extract-github-fixtures.mjs) to a fake repository and PR, so the Action reads a payload
// with every field GitHub sends, and GET /pulls/{n} serves the same real-shaped object.
import { readFileSync } from 'node:fs';
import { userObject } from './http.js';
import type { FakePull, FakeUser } from './types.js';

export const PULL_REQUEST_EVENT_FIXTURE = new URL(
  '../../fixtures/github/pull_request.synchronize.json',
  import.meta.url,
);

type Json = Record<string, unknown>;

export interface EventTarget {
  owner: string;
  repo: string;
  /** The fake's URL: API links in the payload point at it instead of api.github.com. */
  apiUrl: string;
  pull: FakePull;
  /** Defaults to the example's own action (`synchronize`). */
  action?: 'opened' | 'synchronize' | 'reopened';
  sender?: FakeUser;
}

function object(value: unknown, what: string): Json {
  if (value === null || typeof value !== 'object')
    throw new Error(`webhook fixture: ${what} is not an object`);
  return value as Json;
}

export function pullRequestEvent(target: EventTarget): Json {
  const text = readFileSync(PULL_REQUEST_EVENT_FIXTURE, 'utf8');
  const example = JSON.parse(text) as Json;
  const exampleRepo = object(example['repository'], 'repository');
  const from = String(exampleRepo['full_name']);
  const to = `${target.owner}/${target.repo}`;
  // Every URL and full_name in the example embeds the example repository; rewrite them in one pass.
  const rewritten = text
    .replaceAll(`https://api.github.com/repos/${from}`, `${target.apiUrl}/repos/${to}`)
    .replaceAll(`https://github.com/${from}`, `https://github.com/${to}`)
    .replaceAll(`"${from}"`, `"${to}"`);
  const event = JSON.parse(rewritten) as Json;
  const { pull } = target;
  const pr = object(event['pull_request'], 'pull_request');
  const repository = object(event['repository'], 'repository');
  repository['name'] = target.repo;
  object(repository['owner'], 'repository.owner')['login'] = target.owner;
  const head = object(pr['head'], 'pull_request.head');
  const base = object(pr['base'], 'pull_request.base');
  const headRef = pull.headRef ?? 'feature';
  const baseRef = pull.baseRef ?? 'main';
  Object.assign(head, {
    sha: pull.headSha,
    ref: headRef,
    label: `${target.owner}:${headRef}`,
    repo: repository,
  });
  Object.assign(base, {
    sha: pull.baseSha,
    ref: baseRef,
    label: `${target.owner}:${baseRef}`,
    repo: repository,
  });
  const apiRepo = `${target.apiUrl}/repos/${to}`;
  const links = {
    self: `${apiRepo}/pulls/${pull.number}`,
    html: `https://github.com/${to}/pull/${pull.number}`,
    issue: `${apiRepo}/issues/${pull.number}`,
    comments: `${apiRepo}/issues/${pull.number}/comments`,
    review_comments: `${apiRepo}/pulls/${pull.number}/comments`,
    review_comment: `${apiRepo}/pulls/comments{/number}`,
    commits: `${apiRepo}/pulls/${pull.number}/commits`,
    statuses: `${apiRepo}/statuses/${pull.headSha}`,
  };
  Object.assign(pr, {
    number: pull.number,
    url: links.self,
    html_url: links.html,
    diff_url: `${links.html}.diff`,
    patch_url: `${links.html}.patch`,
    issue_url: links.issue,
    comments_url: links.comments,
    review_comments_url: links.review_comments,
    review_comment_url: links.review_comment,
    commits_url: links.commits,
    statuses_url: links.statuses,
    _links: Object.fromEntries(Object.entries(links).map(([rel, href]) => [rel, { href }])),
    state: 'open',
    title: pull.title ?? `Change prompts (#${pull.number})`,
    body: pull.body ?? null,
    changed_files: pull.files.length,
    additions: pull.files.reduce((sum, f) => sum + f.additions, 0),
    deletions: pull.files.reduce((sum, f) => sum + f.deletions, 0),
  });
  if (pull.author) pr['user'] = userObject(pull.author, target.apiUrl);
  event['number'] = pull.number;
  event['action'] = target.action ?? event['action'];
  if (event['action'] === 'synchronize') event['after'] = pull.headSha;
  else {
    delete event['before'];
    delete event['after'];
  }
  if (target.sender) event['sender'] = userObject(target.sender, target.apiUrl);
  return event;
}
