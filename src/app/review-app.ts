// The review as one application call, shared by the Action and `lpo review`: changed files in,
// report and outcome out. Each front end brings what only it knows (where the two versions come
// from, how to print progress) and maps the outcome to its own world (outputs and posting, or files
// and an exit code).
import type { LlmClient } from '../llm/client.js';
import { emptyUsage } from '../llm/usage.js';
import type { ReviewReport } from '../review/model.js';
import { outcomeOf, type ReviewOutcome } from '../review/outcome.js';
import type { Logger } from '../core/types.js';
import { ConfigError } from '../core/errors.js';
import { runReview } from '../review/run.js';
import { promptJobs } from '../vcs/changes.js';
import type { ReviewSources } from '../vcs/sources.js';
import { loadReviewConfigs, type ReviewConfigs } from './review-configs.js';
import { allowedModels, type RunSettings } from './settings.js';

export const NOTHING_CHANGED = 'no prompt file, config or dataset covered by the config changed';

export interface ReviewAppInput {
  settings: RunSettings;
  baseSha: string;
  headSha: string;
  sources: ReviewSources;
  /** Called only when there is something to evaluate (the Action restores its cache first). */
  client: () => Promise<LlmClient>;
  logger: Logger;
  stopAt?: number;
  onProgress?: (label: string, done: number, total: number) => void;
}

export interface ReviewAppResult {
  report: ReviewReport;
  headTexts: Map<string, string>;
  outcome: ReviewOutcome;
  /** Null when nothing needed a model (the run was skipped). */
  client: LlmClient | null;
}

/** The changed prompts, and those whose config entry or dataset changed, under either config. */
function jobsFor(sources: ReviewSources, configs: ReviewConfigs) {
  const jobs = promptJobs(sources.changed, configs.gate, configs.gate.path, sources.headFiles);
  if (configs.head !== configs.gate) {
    const known = new Set(jobs.map((j) => j.path));
    for (const job of promptJobs(sources.changed, configs.head, configs.head.path, sources.headFiles)) {
      if (!known.has(job.path)) jobs.push(job);
    }
    jobs.sort((a, b) => a.path.localeCompare(b.path));
  }
  return jobs;
}

export async function reviewApp(input: ReviewAppInput): Promise<ReviewAppResult> {
  const { settings, sources } = input;
  // Read before anything else: a config error fails the run before any model call or post.
  const configs = await loadReviewConfigs({
    sources,
    configPath: settings.configPath,
    baseSha: input.baseSha,
    headSha: input.headSha,
    trustPrConfig: settings.trustPrConfig,
  });
  // Datasets are read from private copies; what users see names them by their repository paths.
  const logger = {
    info: (m: string) => input.logger.info(configs.shown(m)),
    warning: (m: string) => input.logger.warning(configs.shown(m)),
  };
  try {
    return await review({ ...input, logger }, configs);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(configs.shown(error.message));
    throw error;
  } finally {
    await configs.dispose();
  }
}

async function review(input: ReviewAppInput, configs: ReviewConfigs): Promise<ReviewAppResult> {
  const { settings, sources } = input;
  const jobs = jobsFor(sources, configs);
  if (jobs.length === 0) {
    const report: ReviewReport = {
      version: 1,
      kind: 'review',
      simulated: false,
      partial: false,
      baseSha: input.baseSha,
      headSha: input.headSha,
      gate: settings.gate,
      configOrigin: configs.origin,
      prompts: [],
      notes: sources.notes,
      regressed: false,
      usage: emptyUsage(),
      wallMs: 0,
    };
    return {
      report,
      headTexts: new Map(),
      client: null,
      outcome: { kind: 'skipped', reason: NOTHING_CHANGED },
    };
  }
  const client = await input.client();
  const { report, headTexts } = await runReview({
    configs,
    limits: { models: allowedModels(settings), maxExamples: settings.limits.maxExamples },
    baseSha: input.baseSha,
    headSha: input.headSha,
    jobs,
    notes: sources.notes,
    readBase: sources.readBase,
    readHead: sources.readHead,
    client,
    taskModel: settings.endpoint.taskModel,
    optimizerModel: settings.optimizerModel,
    gate: settings.gate,
    optimize: settings.optimize,
    optimizeOptions: settings.optimizeOptions,
    logger: input.logger,
    ...(input.stopAt !== undefined ? { stopAt: input.stopAt } : {}),
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
  });
  return { report, headTexts, client, outcome: outcomeOf(report) };
}
