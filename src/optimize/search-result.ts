// From a finished search to its result: the final prompt's test figure (the one scoring of test after
// the head's), the paired figures against the head, and why a suggestion is withheld. Whether it is
// made was decided on validation; test only reports it, so no posted figure is conditioned on test.
import type { SplitRun } from '../eval/run.js';
import type { SplitName } from '../core/types.js';
import { pValue } from '../core/format.js';
import { prefixAccuracy, runOf } from './race.js';
import { spansFor, vsHeadOf } from './result.js';
import type { Search } from './search-step.js';
import type { Candidate, OptimizeOptions, OptimizeResult, PromptScore } from './types.js';

const accuracy = (run: SplitRun | undefined) => run?.summary.accuracy ?? null;

/** Search and validation answers together, in file order: the prompt's dev run. */
function devRun(c: Candidate): SplitRun | undefined {
  if (!c.search || !c.validation) return undefined;
  return runOf(
    [...c.search.results, ...c.validation.results].sort(
      (a, b) => a.line - b.line || (a.row ?? 0) - (b.row ?? 0),
    ),
  );
}

/** `raced`: the search examples every finalist answered, so search figures compare like with like. */
function scoreOf(c: Candidate, test: SplitRun | undefined, raced: number): PromptScore {
  return {
    prompt: c.prompt,
    dev: accuracy(devRun(c)),
    search: prefixAccuracy(c, raced),
    validation: accuracy(c.validation),
    test: accuracy(test),
  };
}

function whyWithheld(s: Search, options: OptimizeOptions): string | undefined {
  if (s.best === s.head) {
    const budget = s.budget.exhausted() ? ` before the budget of ${options.maxCalls} calls ran out` : '';
    return `no candidate beat the head prompt on validation (one-sided sign test at p < ${pValue(s.level)})${budget}`;
  }
  if (s.roles.test.length > 0 && !s.bestTest)
    return 'the best prompt could not be scored on test within the budget';
  return undefined;
}

/** Scores the accepted prompt on test (when one was accepted) and assembles the result. */
export async function finishSearch(
  s: Search,
  options: OptimizeOptions,
  withheld?: string,
): Promise<OptimizeResult> {
  if (!withheld && s.best !== s.head && s.roles.test.length > 0) {
    s.bestTest = (await s.score(s.best.prompt, s.roles.test, 0, 'task-test')) ?? undefined;
  }
  const why = withheld ?? whyWithheld(s, options);
  const full = s.plan.raced;
  const runsOf = (c: Candidate, test: SplitRun | undefined) => {
    const runs: Partial<Record<SplitName, SplitRun>> = {};
    const dev = devRun(c);
    if (dev) runs.dev = dev;
    if (test) runs.test = test;
    return runs;
  };
  const headRuns = runsOf(s.head, s.headTest);
  const bestRuns = s.best === s.head ? headRuns : runsOf(s.best, s.bestTest);
  const improved = s.best !== s.head;
  return {
    method: options.method,
    mode: options.mode,
    search: options.search,
    head: scoreOf(s.head, s.headTest, full),
    best: { ...scoreOf(s.best, s.best === s.head ? s.headTest : s.bestTest, full), step: s.bestStep },
    improved,
    spans: improved ? spansFor(s.head.prompt, s.best) : [],
    plan: s.plan,
    steps: s.steps,
    budget: s.budget.use(),
    splits: {
      search: s.roles.search.length,
      validation: s.roles.validation.length,
      test: s.roles.test.length,
    },
    discarded: s.tally.discarded(),
    repaired: s.tally.repairs(),
    vsHead: vsHeadOf(headRuns, bestRuns),
    ...(why ? { withheld: why } : {}),
    runs: { best: bestRuns, head: headRuns },
  };
}
