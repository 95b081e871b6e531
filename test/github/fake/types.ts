// Public shapes of the fake GitHub: its options and the GitHub-shaped objects it stores and serves.

export interface FakeUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

/** Who a token authenticates as. `userEndpoint: false` models GITHUB_TOKEN: GET /user answers 403. */
export interface TokenIdentity extends FakeUser {
  userEndpoint: boolean;
}

/** One entry of GET /pulls/{n}/files, served as given (the fake computes nothing from it). */
export interface FakePullFile {
  filename: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  additions: number;
  deletions: number;
  changes: number;
  /** Absent for binary files and very large diffs, as on GitHub: no line there can be commented on. */
  patch?: string;
  previous_filename?: string;
  sha: string;
}

export interface FakePull {
  number: number;
  headSha: string;
  baseSha: string;
  headRef?: string;
  baseRef?: string;
  title?: string;
  body?: string;
  /** PR author; reviews by the author cannot APPROVE or REQUEST_CHANGES, like on GitHub. */
  author?: FakeUser;
  files: FakePullFile[];
}

/** Makes the next `times` (default 1) matching requests fail, e.g. a 502 or a rate-limit 403. */
export interface FailRule {
  method?: string;
  pathRegex: RegExp | string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  times?: number;
}

export interface FakeGitHubOptions {
  owner?: string;
  repo?: string;
  defaultBranch?: string;
  tokens: Record<string, TokenIdentity>;
  pulls?: FakePull[];
  /** `ref -> path -> text`; a request without `ref` reads the default branch. */
  contents?: Record<string, Record<string, string>>;
  /** Extra compare results, keyed `BASE...HEAD`. Every PR also answers `baseSha...headSha`. */
  compare?: Record<string, FakePullFile[]>;
  failNext?: FailRule[];
}

export interface GitHubUserObject {
  login: string;
  id: number;
  node_id: string;
  avatar_url: string;
  gravatar_id: string;
  url: string;
  html_url: string;
  type: 'User' | 'Bot';
  site_admin: boolean;
}

export interface IssueComment {
  id: number;
  node_id: string;
  url: string;
  html_url: string;
  issue_url: string;
  body: string;
  user: GitHubUserObject;
  created_at: string;
  updated_at: string;
  author_association: string;
}

export interface Review {
  id: number;
  node_id: string;
  user: GitHubUserObject;
  body: string;
  state: 'PENDING' | 'COMMENTED' | 'APPROVED' | 'CHANGES_REQUESTED';
  html_url: string;
  pull_request_url: string;
  commit_id: string;
  submitted_at?: string;
  author_association: string;
}

export interface ReviewComment {
  id: number;
  node_id: string;
  url: string;
  html_url: string;
  pull_request_url: string;
  pull_request_review_id: number;
  diff_hunk: string;
  path: string;
  commit_id: string;
  original_commit_id: string;
  user: GitHubUserObject;
  body: string;
  created_at: string;
  updated_at: string;
  line: number;
  original_line: number;
  side: 'LEFT' | 'RIGHT';
  start_line: number | null;
  original_start_line: number | null;
  start_side: 'LEFT' | 'RIGHT' | null;
  subject_type: 'line';
  author_association: string;
}

export interface RecordedRequest {
  method: string;
  /** Path and query, as requested. */
  path: string;
  status: number;
}
