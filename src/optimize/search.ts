// The search over prompts under a planned call budget: the entry point (options, .prompt.yml files,
// when to stop). Dev is cut into search and validation parts, candidates race on search, one winner per
// step is tested on validation, and test is scored for the head and the final prompt only. One run's
// state and its steps are in search-step.ts; the result in search-result.ts.
import { ConfigError } from '../core/errors.js';
import { chooseMessage, type FileOptimizeResult, intoPromptFile } from './prompt-yml.js';
import { finishSearch } from './search-result.js';
import { type OptimizeArgs, Search } from './search-step.js';
import type { OptimizeOptions } from './types.js';

function checkOptions(o: OptimizeOptions): void {
  for (const key of ['steps', 'beam', 'candidates', 'maxEditWords', 'maxCalls'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1)
      throw new ConfigError(`optimize ${key}: expected an integer >= 1, got ${o[key]}`);
  }
  if (o.maxTokens !== undefined && (!Number.isInteger(o.maxTokens) || o.maxTokens < 1)) {
    throw new ConfigError(`optimize maxTokens: expected an integer >= 1, got ${o.maxTokens}`);
  }
  if (o.search !== 'beam' && o.search !== 'pareto')
    throw new ConfigError(`optimize search: expected beam or pareto, got ${String(o.search)}`);
}

export async function optimizePrompt(args: OptimizeArgs): Promise<FileOptimizeResult> {
  const { task, splits, options } = args;
  checkOptions(options);
  if (task.kind !== 'text') {
    // One message's content is searched as a text prompt, then written back into the file.
    const chosen = chooseMessage(task);
    if ('withheld' in chosen) {
      const result = await finishSearch(new Search(args), options, chosen.withheld);
      return { ...result, file: { message: null, text: args.fileText ?? null } };
    }
    return intoPromptFile(await optimizePrompt({ ...args, task: chosen.task }), chosen, args.fileText);
  }
  const search = new Search(args);
  if (splits.dev.length === 0)
    return finishSearch(search, options, 'the dataset has no dev examples to optimize on');
  const unfit = search.cannotSearch();
  if (unfit) return finishSearch(search, options, unfit);
  const unscored = await search.scoreHead();
  if (unscored) return finishSearch(search, options, unscored);
  for (const planned of search.plan.steps) {
    if (search.stopped || (args.stopAt !== undefined && Date.now() >= args.stopAt)) break;
    await search.step(planned.step);
  }
  return finishSearch(search, options);
}
