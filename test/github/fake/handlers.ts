// One handler per operationId in test/fixtures/github/operations.json. Requests reach a handler
// only after the route, parameters and body passed the OpenAPI check; handlers add GitHub's semantics.
import { createHash } from 'node:crypto';
import { pullRequestEvent } from './event.js';
import { bodyTooLong, type HandlerContext, requirePull } from './context.js';
import { GitHubError, paginate, type Reply, tooLong, userObject } from './http.js';
import { createReview } from './reviews.js';
import type { FakePullFile } from './types.js';

export type Handler = (ctx: HandlerContext) => Reply;

function commentBody(ctx: HandlerContext): string {
  const body = ctx.body?.['body'] as string;
  if (tooLong(body)) throw bodyTooLong('IssueComment');
  if (body.trim() === '') {
    throw new GitHubError(422, 'Validation Failed', {
      errors: [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }],
      violation: 'blank comment body',
    });
  }
  return body;
}

function since<T extends { updated_at: string }>(items: T[], ctx: HandlerContext): T[] {
  const value = ctx.params['since'] as string | undefined;
  return value === undefined
    ? items
    : items.filter((item) => Date.parse(item.updated_at) >= Date.parse(value));
}

function page<T>(items: T[], ctx: HandlerContext): Reply {
  const { page: body, headers } = paginate(items, ctx.url);
  return { status: 200, body, headers };
}

function unifiedDiff(files: FakePullFile[]): string {
  return files
    .map((f) => {
      const before = f.status === 'added' ? '/dev/null' : `a/${f.previous_filename ?? f.filename}`;
      const after = f.status === 'removed' ? '/dev/null' : `b/${f.filename}`;
      const header = `diff --git a/${f.previous_filename ?? f.filename} b/${f.filename}\n--- ${before}\n+++ ${after}\n`;
      return f.patch === undefined ? header : `${header}${f.patch.replace(/\n?$/, '\n')}`;
    })
    .join('');
}

function contentEntry(ctx: HandlerContext, path: string, ref: string, text: string | null) {
  const { owner, repo, apiUrl } = ctx.store;
  const name = path.split('/').at(-1) ?? path;
  const size = text === null ? 0 : Buffer.byteLength(text);
  const sha = text === null ? '0'.repeat(40) : gitBlobSha(text);
  return {
    type: text === null ? 'dir' : 'file',
    name,
    path,
    sha,
    size,
    url: `${apiUrl}/repos/${owner}/${repo}/contents/${path}?ref=${encodeURIComponent(ref)}`,
    html_url: `https://github.com/${owner}/${repo}/${text === null ? 'tree' : 'blob'}/${ref}/${path}`,
    git_url: `${apiUrl}/repos/${owner}/${repo}/git/${text === null ? 'trees' : 'blobs'}/${sha}`,
    download_url: text === null ? null : `https://raw.githubusercontent.com/${owner}/${repo}/${ref}/${path}`,
  };
}

function gitBlobSha(text: string): string {
  const bytes = Buffer.from(text);
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** GitHub wraps base64 content at 60 characters per line and, above 1 MB, sends no content at all. */
function base64Content(text: string): { encoding: string; content: string } {
  if (Buffer.byteLength(text) > 1024 * 1024) return { encoding: 'none', content: '' };
  const flat = Buffer.from(text).toString('base64');
  return { encoding: 'base64', content: `${flat.match(/.{1,60}/g)?.join('\n') ?? ''}\n` };
}

function getContent(ctx: HandlerContext): Reply {
  const path = (ctx.params['path'] as string).replace(/^\/+|\/+$/g, '');
  const ref = (ctx.params['ref'] as string | undefined) ?? ctx.defaultBranch;
  const files = ctx.contents[ref];
  if (!files) throw new GitHubError(404, `No commit found for the ref ${ref}`);
  const text = files[path];
  if (text !== undefined) {
    if (/vnd\.github(\.v3)?\.raw/.test(ctx.accept)) return { status: 200, text };
    return { status: 200, body: { ...contentEntry(ctx, path, ref, text), ...base64Content(text) } };
  }
  const children = new Map<string, string | null>();
  for (const [file, fileText] of Object.entries(files)) {
    if (!file.startsWith(`${path}/`)) continue;
    const [first, ...rest] = file.slice(path.length + 1).split('/');
    children.set(first!, rest.length > 0 ? null : fileText);
  }
  if (children.size === 0) throw new GitHubError(404, 'Not Found');
  const listing = [...children].map(([name, child]) => contentEntry(ctx, `${path}/${name}`, ref, child));
  return { status: 200, body: listing.sort((a, b) => a.name.localeCompare(b.name)) };
}

function compare(ctx: HandlerContext): Reply {
  const basehead = ctx.params['basehead'] as string;
  const [base, head, extra] = basehead.split('...');
  if (!base || !head || extra !== undefined) {
    throw new GitHubError(404, 'Not Found', {
      violation: `basehead ${JSON.stringify(basehead)} is not BASE...HEAD`,
    });
  }
  const pull = [...ctx.store.pulls.values()].find(
    (p) => [p.baseSha, p.baseRef].includes(base) && [p.headSha, p.headRef].includes(head),
  );
  const files = ctx.compare[basehead] ?? pull?.files;
  if (!files) throw new GitHubError(404, 'Not Found');
  const { owner, repo, apiUrl } = ctx.store;
  const firstPage = ((ctx.params['page'] as number | undefined) ?? 1) <= 1;
  return {
    status: 200,
    body: {
      url: `${apiUrl}/repos/${owner}/${repo}/compare/${basehead}`,
      html_url: `https://github.com/${owner}/${repo}/compare/${basehead}`,
      status: files.length > 0 ? 'ahead' : 'identical',
      ahead_by: files.length > 0 ? 1 : 0,
      behind_by: 0,
      // Commits are not modelled; the Action only reads the files of a comparison.
      total_commits: files.length > 0 ? 1 : 0,
      commits: [],
      // GitHub lists changed files (at most 300) only on the first page of a paginated compare.
      files: firstPage ? files.slice(0, 300) : [],
    },
  };
}

export const handlers: Record<string, Handler> = {
  'users/get-authenticated': (ctx) => {
    // GITHUB_TOKEN is an installation token: it has no user, and GitHub answers 403 (not a bot bug).
    if (!ctx.identity.userEndpoint) throw new GitHubError(403, 'Resource not accessible by integration');
    return { status: 200, body: { ...userObject(ctx.identity, ctx.store.apiUrl), name: null } };
  },
  'pulls/get': (ctx) => {
    const pull = requirePull(ctx, 'pull_number');
    if (/vnd\.github(\.v3)?\.diff/.test(ctx.accept)) return { status: 200, text: unifiedDiff(pull.files) };
    const { owner, repo, apiUrl } = ctx.store;
    const event = pullRequestEvent({ owner, repo, apiUrl, pull });
    return { status: 200, body: event['pull_request'] };
  },
  'pulls/list-files': (ctx) => page(requirePull(ctx, 'pull_number').files, ctx),
  'issues/list-comments': (ctx) => {
    const pull = requirePull(ctx, 'issue_number');
    return page(since(ctx.store.issueComments(pull.number), ctx), ctx);
  },
  'issues/create-comment': (ctx) => {
    const pull = requirePull(ctx, 'issue_number');
    const comment = ctx.store.addIssueComment(pull.number, ctx.identity, commentBody(ctx));
    return { status: 201, body: comment, headers: { location: comment.url } };
  },
  'issues/update-comment': (ctx) => {
    const id = ctx.params['comment_id'] as number;
    const comment = ctx.store.comment(id);
    if (!comment) throw new GitHubError(404, 'Not Found', { violation: `no issue comment ${id}` });
    if (comment.user.id !== ctx.identity.id) {
      // Stricter than GitHub (collaborators with write access may edit any comment): the bot must
      // only ever edit its own comment, so touching someone else's fails loudly here.
      throw new GitHubError(403, 'Resource not accessible by integration', {
        violation: `${ctx.identity.login} edited comment ${id} written by ${comment.user.login}`,
      });
    }
    return { status: 200, body: ctx.store.editIssueComment(comment, commentBody(ctx)) };
  },
  'pulls/list-reviews': (ctx) => {
    const pull = requirePull(ctx, 'pull_number');
    // A pending review is a draft: only its author sees it.
    const visible = ctx.store
      .reviews(pull.number)
      .filter((r) => r.state !== 'PENDING' || r.user.id === ctx.identity.id);
    return page(visible, ctx);
  },
  'pulls/create-review': createReview,
  'pulls/list-review-comments': (ctx) => {
    const pull = requirePull(ctx, 'pull_number');
    const hidden = new Set(
      ctx.store
        .reviews(pull.number)
        .filter((r) => r.state === 'PENDING' && r.user.id !== ctx.identity.id)
        .map((r) => r.id),
    );
    let comments = since(ctx.store.reviewComments(pull.number), ctx).filter(
      (c) => !hidden.has(c.pull_request_review_id),
    );
    const sort = ctx.params['sort'] as 'created' | 'updated' | undefined;
    if (sort) {
      const key = sort === 'created' ? 'created_at' : 'updated_at';
      comments = [...comments].sort((a, b) => a[key].localeCompare(b[key]) || a.id - b.id);
      if (ctx.params['direction'] === 'desc') comments.reverse();
    }
    return page(comments, ctx);
  },
  'repos/get-content': getContent,
  'repos/compare-commits-with-basehead': compare,
};
