import { z } from 'zod';
import { judgeSummary } from '../eval/calibrate.js';
import { JudgeSummarySchema, SplitInfoSchema, SplitSummarySchema, UsageSchema } from '../eval/report.js';
import type { SplitName, SplitSummary } from '../core/types.js';
import { VERDICT_KINDS } from '../review/gate.js';
import type { PromptReview, ReviewReport } from '../review/model.js';

// The versioned JSON written by `lpo review --json` and the Action's `report` output. Deltas are in
// percentage points (head − base) on the same examples, with the exact McNemar p-value.

const DeltaSchema = z.object({
  n: z.number().int(),
  pp: z.number(),
  interval: z.tuple([z.number(), z.number()]).nullable(),
  pValue: z.number(),
  /** The smallest drop these pairs could show as significant, in pp; null when none could. */
  detectableDropPp: z.number().nullable(),
  lost: z.number().int(),
  gained: z.number().int(),
  /** `net-improved` (samples: k > 1): pp is the share of examples head scored higher minus lower. */
  measure: z.literal('net-improved').optional(),
});

/** `compare: pairwise`: base's and head's test answers judged side by side, in both orders. */
const PairwiseSchema = z.object({
  model: z.string(),
  n: z.number().int(),
  wins: z.number().int(),
  losses: z.number().int(),
  ties: z.number().int(),
  errors: z.number().int(),
  winRate: z.number().nullable(),
  interval: z.tuple([z.number(), z.number()]).nullable(),
  pValue: z.number(),
});

const SideSchema = z
  .object({ splits: z.partialRecord(z.enum(['dev', 'test']), SplitSummarySchema) })
  .nullable();

export const ReviewJsonSchema = z.object({
  version: z.literal(1),
  kind: z.literal('review'),
  simulated: z.boolean(),
  partial: z.boolean(),
  repository: z.string().optional(),
  pullNumber: z.number().int().optional(),
  baseSha: z.string(),
  headSha: z.string(),
  /** Whose config defined the tests: the base commit's unless trust-pr-config or no base config. */
  configOrigin: z.enum(['base', 'head-trusted', 'head-new']).optional(),
  regressed: z.boolean(),
  prompts: z.array(
    z.object({
      path: z.string(),
      previousPath: z.string().optional(),
      status: z.string(),
      reason: z.string().optional(),
      definedBy: z.enum(['base', 'head']).optional(),
      testChanges: z.array(z.string()).optional(),
      base: SideSchema,
      head: SideSchema,
      delta: z.partialRecord(z.enum(['dev', 'test']), DeltaSchema),
      split: SplitInfoSchema.optional(),
      regressed: z.boolean(),
      state: z.enum(['evaluated', 'failed', 'not-run', 'deleted']),
      verdict: z.string(),
      verdictKind: z.enum(VERDICT_KINDS),
      error: z.string().optional(),
      pairwise: PairwiseSchema.optional(),
      judge: JudgeSummarySchema.optional(),
      suggestion: z
        .object({
          source: z.string(),
          text: z.string(),
          splits: z.partialRecord(z.enum(['dev', 'test']), SplitSummarySchema),
          vsHead: z.partialRecord(z.enum(['dev', 'test']), DeltaSchema),
          edits: z.array(z.object({ old: z.string(), new: z.string(), reason: z.string() })),
          withheld: z.string().optional(),
        })
        .optional(),
      usage: UsageSchema,
      wallMs: z.number(),
    }),
  ),
  notes: z.array(z.string()),
  usage: UsageSchema,
  wallMs: z.number(),
  /** Requests sent and tokens used against the owner's max-calls and max-tokens (null: not set). */
  budget: z
    .object({
      requests: z.number().int(),
      maxRequests: z.number().int().nullable(),
      tokens: z.number().int(),
      maxTokens: z.number().int().nullable(),
    })
    .optional(),
});

export type ReviewJson = z.infer<typeof ReviewJsonSchema>;

type Paired = NonNullable<PromptReview['splits'][number]['paired']>;
const delta = (p: Paired) => ({
  n: p.n,
  pp: p.delta * 100,
  interval: p.interval ? ([p.interval[0] * 100, p.interval[1] * 100] as [number, number]) : null,
  pValue: p.pValue,
  detectableDropPp: p.detectableDrop === null ? null : p.detectableDrop * 100,
  lost: p.lost,
  gained: p.gained,
  ...(p.measure ? { measure: p.measure } : {}),
});

function pairwiseJson(s: NonNullable<PromptReview['pairwise']>) {
  const { model, n, wins, losses, ties, errors, winRate, interval, pValue } = s;
  return { model, n, wins, losses, ties, errors, winRate, interval, pValue };
}

function side(p: PromptReview, which: 'base' | 'head') {
  const splits: Partial<Record<SplitName, SplitSummary>> = {};
  for (const s of p.splits) {
    const summary = s[which];
    if (summary) splits[s.split] = summary;
  }
  return Object.keys(splits).length > 0 ? { splits } : null;
}

export function toReviewJson(report: ReviewReport): ReviewJson {
  return {
    version: 1,
    kind: 'review',
    simulated: report.simulated,
    partial: report.partial,
    ...(report.repository ? { repository: report.repository } : {}),
    ...(report.pullNumber !== undefined ? { pullNumber: report.pullNumber } : {}),
    baseSha: report.baseSha,
    headSha: report.headSha,
    ...(report.configOrigin ? { configOrigin: report.configOrigin } : {}),
    regressed: report.regressed,
    prompts: report.prompts.map((p) => ({
      path: p.path,
      ...(p.previousPath ? { previousPath: p.previousPath } : {}),
      status: p.status,
      ...(p.reason ? { reason: p.reason } : {}),
      ...(p.definedBy ? { definedBy: p.definedBy } : {}),
      ...(p.testChanges ? { testChanges: p.testChanges } : {}),
      base: side(p, 'base'),
      head: side(p, 'head'),
      delta: Object.fromEntries(p.splits.flatMap((s) => (s.paired ? [[s.split, delta(s.paired)]] : []))),
      ...(p.split ? { split: p.split } : {}),
      regressed: p.regressed,
      state: p.state,
      verdict: p.verdict,
      verdictKind: p.verdictKind,
      ...(p.error ? { error: p.error } : {}),
      ...(p.pairwise ? { pairwise: pairwiseJson(p.pairwise) } : {}),
      ...(p.judge ? { judge: judgeSummary(p.judge) } : {}),
      ...(p.suggestion
        ? {
            suggestion: {
              source: p.suggestion.source,
              text: p.suggestion.fileText,
              splits: p.suggestion.splits,
              vsHead: Object.fromEntries(Object.entries(p.suggestion.vsHead).map(([k, v]) => [k, delta(v)])),
              edits: p.suggestion.edits,
              ...(p.suggestion.withheld ? { withheld: p.suggestion.withheld } : {}),
            },
          }
        : {}),
      usage: p.usage,
      wallMs: p.wallMs,
    })),
    notes: report.notes,
    usage: report.usage,
    wallMs: report.wallMs,
    ...(report.budget ? { budget: report.budget } : {}),
  };
}
