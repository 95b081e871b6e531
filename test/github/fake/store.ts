// The fake's repository state: PRs, issue comments, reviews and review comments, kept in the exact
// JSON shape GitHub serves so handlers return stored objects as they are.
import { timestamp, userObject } from './http.js';
import type { FakePull, FakeUser, IssueComment, Review, ReviewComment } from './types.js';

export interface NewReviewComment {
  path: string;
  body: string;
  line: number;
  side: 'LEFT' | 'RIGHT';
  start_line: number | null;
  start_side: 'LEFT' | 'RIGHT' | null;
  diff_hunk: string;
}

export class Store {
  private nextId = 1_000_000_001;
  /** Seeded comments get timestamps in the past so they sort before anything the bot writes. */
  private seedClock = Date.now() - 86_400_000;
  readonly pulls = new Map<number, FakePull>();
  private readonly comments = new Map<number, IssueComment[]>();
  private readonly commentById = new Map<number, IssueComment>();
  private readonly reviewsByPull = new Map<number, Review[]>();
  private readonly reviewCommentsByPull = new Map<number, ReviewComment[]>();

  constructor(
    readonly owner: string,
    readonly repo: string,
    readonly apiUrl: string,
    pulls: FakePull[],
  ) {
    for (const pull of pulls) this.pulls.set(pull.number, pull);
  }

  private get repoApi(): string {
    return `${this.apiUrl}/repos/${this.owner}/${this.repo}`;
  }

  private get repoHtml(): string {
    return `https://github.com/${this.owner}/${this.repo}`;
  }

  private association(user: FakeUser): string {
    if (user.login.toLowerCase() === this.owner.toLowerCase()) return 'OWNER';
    return user.type === 'Bot' ? 'NONE' : 'CONTRIBUTOR';
  }

  issueComments(issue: number): IssueComment[] {
    return this.comments.get(issue) ?? [];
  }

  comment(id: number): IssueComment | undefined {
    return this.commentById.get(id);
  }

  addIssueComment(issue: number, user: FakeUser, body: string, at = new Date()): IssueComment {
    const id = this.nextId++;
    const when = timestamp(at);
    const comment: IssueComment = {
      id,
      node_id: `IC_fake${id}`,
      url: `${this.repoApi}/issues/comments/${id}`,
      html_url: `${this.repoHtml}/pull/${issue}#issuecomment-${id}`,
      issue_url: `${this.repoApi}/issues/${issue}`,
      body,
      user: userObject(user, this.apiUrl),
      created_at: when,
      updated_at: when,
      author_association: this.association(user),
    };
    this.comments.set(issue, [...this.issueComments(issue), comment]);
    this.commentById.set(id, comment);
    return comment;
  }

  seedIssueComment(issue: number, user: FakeUser, body: string): IssueComment {
    this.seedClock += 1000;
    return this.addIssueComment(issue, user, body, new Date(this.seedClock));
  }

  editIssueComment(comment: IssueComment, body: string): IssueComment {
    comment.body = body;
    comment.updated_at = timestamp(new Date());
    return comment;
  }

  reviews(pull: number): Review[] {
    return this.reviewsByPull.get(pull) ?? [];
  }

  reviewComments(pull: number): ReviewComment[] {
    return this.reviewCommentsByPull.get(pull) ?? [];
  }

  addReview(
    pull: number,
    user: FakeUser,
    fields: { body: string; state: Review['state']; commitId: string },
    comments: NewReviewComment[],
  ): Review {
    const id = this.nextId++;
    const now = timestamp(new Date());
    const review: Review = {
      id,
      node_id: `PRR_fake${id}`,
      user: userObject(user, this.apiUrl),
      body: fields.body,
      state: fields.state,
      html_url: `${this.repoHtml}/pull/${pull}#pullrequestreview-${id}`,
      pull_request_url: `${this.repoApi}/pulls/${pull}`,
      commit_id: fields.commitId,
      ...(fields.state === 'PENDING' ? {} : { submitted_at: now }),
      author_association: this.association(user),
    };
    this.reviewsByPull.set(pull, [...this.reviews(pull), review]);
    const created = comments.map((c): ReviewComment => {
      const commentId = this.nextId++;
      return {
        id: commentId,
        node_id: `PRRC_fake${commentId}`,
        url: `${this.repoApi}/pulls/comments/${commentId}`,
        html_url: `${this.repoHtml}/pull/${pull}#discussion_r${commentId}`,
        pull_request_url: `${this.repoApi}/pulls/${pull}`,
        pull_request_review_id: id,
        diff_hunk: c.diff_hunk,
        path: c.path,
        commit_id: fields.commitId,
        original_commit_id: fields.commitId,
        user: userObject(user, this.apiUrl),
        body: c.body,
        created_at: now,
        updated_at: now,
        line: c.line,
        original_line: c.line,
        side: c.side,
        start_line: c.start_line,
        original_start_line: c.start_line,
        start_side: c.start_side,
        subject_type: 'line',
        author_association: this.association(user),
      };
    });
    this.reviewCommentsByPull.set(pull, [...this.reviewComments(pull), ...created]);
    return review;
  }
}
