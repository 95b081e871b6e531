// Response plumbing shared by the handlers: GitHub's error bodies and its page/Link pagination.
import type { FakeUser, GitHubUserObject } from './types.js';

export interface Reply {
  status: number;
  body?: unknown;
  /** Sent as-is instead of JSON (raw and diff media types). */
  text?: string;
  headers?: Record<string, string>;
}

export interface ErrorOptions {
  /** GitHub's `errors` array: strings (reviews) or objects (validation failures). */
  errors?: unknown[];
  /** Set when the request is a bot bug (GitHub rejects it, or it breaks a rule the bot must keep). */
  violation?: string;
  headers?: Record<string, string>;
}

/** An error GitHub would answer with; the server turns it into `{message, errors?, documentation_url, status}`. */
export class GitHubError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly options: ErrorOptions = {},
  ) {
    super(message);
  }
}

export function errorBody(error: GitHubError, documentationUrl: string | null): Record<string, unknown> {
  return {
    message: error.message,
    ...(error.options.errors ? { errors: error.options.errors } : {}),
    documentation_url: documentationUrl ?? 'https://docs.github.com/rest',
    status: String(error.status),
  };
}

/** GitHub's timestamps have second precision and no milliseconds. */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function userObject(user: FakeUser, apiUrl: string): GitHubUserObject {
  const slug = encodeURIComponent(user.login);
  return {
    login: user.login,
    id: user.id,
    node_id: `${user.type === 'Bot' ? 'BOT' : 'U'}_fake${user.id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: '',
    url: `${apiUrl}/users/${slug}`,
    html_url: `https://github.com/${slug}`,
    type: user.type,
    site_admin: false,
  };
}

function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const value = Number.parseInt(query.get(name) ?? '', 10);
  return Number.isFinite(value) ? value : fallback;
}

/**
 * One page of `items` plus GitHub's Link header: `per_page` defaults to 30 and is capped at 100,
 * `page` starts at 1; links keep the request's other query parameters; rel order prev, next,
 * last, first, with the links that make no sense on a page left out, as GitHub does.
 */
export function paginate<T>(items: T[], requestUrl: URL): { page: T[]; headers: Record<string, string> } {
  const perPageRaw = intParam(requestUrl.searchParams, 'per_page', 30);
  const perPage = perPageRaw < 1 ? 30 : Math.min(perPageRaw, 100);
  const page = Math.max(1, intParam(requestUrl.searchParams, 'page', 1));
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (target: number, rel: string) => {
    const url = new URL(requestUrl);
    url.searchParams.set('page', String(target));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(Math.min(page - 1, last), 'prev'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  return { page: slice, headers: links.length > 0 ? { link: links.join(', ') } : {} };
}

/** GitHub measures comment bodies in characters; code points are the closest JavaScript count. */
export const MAX_BODY_CHARS = 65536;
export function tooLong(body: string | undefined): boolean {
  return body !== undefined && body.length > MAX_BODY_CHARS && Array.from(body).length > MAX_BODY_CHARS;
}
