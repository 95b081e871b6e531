// The optimizer's result as the review shows it: the suggested file, its figures against the head
// prompt, and why it is withheld when it should not be posted. Whether it is posted was decided by the
// search on validation: test is reported, never a condition, so a posted test figure is not selected
// for having come out well.
import type { EvalRun } from '../eval/run.js';
import { type FileOptimizeResult, vsHeadOf } from '../optimize/index.js';
import type { Suggestion, SuggestionStep } from './model.js';

/**
 * Search and validation accuracy of the best prompt after each step; test only where the search scored
 * it, i.e. for the head prompt (step 0) and for the final prompt (the last step), never in between.
 */
export function suggestionSteps(result: FileOptimizeResult): SuggestionStep[] {
  const last = result.steps.at(-1)?.step;
  return result.steps.map(({ step, search, validation }) => {
    const out: SuggestionStep = { step, search, validation };
    if (step === last) out.test = result.best.test;
    else if (step === 0) out.test = result.head.test;
    return out;
  });
}

/** The review's suggestion for the optimized prompt; `withheld` says why it should not be posted. */
export function toSuggestion(result: FileOptimizeResult, headRun?: EvalRun): Suggestion {
  const vsHead = headRun ? vsHeadOf(headRun.splits, result.runs.best) : result.vsHead;
  const splits: Suggestion['splits'] = {};
  for (const split of ['dev', 'test'] as const) {
    const run = result.runs.best[split];
    if (run) splits[split] = run.summary;
  }
  return {
    // A .prompt.yml's best prompt is one message: the suggestion is the whole file around it.
    fileText: result.file?.text ?? result.best.prompt,
    source: `LPO, ${result.method}, ${result.mode} mode`,
    splits,
    vsHead,
    edits: result.spans,
    steps: suggestionSteps(result),
    budget: {
      calls: result.budget.calls,
      maxCalls: result.budget.maxCalls,
      tokens: result.budget.tokens,
      maxTokens: result.budget.maxTokens,
    },
    ...(result.withheld ? { withheld: result.withheld } : {}),
  };
}
