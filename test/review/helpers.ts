// A review of a temporary repository's two commits, in process, as the front ends run it: the
// working copy holds the datasets already, so nothing is copied from the commits.
import { loadConfig } from '../../src/config/load.js';
import { DEFAULT_OPTIONS } from '../../src/optimize/types.js';
import { type ReviewContext, runReview } from '../../src/review/run.js';
import { promptJobs } from '../../src/vcs/changes.js';
import { gitSources } from '../../src/vcs/sources.js';

export async function reviewCommits(
  dir: string,
  base: string,
  head: string,
  ctx: Pick<ReviewContext, 'client' | 'gate'> & Partial<ReviewContext>,
) {
  const config = await loadConfig('.github/lpo.yml', dir);
  const sources = await gitSources(dir, base, head);
  return runReview({
    configs: { gate: config, head: config, origin: 'base', dataset: async () => {}, changed: new Set() },
    limits: { models: ['m'], maxExamples: 1000 },
    baseSha: base,
    headSha: head,
    jobs: promptJobs(sources.changed, config, config.path, sources.headFiles),
    notes: [],
    readBase: sources.readBase,
    readHead: sources.readHead,
    taskModel: 'm',
    optimizerModel: 'm',
    optimize: false,
    optimizeOptions: DEFAULT_OPTIONS,
    logger: { info: () => {}, warning: () => {} },
    ...ctx,
  });
}
