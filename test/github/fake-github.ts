// A fake GitHub REST API over real HTTP for the Action's end-to-end tests (GITHUB_API_URL = fake.url).
// Every request is checked against GitHub's OpenAPI description (the committed slice in
// test/fixtures/github/operations.json): a request GitHub would reject gets GitHub's status and is
// recorded in `violations`, which tests assert stays empty.
import { createServer, type IncomingMessage, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HandlerContext } from './fake/context.js';
import { pullRequestEvent } from './fake/event.js';
import { handlers } from './fake/handlers.js';
import { errorBody, GitHubError, type Reply } from './fake/http.js';
import { loadOperations, matchRoute, RequestValidator } from './fake/spec.js';
import { Store } from './fake/store.js';
import type {
  FailRule,
  FakeGitHubOptions,
  FakeUser,
  IssueComment,
  RecordedRequest,
  Review,
  ReviewComment,
  TokenIdentity,
} from './fake/types.js';

export type * from './fake/types.js';

export interface FakeGitHub {
  /** Use as GITHUB_API_URL. */
  url: string;
  owner: string;
  repo: string;
  requests: RecordedRequest[];
  /** One line per request GitHub would reject or the bot must never make. */
  violations: string[];
  issueComments(pr: number): IssueComment[];
  /** Every review, PENDING included. */
  reviews(pr: number): Review[];
  reviewComments(pr: number): ReviewComment[];
  /** Pre-fills `n` comments by someone else; `body` defaults to a short numbered text. */
  seedComments(
    pr: number,
    n: number,
    author: Partial<FakeUser> & { login: string; body?: (i: number) => string },
  ): IssueComment[];
  /** Queues another injected failure (see FakeGitHubOptions.failNext). */
  failNext(rule: FailRule): void;
  /** The `pull_request` webhook payload for a PR, for GITHUB_EVENT_PATH. */
  event(pr: number, action?: 'opened' | 'synchronize' | 'reopened'): Record<string, unknown>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A stable user id per login, so separately seeded comments by one login share an author. */
function idFor(login: string): number {
  let hash = 7;
  for (const char of login) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) % 90_000_000;
  return 10_000_000 + hash;
}

function tokenOf(header: string | undefined): string | null {
  const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header?.trim() ?? '');
  return match ? match[1]! : null;
}

function injectedBody(rule: FailRule, headers: Record<string, string>): unknown {
  if (rule.body !== undefined) return rule.body;
  if (rule.status === 403 && headers['x-ratelimit-remaining'] === '0') {
    return { message: 'API rate limit exceeded for installation ID 1.', status: '403' };
  }
  if ((rule.status === 403 || rule.status === 429) && headers['retry-after'] !== undefined) {
    return {
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    };
  }
  return { message: STATUS_CODES[rule.status] ?? 'Error', status: String(rule.status) };
}

export async function startFakeGitHub(opts: FakeGitHubOptions): Promise<FakeGitHub> {
  const owner = opts.owner ?? 'octo-org';
  const repo = opts.repo ?? 'prompts';
  const operations = loadOperations();
  const validator = new RequestValidator();
  const rules = (opts.failNext ?? []).map((r) => ({ ...r, times: r.times ?? 1 }));
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  let store: Store | undefined;

  function dispatch(method: string, url: URL, rawBody: string, req: IncomingMessage): Reply {
    const route = matchRoute(operations, method, url.pathname);
    if (route.kind !== 'ok') {
      const why =
        route.kind === 'wrong-method'
          ? `method not allowed (expected ${route.allowed.join('/')})`
          : 'no such operation';
      throw new GitHubError(404, 'Not Found', { violation: `${why} in the GitHub REST description` });
    }
    const { op } = route;
    const fail = (status: number, message: string, problems: string[]) =>
      new GitHubError(status, message, { violation: problems.join('; ') });
    const token = tokenOf(req.headers.authorization);
    if (token === null)
      throw fail(401, 'Requires authentication', ['no Authorization header (token or Bearer)']);
    const identity: TokenIdentity | undefined = opts.tokens[token];
    if (!identity) throw fail(401, 'Bad credentials', ['unknown token']);
    const { values, problems } = validator.parameters(op, route.params, url.searchParams);
    if (problems.length > 0) throw fail(422, `Invalid request.\n\n${problems.join('\n')}`, problems);
    if (values['owner'] !== undefined) {
      const sameRepo =
        String(values['owner']).toLowerCase() === owner.toLowerCase() &&
        String(values['repo']).toLowerCase() === repo.toLowerCase();
      if (!sameRepo)
        throw fail(404, 'Not Found', [
          `repository ${values['owner']}/${values['repo']} is not ${owner}/${repo}`,
        ]);
    }
    let body: unknown;
    if (rawBody.trim() !== '') {
      try {
        body = JSON.parse(rawBody);
      } catch {
        throw fail(400, 'Problems parsing JSON', ['body is not JSON']);
      }
    }
    const bodyProblems = validator.body(op, body);
    if (bodyProblems.length > 0)
      throw fail(422, `Invalid request.\n\n${bodyProblems.join('\n')}`, bodyProblems);

    const rule = rules.find(
      (r) =>
        r.times > 0 &&
        (r.method === undefined || r.method.toUpperCase() === method) &&
        new RegExp(r.pathRegex).test(url.pathname),
    );
    if (rule) {
      rule.times--;
      const headers = { ...(rule.headers ?? {}) };
      return { status: rule.status, body: injectedBody(rule, headers), headers };
    }
    const handler = handlers[op.operationId];
    if (!handler) throw new Error(`fake GitHub has no handler for ${op.operationId}`);
    const ctx: HandlerContext = {
      params: values,
      body: body as Record<string, unknown> | undefined,
      identity,
      url,
      accept: String(req.headers.accept ?? ''),
      store: store!,
      defaultBranch: opts.defaultBranch ?? 'main',
      contents: opts.contents ?? {},
      compare: opts.compare ?? {},
    };
    const reply = handler(ctx);
    if (!op.successStatuses.includes(reply.status)) {
      throw new Error(`fake GitHub answered ${reply.status}, not a success status of ${op.operationId}`);
    }
    return reply;
  }

  const server = createServer((req, res) => {
    void (async () => {
      const method = (req.method ?? 'GET').toUpperCase();
      const url = new URL(req.url ?? '/', baseUrl);
      const rawBody = await readBody(req);
      let reply: Reply;
      try {
        reply = dispatch(method, url, rawBody, req);
      } catch (error) {
        const known = error instanceof GitHubError;
        const status = known ? error.status : 500;
        const violation = known ? error.options.violation : `fake GitHub bug: ${String(error)}`;
        if (violation !== undefined)
          violations.push(`${method} ${url.pathname}${url.search}: ${violation}`.replace(/\s*\n\s*/g, ' '));
        const route = matchRoute(operations, method, url.pathname);
        const docs = route.kind === 'ok' ? route.op.documentationUrl : null;
        const body = known ? errorBody(error, docs) : { message: 'Server Error', status: '500' };
        reply = { status, body, headers: known ? error.options.headers : undefined };
      }
      requests.push({ method, path: `${url.pathname}${url.search}`, status: reply.status });
      const reset = Math.floor(Date.now() / 1000) + 3600;
      res.writeHead(reply.status, {
        'content-type':
          reply.text !== undefined ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
        'x-github-media-type': 'github.v3; format=json',
        'x-github-request-id': `FAKE:${requests.length}`,
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': String(Math.max(0, 5000 - requests.length)),
        'x-ratelimit-reset': String(reset),
        'x-ratelimit-used': String(requests.length),
        'x-ratelimit-resource': 'core',
        ...(reply.headers ?? {}),
      });
      res.end(reply.text ?? (reply.body === undefined ? '' : JSON.stringify(reply.body)));
    })().catch((error: unknown) => {
      violations.push(`fake GitHub crashed: ${String(error)}`);
      res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  store = new Store(owner, repo, baseUrl, opts.pulls ?? []);
  const state = store;

  return {
    url: baseUrl,
    owner,
    repo,
    requests,
    violations,
    issueComments: (pr) => [...state.issueComments(pr)],
    reviews: (pr) => [...state.reviews(pr)],
    reviewComments: (pr) => [...state.reviewComments(pr)],
    seedComments(pr, n, author) {
      const user: FakeUser = {
        login: author.login,
        id: author.id ?? idFor(author.login),
        type: author.type ?? 'User',
      };
      const body = author.body ?? ((i: number) => `Comment ${i + 1} from ${author.login}`);
      return Array.from({ length: n }, (_, i) => state.seedIssueComment(pr, user, body(i)));
    },
    failNext(rule) {
      rules.push({ ...rule, times: rule.times ?? 1 });
    },
    event(pr, action) {
      const pull = state.pulls.get(pr);
      if (!pull) throw new Error(`fake GitHub has no pull request #${pr}`);
      return pullRequestEvent({ owner, repo, apiUrl: baseUrl, pull, action });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Octokit (undici) keeps connections alive; without this close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}
