// Beam search over prompts under a call budget. Selection uses dev only; test is scored for the
// accepted best of each step and reported, never used to choose.
import { ConfigError } from '../core/errors.js';
import { type EvalRun, evaluate, type SplitRun } from '../eval/run.js';
import { comparePaired } from '../eval/stats.js';
import { percent } from '../eval/format.js';
import type { LlmClient } from '../llm/client.js';
import type { EvalTask, Example, SplitName } from '../core/types.js';
import { type AskContext, BudgetExhausted } from './ask.js';
import { Budget } from './budget.js';
import { chooseMessage, type FileOptimizeResult, intoPromptFile } from './prompt-yml.js';
import { type ProposeContext, proposeFrom } from './propose.js';
import { spansFor, verdicts, vsHeadOf } from './result.js';
import { Tally } from './tally.js';
import type { Candidate, OptimizeOptions, OptimizeResult, StepReport } from './types.js';

/** Overfitting guard: a new best must beat the current one on dev by an exact McNemar test at this level. */
export const ALPHA = 0.05;
/**
 * Below this many paired dev examples McNemar cannot reach ALPHA unless nearly every flip goes one way,
 * so a more lenient rule applies: at least MIN_NET_GAIN more examples right than the current best.
 */
export const MIN_PAIRED_FOR_TEST = 30;
export const MIN_NET_GAIN = 2;

export interface OptimizeArgs {
  task: EvalTask;
  splits: { dev: Example[]; test: Example[] };
  client: LlmClient;
  taskModel: string;
  optimizerModel: string;
  concurrency: number;
  options: OptimizeOptions;
  /** The head prompt's evaluation, when the caller already has it (saves its calls). */
  headRun?: EvalRun;
  onStep?: (step: StepReport) => void;
  /** Epoch ms after which no new step starts: the best so far is kept. */
  stopAt?: number;
  /** The prompt file's text as read: a .prompt.yml's best message is written back into it. */
  fileText?: string;
}

function checkOptions(o: OptimizeOptions): void {
  for (const key of ['steps', 'beam', 'candidates', 'maxEditWords', 'maxCalls'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1)
      throw new ConfigError(`optimize ${key}: expected an integer >= 1, got ${o[key]}`);
  }
  if (o.maxTokens !== undefined && (!Number.isInteger(o.maxTokens) || o.maxTokens < 1)) {
    throw new ConfigError(`optimize maxTokens: expected an integer >= 1, got ${o.maxTokens}`);
  }
}

const accuracy = (run: SplitRun | undefined | null) => run?.summary.accuracy ?? null;

/** Better dev first; ties go to the smaller edit, then to the earlier candidate. */
function rank(pool: Candidate[], order: Map<Candidate, number>): Candidate[] {
  return [...pool].sort(
    (a, b) =>
      (accuracy(b.dev) ?? -1) - (accuracy(a.dev) ?? -1) || a.size - b.size || order.get(a)! - order.get(b)!,
  );
}

/** Whether `challenger` beats `best` on dev beyond noise (see ALPHA and MIN_PAIRED_FOR_TEST). */
export function beatsOnDev(best: SplitRun, challenger: SplitRun): boolean {
  const c = comparePaired(verdicts(best.results), verdicts(challenger.results));
  if (c.delta <= 0) return false;
  return c.n >= MIN_PAIRED_FOR_TEST ? c.pValue < ALPHA : c.gained - c.lost >= MIN_NET_GAIN;
}

function alignedRun(run: SplitRun | undefined, examples: Example[]): SplitRun | undefined {
  if (!run || run.results.length !== examples.length) return undefined;
  return run.results.every((r, i) => r.id === examples[i]!.id) ? run : undefined;
}

/** Interleaves the children of different parents, so a budget cut does not starve the later parents. */
function interleave(groups: Candidate[][]): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; groups.some((g) => i < g.length); i++)
    for (const g of groups) if (i < g.length) out.push(g[i]!);
  return out;
}

export async function optimizePrompt(args: OptimizeArgs): Promise<FileOptimizeResult> {
  const { task, splits, client, options } = args;
  checkOptions(options);
  const tally = new Tally();
  const budget = new Budget(client, options.maxCalls, options.maxTokens ?? null);
  const head: Candidate = { prompt: task.prompt, parent: null, step: 0, edits: [], size: 0 };
  const headRuns: Partial<Record<SplitName, SplitRun>> = {};
  const bestRuns: Partial<Record<SplitName, SplitRun>> = {};
  const steps: StepReport[] = [];
  let best = head;
  let bestStep = 0;
  const finish = (withheld?: string): OptimizeResult => {
    const vsHead = vsHeadOf(headRuns, bestRuns);
    const improved = best !== head;
    let why = withheld;
    if (!why && !improved)
      why = `no candidate beat the head prompt on dev beyond noise${budget.exhausted() ? ` before the budget of ${options.maxCalls} calls ran out` : ''}`;
    if (!why && !bestRuns.test && splits.test.length > 0)
      why = 'the best prompt could not be scored on test within the budget';
    if (!why && vsHead.test && vsHead.test.delta < 0) {
      why = `loses to the head prompt on test (${percent(accuracy(bestRuns.test))} vs ${percent(accuracy(headRuns.test))})`;
    }
    return {
      method: options.method,
      mode: options.mode,
      head: { prompt: head.prompt, dev: accuracy(headRuns.dev), test: accuracy(headRuns.test) },
      best: {
        prompt: best.prompt,
        dev: accuracy(bestRuns.dev),
        test: accuracy(bestRuns.test),
        step: bestStep,
      },
      improved,
      spans: improved ? spansFor(head.prompt, best) : [],
      steps,
      budget: budget.use(),
      discarded: tally.discarded(),
      repaired: tally.repairs(),
      vsHead,
      ...(why ? { withheld: why } : {}),
      runs: { best: bestRuns, head: headRuns },
    };
  };
  if (task.kind !== 'text') {
    // One message's content is searched as a text prompt, then written back into the file.
    const chosen = chooseMessage(task);
    if ('withheld' in chosen)
      return { ...finish(chosen.withheld), file: { message: null, text: args.fileText ?? null } };
    return intoPromptFile(await optimizePrompt({ ...args, task: chosen.task }), chosen, args.fileText);
  }
  if (splits.dev.length === 0) return finish('the dataset has no dev examples to optimize on');

  const score = (prompt: string, split: SplitName, keep: number) =>
    budget.within(splits[split].length, keep, () =>
      evaluate(
        task,
        { [split]: splits[split] },
        { client, model: args.taskModel, concurrency: args.concurrency, prompt },
      ),
    );
  // The head prompt's figures: from the caller when they match these splits, else scored here.
  for (const split of ['dev', 'test'] as const) {
    const given = alignedRun(args.headRun?.splits[split], splits[split]);
    if (given) headRuns[split] = given;
    else if (splits[split].length > 0) {
      const run = await score(head.prompt, split, split === 'dev' ? splits.test.length : 0);
      if (!run) return finish(`max-calls ${options.maxCalls} is too small to score the head prompt`);
      headRuns[split] = run.splits[split]!;
    }
  }
  head.dev = headRuns.dev!;
  Object.assign(bestRuns, headRuns);
  const report = (s: Omit<StepReport, 'dev' | 'test' | 'gap' | 'calls'>) => {
    const dev = accuracy(bestRuns.dev);
    const test = accuracy(bestRuns.test);
    const step: StepReport = {
      ...s,
      dev,
      test,
      gap: dev !== null && test !== null ? dev - test : null,
      calls: budget.calls(),
    };
    steps.push(step);
    args.onStep?.(step);
  };
  report({ step: 0, proposals: 0, evaluated: 0, bestCandidateDev: accuracy(head.dev), accepted: false });

  // Keep enough calls to score a new best on test: that figure is promised at every step.
  const ask: AskContext = {
    client,
    model: args.optimizerModel,
    seed: options.seed,
    budget,
    tally,
    keep: splits.test.length,
    structured: true,
  };
  const ctx: ProposeContext = { ask, task, options, head: head.prompt };
  const order = new Map<Candidate, number>([[head, 0]]);
  const seen = new Set<string>([head.prompt]);
  let beam: Candidate[] = [head];
  const expanded = new Set<Candidate>();
  let stopped = false;
  for (let step = 1; step <= options.steps && !stopped; step++) {
    if (args.stopAt !== undefined && Date.now() >= args.stopAt) break;
    const groups: Candidate[][] = [];
    for (const parent of beam) {
      // A parent's failures do not change, so expanding it again would mostly buy duplicates.
      if (expanded.has(parent)) continue;
      expanded.add(parent);
      try {
        const group = await proposeFrom(ctx, parent, step);
        // Nothing usable came back (e.g. a garbage reply): try this parent again next step, when it
        // is shown another minibatch of failures, rather than stalling the search.
        if (group.length === 0) expanded.delete(parent);
        groups.push(group);
      } catch (error) {
        if (!(error instanceof BudgetExhausted)) throw error;
        stopped = true;
        break;
      }
    }
    const fresh: Candidate[] = [];
    for (const candidate of interleave(groups)) {
      if (seen.has(candidate.prompt)) {
        tally.discard('duplicate');
        continue;
      }
      seen.add(candidate.prompt);
      order.set(candidate, order.size);
      fresh.push(candidate);
    }
    const scored: Candidate[] = [];
    for (const candidate of fresh) {
      const run = stopped ? null : await score(candidate.prompt, 'dev', splits.test.length);
      if (!run) {
        stopped = true;
        break;
      }
      candidate.dev = run.splits.dev!;
      scored.push(candidate);
    }
    const pool = rank([...beam, ...scored], order);
    beam = pool.slice(0, options.beam);
    let accepted = false;
    const challenger = pool[0]!;
    if (challenger !== best && challenger.dev && beatsOnDev(bestRuns.dev!, challenger.dev)) {
      best = challenger;
      bestStep = step;
      accepted = true;
      bestRuns.dev = challenger.dev;
      delete bestRuns.test;
      if (splits.test.length > 0) {
        const run = await score(best.prompt, 'test', 0);
        if (run) bestRuns.test = run.splits.test!;
      }
    }
    report({
      step,
      proposals: fresh.length,
      evaluated: scored.length,
      bestCandidateDev: accuracy(rank(scored, order)[0]?.dev),
      accepted,
    });
  }
  return finish();
}
