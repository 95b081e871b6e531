// The optimizer's result as the review shows it: the suggested file, its figures against the head
// prompt, and why it is withheld when it should not be posted.
import type { EvalRun } from '../eval/run.js';
import { type FileOptimizeResult, vsHeadOf } from '../optimize/index.js';
import type { Suggestion } from './model.js';

/** The review's suggestion for the optimized prompt; `withheld` says why it should not be posted. */
export function toSuggestion(result: FileOptimizeResult, headRun?: EvalRun): Suggestion {
  const vsHead = headRun ? vsHeadOf(headRun.splits, result.runs.best) : result.vsHead;
  const splits: Suggestion['splits'] = {};
  for (const split of ['dev', 'test'] as const) {
    const run = result.runs.best[split];
    if (run) splits[split] = run.summary;
  }
  let withheld = result.withheld;
  if (!withheld && vsHead.test && vsHead.test.delta < 0) {
    withheld = 'the optimized prompt loses to the head prompt on test';
  }
  return {
    // A .prompt.yml's best prompt is one message: the suggestion is the whole file around it.
    fileText: result.file?.text ?? result.best.prompt,
    source: `LPO, ${result.method}, ${result.mode} mode`,
    splits,
    vsHead,
    edits: result.spans,
    steps: result.steps.map(({ step, dev, test }) => ({ step, dev, test })),
    budget: {
      calls: result.budget.calls,
      maxCalls: result.budget.maxCalls,
      tokens: result.budget.tokens,
      maxTokens: result.budget.maxTokens,
    },
    ...(withheld ? { withheld } : {}),
  };
}
