// Beam search over prompts under a call budget. Selection uses dev only; test is scored for the
// accepted best of each step and reported, never used to choose. This file is the entry point (options,
// .prompt.yml files, when to stop); one run's state and its steps are in search-step.ts.
import { ConfigError } from '../core/errors.js';
import { chooseMessage, type FileOptimizeResult, intoPromptFile } from './prompt-yml.js';
import { BeamSearch, type OptimizeArgs } from './search-step.js';
import type { OptimizeOptions } from './types.js';

function checkOptions(o: OptimizeOptions): void {
  for (const key of ['steps', 'beam', 'candidates', 'maxEditWords', 'maxCalls'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1)
      throw new ConfigError(`optimize ${key}: expected an integer >= 1, got ${o[key]}`);
  }
  if (o.maxTokens !== undefined && (!Number.isInteger(o.maxTokens) || o.maxTokens < 1)) {
    throw new ConfigError(`optimize maxTokens: expected an integer >= 1, got ${o.maxTokens}`);
  }
}

export async function optimizePrompt(args: OptimizeArgs): Promise<FileOptimizeResult> {
  const { task, splits, options } = args;
  checkOptions(options);
  const search = new BeamSearch(args);
  if (task.kind !== 'text') {
    // One message's content is searched as a text prompt, then written back into the file.
    const chosen = chooseMessage(task);
    if ('withheld' in chosen)
      return { ...search.finish(chosen.withheld), file: { message: null, text: args.fileText ?? null } };
    return intoPromptFile(await optimizePrompt({ ...args, task: chosen.task }), chosen, args.fileText);
  }
  if (splits.dev.length === 0) return search.finish('the dataset has no dev examples to optimize on');
  const unscored = await search.scoreHead();
  if (unscored) return search.finish(unscored);
  for (let step = 1; step <= options.steps && !search.stopped; step++) {
    if (args.stopAt !== undefined && Date.now() >= args.stopAt) break;
    await search.step(step);
  }
  return search.finish();
}
