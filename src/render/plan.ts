import type { PromptReview, ReviewReport } from '../review/model.js';
import { type ReviewBodyFile, renderReviewBody } from './review-body.js';
import { buildSuggestions, type ExistingComment, type ReviewComment } from './suggestions.js';

/** GitHub shows no more than this comfortably, and a review of more is rejected more often. */
export const MAX_INLINE_COMMENTS = 30;

export interface PlannedReview {
  comments: ReviewComment[];
  body: string;
  /** The same suggestions with none inline, for when GitHub rejects the anchored review anyway. */
  fallbackBody: string;
}

/** The review to post, and the prompts whose suggestions will then be on the pull request. */
export interface ReviewPlan {
  /** Null when there is nothing new to post. */
  review: PlannedReview | null;
  /** Posted by this review, or identical ones already on the PR from an earlier run. */
  paths: string[];
}

export function postable(p: PromptReview): boolean {
  return p.suggestion !== undefined && p.suggestion.withheld === undefined && p.error === undefined;
}

/**
 * Turns the report's suggestions into one review: inline suggestion blocks where the PR's hunks allow
 * an anchor, diff blocks in the body otherwise. Its `review` is null when there is nothing new to post.
 */
export function planReview(
  report: ReviewReport,
  headTexts: Map<string, string>,
  patches: Map<string, string | undefined>,
  existing: ExistingComment[],
  jobSummaryUrl?: string,
): ReviewPlan {
  const comments: ReviewComment[] = [];
  const paths: string[] = [];
  const files: ReviewBodyFile[] = [];
  const fallbackFiles: ReviewBodyFile[] = [];
  for (const p of report.prompts.filter(postable)) {
    const suggestion = p.suggestion!;
    const headText = headTexts.get(p.path);
    if (headText === undefined) continue;
    const args = { path: p.path, headText, suggestedText: suggestion.fileText, edits: suggestion.edits };
    const built = buildSuggestions({
      ...args,
      patch: patches.get(p.path),
      existing,
      maxComments: MAX_INLINE_COMMENTS - comments.length,
    });
    comments.push(...built.comments);
    if (built.comments.length > 0 || built.unanchored.length > 0 || built.skippedExisting > 0) {
      paths.push(p.path);
    }
    const head = Object.fromEntries(p.splits.map((s) => [s.split, s.head]));
    if (built.comments.length > 0 || built.unanchored.length > 0) {
      files.push({
        path: p.path,
        head,
        suggested: suggestion.splits,
        unanchored: built.unanchored,
        skippedExisting: built.skippedExisting,
      });
      const all = buildSuggestions({ ...args, patch: undefined, maxComments: 0 });
      fallbackFiles.push({ path: p.path, head, suggested: suggestion.splits, unanchored: all.unanchored });
    }
  }
  if (files.length === 0) return { review: null, paths };
  const common = { simulated: report.simulated, ...(jobSummaryUrl ? { jobSummaryUrl } : {}) };
  const review = {
    comments,
    body: renderReviewBody({ files, ...common }),
    fallbackBody: renderReviewBody({ files: fallbackFiles, ...common }),
  };
  return { review, paths };
}
