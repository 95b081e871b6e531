// One run of the beam search. The head prompt's figures, the beam, the accepted best and the step reports
// are shared by every stage of a step, so they are fields of one object and each stage can be read alone.
// The acceptance rule sits here because accepting a new best is where it is applied.
import { type EvalRun, evaluate, type SplitRun } from '../eval/run.js';
import { comparePaired } from '../eval/stats.js';
import { percent } from '../core/format.js';
import type { EvalTask, Example, SplitName } from '../core/types.js';
import type { LlmClient } from '../llm/client.js';
import { type AskContext, BudgetExhausted } from './ask.js';
import { Budget } from './budget.js';
import { type ProposeContext, proposeFrom } from './propose.js';
import { spansFor, verdicts, vsHeadOf } from './result.js';
import { Tally } from './tally.js';
import type { Candidate, OptimizeOptions, OptimizeResult, StepReport } from './types.js';

/** Overfitting guard: a new best must beat the current one on dev by an exact McNemar test at this level. */
export interface OptimizeArgs {
  task: EvalTask;
  splits: { dev: Example[]; test: Example[] };
  client: LlmClient;
  taskModel: string;
  optimizerModel: string;
  options: OptimizeOptions;
  /** The head prompt's evaluation, when the caller already has it (saves its calls). */
  headRun?: EvalRun;
  onStep?: (step: StepReport) => void;
  /** Epoch ms after which no new step starts: the best so far is kept. */
  stopAt?: number;
  /** The prompt file's text as read: a .prompt.yml's best message is written back into it. */
  fileText?: string;
}

/** Characters that reorder how text is displayed (Trojan Source, CVE-2021-42574). */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

export const ALPHA = 0.05;
/**
 * Below this many paired dev examples McNemar cannot reach ALPHA unless nearly every flip goes one way,
 * so a more lenient rule applies: at least MIN_NET_GAIN more examples right than the current best.
 */
export const MIN_PAIRED_FOR_TEST = 30;
export const MIN_NET_GAIN = 2;

/** Whether `challenger` beats `best` on dev beyond noise (see ALPHA and MIN_PAIRED_FOR_TEST). */
export function beatsOnDev(best: SplitRun, challenger: SplitRun): boolean {
  const c = comparePaired(verdicts(best.results), verdicts(challenger.results));
  if (c.delta <= 0) return false;
  return c.n >= MIN_PAIRED_FOR_TEST ? c.pValue < ALPHA : c.gained - c.lost >= MIN_NET_GAIN;
}

const accuracy = (run: SplitRun | undefined | null) => run?.summary.accuracy ?? null;

/** Better dev first; ties go to the smaller edit, then to the earlier candidate. */
function rank(pool: Candidate[], order: Map<Candidate, number>): Candidate[] {
  return [...pool].sort(
    (a, b) =>
      (accuracy(b.dev) ?? -1) - (accuracy(a.dev) ?? -1) || a.size - b.size || order.get(a)! - order.get(b)!,
  );
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

type Runs = Partial<Record<SplitName, SplitRun>>;
const accuracies = (runs: Runs) => ({ dev: accuracy(runs.dev), test: accuracy(runs.test) });

export class BeamSearch {
  private readonly tally = new Tally();
  private readonly budget: Budget;
  private readonly head: Candidate;
  private readonly headRuns: Runs = {};
  private readonly bestRuns: Runs = {};
  private readonly steps: StepReport[] = [];
  private best: Candidate;
  private bestStep = 0;
  private readonly ctx: ProposeContext;
  private readonly order: Map<Candidate, number>;
  private readonly seen: Set<string>;
  private beam: Candidate[];
  private readonly expanded = new Set<Candidate>();
  private halted = false;

  constructor(private readonly args: OptimizeArgs) {
    const { task, client, options } = args;
    this.budget = new Budget(client, options.maxCalls, options.maxTokens ?? null);
    this.head = { prompt: task.prompt, parent: null, step: 0, edits: [], size: 0 };
    this.best = this.head;
    // Keep enough calls to score a new best on test: that figure is promised at every step.
    const ask: AskContext = {
      client,
      model: args.optimizerModel,
      seed: options.seed,
      budget: this.budget,
      tally: this.tally,
      keep: args.splits.test.length,
      structured: true,
    };
    this.ctx = { ask, task, options, head: this.head.prompt };
    this.order = new Map<Candidate, number>([[this.head, 0]]);
    this.seen = new Set<string>([this.head.prompt]);
    this.beam = [this.head];
  }

  /** True once the budget cut a step short: a later step could not afford more. */
  get stopped(): boolean {
    return this.halted;
  }

  /** Returns why the search cannot start, if the head prompt could not be scored. */
  async scoreHead(): Promise<string | undefined> {
    const { splits, options } = this.args;
    // The head prompt's figures: from the caller when they match these splits, else scored here.
    for (const split of ['dev', 'test'] as const) {
      const given = alignedRun(this.args.headRun?.splits[split], splits[split]);
      if (given) this.headRuns[split] = given;
      else if (splits[split].length > 0) {
        const run = await this.score(this.head.prompt, split, split === 'dev' ? splits.test.length : 0);
        if (!run) return `max-calls ${options.maxCalls} is too small to score the head prompt`;
        this.headRuns[split] = run.splits[split]!;
      }
    }
    this.head.dev = this.headRuns.dev!;
    Object.assign(this.bestRuns, this.headRuns);
    const dev = accuracy(this.head.dev);
    this.report({ step: 0, proposals: 0, evaluated: 0, bestCandidateDev: dev, accepted: false });
    return undefined;
  }

  async step(step: number): Promise<void> {
    const fresh = this.admit(await this.expand(step));
    const scored = await this.scoreOnDev(fresh);
    const pool = rank([...this.beam, ...scored], this.order);
    this.beam = pool.slice(0, this.args.options.beam);
    const accepted = await this.acceptIfBetter(pool[0]!, step);
    const bestCandidateDev = accuracy(rank(scored, this.order)[0]?.dev);
    this.report({ step, proposals: fresh.length, evaluated: scored.length, bestCandidateDev, accepted });
  }

  private score(prompt: string, split: SplitName, keep: number) {
    const { task, splits, client } = this.args;
    return this.budget.within(splits[split].length, keep, () =>
      evaluate(task, { [split]: splits[split] }, { client, model: this.args.taskModel, prompt }),
    );
  }

  private async expand(step: number): Promise<Candidate[][]> {
    const groups: Candidate[][] = [];
    for (const parent of this.beam) {
      // A parent's failures do not change, so expanding it again would mostly buy duplicates.
      if (this.expanded.has(parent)) continue;
      this.expanded.add(parent);
      try {
        const group = await proposeFrom(this.ctx, parent, step);
        // Nothing usable came back (e.g. a garbage reply): try this parent again next step, when it
        // is shown another minibatch of failures, rather than stalling the search.
        if (group.length === 0) this.expanded.delete(parent);
        groups.push(group);
      } catch (error) {
        if (!(error instanceof BudgetExhausted)) throw error;
        this.halted = true;
        break;
      }
    }
    return groups;
  }

  /**
   * Drops prompts already seen, and prompts where the optimizer added bidi controls (a suggestion
   * is committed as is, and those make the text read other than it runs); the rest get their arrival
   * number, rank's last tie-break.
   */
  private admit(groups: Candidate[][]): Candidate[] {
    const fresh: Candidate[] = [];
    for (const candidate of interleave(groups)) {
      if (BIDI.test(candidate.prompt) && !BIDI.test(this.head.prompt)) {
        this.tally.discard('bidi controls');
        continue;
      }
      if (this.seen.has(candidate.prompt)) {
        this.tally.discard('duplicate');
        continue;
      }
      this.seen.add(candidate.prompt);
      this.order.set(candidate, this.order.size);
      fresh.push(candidate);
    }
    return fresh;
  }

  private async scoreOnDev(fresh: Candidate[]): Promise<Candidate[]> {
    const scored: Candidate[] = [];
    for (const candidate of fresh) {
      const run = this.halted
        ? null
        : await this.score(candidate.prompt, 'dev', this.args.splits.test.length);
      if (!run) {
        this.halted = true;
        break;
      }
      candidate.dev = run.splits.dev!;
      scored.push(candidate);
    }
    return scored;
  }

  private async acceptIfBetter(challenger: Candidate, step: number): Promise<boolean> {
    if (challenger === this.best || !challenger.dev || !beatsOnDev(this.bestRuns.dev!, challenger.dev))
      return false;
    this.best = challenger;
    this.bestStep = step;
    this.bestRuns.dev = challenger.dev;
    delete this.bestRuns.test;
    if (this.args.splits.test.length > 0) {
      const run = await this.score(challenger.prompt, 'test', 0);
      if (run) this.bestRuns.test = run.splits.test!;
    }
    return true;
  }

  private report(s: Omit<StepReport, 'dev' | 'test' | 'gap' | 'calls'>): void {
    const { dev, test } = accuracies(this.bestRuns);
    const step: StepReport = {
      ...s,
      dev,
      test,
      gap: dev !== null && test !== null ? dev - test : null,
      calls: this.budget.calls(),
    };
    this.steps.push(step);
    this.args.onStep?.(step);
  }

  finish(withheld?: string): OptimizeResult {
    const { options, splits } = this.args;
    const { head, best, headRuns, bestRuns, budget } = this;
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
      head: { prompt: head.prompt, ...accuracies(headRuns) },
      best: { prompt: best.prompt, ...accuracies(bestRuns), step: this.bestStep },
      improved,
      spans: improved ? spansFor(head.prompt, best) : [],
      steps: this.steps,
      budget: budget.use(),
      discarded: this.tally.discarded(),
      repaired: this.tally.repairs(),
      vsHead,
      ...(why ? { withheld: why } : {}),
      runs: { best: bestRuns, head: headRuns },
    };
  }
}
