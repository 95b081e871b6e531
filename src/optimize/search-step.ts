// One run of the search. The roles of the data, the plan, the head and best prompts, the beam or pool
// and the step reports are shared by every stage of a step, so they are fields of one object and each
// stage can be read alone. Figures for the report are assembled in search-result.ts.
import { evaluate, type EvalRun, type SplitRun } from '../eval/run.js';
import { callsPerExample } from '../eval/cost.js';
import type { EvalTask, Example } from '../core/types.js';
import type { LlmClient } from '../llm/client.js';
import { minFlipsToAccept, stepLevel, testOnValidation } from './accept.js';
import { type AskContext, BudgetExhausted } from './ask.js';
import { Budget } from './budget.js';
import { drawParents, lessonsFor } from './pareto.js';
import { planSearch, rungsFor } from './plan.js';
import { type ProposeContext, proposalCost, proposeFrom } from './propose.js';
import { prefixAccuracy, race, runOf } from './race.js';
import { admit } from './admit.js';
import { assignRoles, pick, type Roles } from './roles.js';
import { Tally } from './tally.js';
import type { Candidate, OptimizeOptions, Purpose, SearchPlan, StepReport } from './types.js';

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
  /** Epoch ms after which no new batch starts: the best so far is kept. */
  stopAt?: number;
  /** The prompt file's text as read: a .prompt.yml's best message is written back into it. */
  fileText?: string;
}

/** Extra rounds of proposals a step may ask for, and how far apart their nonces are from the step's. */
const TOP_UP_ROUNDS = 2;
const ROUND_STRIDE = 1_000;

export class Search {
  readonly tally = new Tally();
  readonly budget: Budget;
  readonly roles: Roles;
  readonly head: Candidate;
  headTest?: SplitRun;
  bestTest?: SplitRun;
  best: Candidate;
  bestStep = 0;
  plan: SearchPlan;
  readonly steps: StepReport[] = [];
  readonly level: number;
  private readonly ctx: ProposeContext;
  private readonly seen: Set<string>;
  /** Beam: the best-ranked prompts of the last race. Pareto: every prompt that raced the whole search set. */
  private beam: Candidate[];
  private readonly pool: Candidate[] = [];
  private halted = false;

  constructor(private readonly args: OptimizeArgs) {
    const { task, client, options, splits } = args;
    this.budget = new Budget(client, options.maxCalls, options.maxTokens ?? null);
    this.roles = assignRoles(splits.dev, splits.test, options.seed);
    this.head = { prompt: task.prompt, parent: null, step: 0, edits: [], size: 0 };
    this.best = this.head;
    const ask: AskContext = {
      client,
      model: args.optimizerModel,
      seed: options.seed,
      budget: this.budget,
      tally: this.tally,
      keep: this.roles.test.length * callsPerExample(task),
      structured: true,
    };
    this.ctx = { ask, task, options, head: this.head.prompt };
    this.seen = new Set<string>([this.head.prompt]);
    this.beam = [this.head];
    this.plan = planSearch({
      steps: options.steps,
      beam: options.beam,
      candidates: options.candidates,
      cost: (candidates) => proposalCost({ ...options, candidates }),
      sizes: {
        search: this.roles.search.length,
        validation: this.roles.validation.length,
        test: this.roles.test.length,
      },
      headCalls: this.headCallsNeeded(),
      samples: callsPerExample(task),
      maxCalls: options.maxCalls,
      maxTokens: options.maxTokens ?? null,
    });
    this.level = stepLevel(Math.max(1, this.plan.steps.length));
  }

  get stopped(): boolean {
    return this.halted;
  }

  /** Why no search can be run on these splits, if so. */
  cannotSearch(): string | undefined {
    const need = minFlipsToAccept(this.level);
    if (this.roles.validation.length < need)
      return `dev has ${this.args.splits.dev.length} examples; half of it validates, and accepting a new prompt there needs at least ${need} validation examples (${2 * need} dev)`;
    if (this.plan.steps.length === 0)
      return `max-calls ${this.args.options.maxCalls} leaves nothing for a search step after scoring the head prompt`;
    return undefined;
  }

  private late(): boolean {
    return this.args.stopAt !== undefined && Date.now() >= this.args.stopAt;
  }

  /** Scores `prompt` on `examples`, booked to `purpose`; null when the budget or the deadline refused. */
  async score(prompt: string, examples: Example[], keep: number, purpose: Purpose): Promise<SplitRun | null> {
    if (examples.length === 0) return runOf([]);
    if (this.late()) return null;
    const { task, client, taskModel, stopAt } = this.args;
    const run = await this.budget.within(
      examples.length * callsPerExample(task),
      keep,
      () =>
        evaluate(
          task,
          { dev: examples },
          { client, model: taskModel, prompt, ...(stopAt ? { stopAt } : {}) },
        ),
      purpose,
    );
    if (!run || run.stopped || run.overBudget) return null;
    return run.splits.dev!;
  }

  private headCallsNeeded(): number {
    const given = this.args.headRun?.splits;
    const dev = [...this.roles.search, ...this.roles.validation];
    return (
      (pick(given?.dev, dev) ? 0 : dev.length) +
      (pick(given?.test, this.roles.test) ? 0 : this.roles.test.length)
    );
  }

  /** The head prompt's figures on every role: from the caller's run where it has them. */
  async scoreHead(): Promise<string | undefined> {
    const given = this.args.headRun?.splits;
    const before = this.budget.calls();
    const parts: [Example[], SplitRun | undefined, Purpose, (run: SplitRun) => void][] = [
      [this.roles.search, given?.dev, 'task-search', (run) => (this.head.search = run)],
      [this.roles.validation, given?.dev, 'task-validation', (run) => (this.head.validation = run)],
      [this.roles.test, given?.test, 'task-test', (run) => (this.headTest = run)],
    ];
    for (const [examples, run, purpose, keep] of parts) {
      const results = pick(run, examples);
      const scored = results ? runOf(results) : await this.score(this.head.prompt, examples, 0, purpose);
      if (!scored) return `max-calls ${this.args.options.maxCalls} is too small to score the head prompt`;
      keep(scored);
    }
    this.pool.push(this.head);
    const calls = this.budget.calls() - before;
    this.report(
      0,
      { proposed: 0, scored: 0, survivors: 0, accepted: false, winner: null },
      calls,
      this.plan.fixed.head,
    );
    return undefined;
  }

  /** Calls later work is promised: the final test, this step's validation, the later steps' plans. */
  private keepAfter(step: number, validation: boolean): number {
    const later = this.plan.steps.filter((s) => s.step > step).reduce((n, s) => n + s.calls.total, 0);
    return this.plan.fixed.finalTest + (validation ? this.roles.validation.length : 0) + later;
  }

  async step(step: number): Promise<void> {
    const planned = this.plan.steps[step - 1]!;
    const before = this.budget.calls();
    const parents =
      this.args.options.search === 'pareto'
        ? drawParents(this.pool, planned.parents, this.args.options.seed, step)
        : this.beam.slice(0, planned.parents);
    // Fewer parents than planned (a small pool, a beam not yet full) share the step's proposals.
    const share = Math.floor(planned.proposals / Math.max(1, parents.length));
    const perParent = Math.min(2 * this.args.options.candidates, Math.max(planned.perParent, share));
    const fresh = admit(await this.expand(parents, step, perParent), this.seen, this.head.prompt, this.tally);
    await this.topUp(fresh, parents, step, perParent);
    const contestants = [...new Set([...parents, ...fresh])];
    const keep = this.keepAfter(step, true);
    const full = this.plan.raced;
    const examples = this.roles.search.slice(0, full);
    const outcome = await race(contestants, examples, rungsFor(contestants.length, full), (c, slice) =>
      this.score(c.prompt, slice, keep, 'task-search'),
    );
    if (outcome.cut) this.halted = true;
    this.beam = outcome.ranked.slice(0, this.args.options.beam);
    for (const c of outcome.survivors)
      if ((c.search?.results.length ?? 0) >= full && !this.pool.includes(c)) this.pool.push(c);
    const { accepted, winner } = await this.validate(outcome.ranked[0], step);
    const children = new Set(fresh);
    this.report(
      step,
      {
        proposed: fresh.length,
        scored: [...outcome.scored].filter((c) => children.has(c)).length,
        survivors: outcome.survivors.filter((c) => children.has(c) && (c.search?.results.length ?? 0) >= full)
          .length,
        accepted,
        winner,
      },
      this.budget.calls() - before,
      planned.calls.total,
    );
  }

  /**
   * Proposals often repeat one another (two gradients naming the same fix): when fewer than
   * `candidates` new prompts came back, the first parent is asked again, as another round with its
   * own nonce (and so another minibatch), at most TOP_UP_ROUNDS times.
   */
  private async topUp(fresh: Candidate[], parents: Candidate[], step: number, perParent: number) {
    const want = this.args.options.candidates;
    for (let round = 1; round <= TOP_UP_ROUNDS && fresh.length < want && parents[0]; round++) {
      if (this.halted || this.late()) return;
      const more = await this.expand([parents[0]], step + round * ROUND_STRIDE, perParent);
      for (const c of more.flat()) c.step = step;
      fresh.push(...admit(more, this.seen, this.head.prompt, this.tally));
    }
  }

  private async expand(parents: Candidate[], step: number, candidates: number): Promise<Candidate[][]> {
    const groups: Candidate[][] = [];
    const ctx = { ...this.ctx, options: { ...this.ctx.options, candidates } };
    for (const parent of parents) {
      if (this.halted || this.late()) break;
      // Its search answers only: validation is never shown (proposeFrom keeps the wrong ones).
      const failures = parent.search?.results ?? [];
      const lessons = this.args.options.search === 'pareto' ? lessonsFor(parent, this.pool) : [];
      try {
        groups.push(await proposeFrom(ctx, parent, step, failures, lessons));
      } catch (error) {
        if (!(error instanceof BudgetExhausted)) throw error;
        this.halted = true;
      }
    }
    return groups;
  }

  /** The step's winner, chosen on search, is tested once on validation against the current best. */
  private async validate(winner: Candidate | undefined, step: number) {
    const none = { accepted: false, winner: null } as const;
    if (!winner || winner === this.best || !winner.search) return none;
    const n = winner.search.results.length;
    const searchAcc = prefixAccuracy(winner, n);
    // Only a winner ahead of the best on the same search examples is worth its validation calls.
    if (searchAcc === null || searchAcc <= (prefixAccuracy(this.best, n) ?? -1)) return none;
    if (!winner.validation) {
      const run = await this.score(
        winner.prompt,
        this.roles.validation,
        this.keepAfter(step, false),
        'task-validation',
      );
      if (!run) {
        this.halted = true;
        return none;
      }
      winner.validation = run;
    }
    const test = testOnValidation(this.best.validation!, winner.validation, this.level);
    if (test.accepted) {
      this.best = winner;
      this.bestStep = step;
    }
    const summary = {
      search: searchAcc,
      validation: winner.validation.summary.accuracy,
      pValue: test.pValue,
    };
    return { accepted: test.accepted, winner: summary };
  }

  private report(
    step: number,
    s: Pick<StepReport, 'proposed' | 'scored' | 'survivors' | 'accepted' | 'winner'>,
    calls: number,
    plannedCalls: number,
  ): void {
    const full = this.plan.raced;
    const report: StepReport = {
      step,
      ...s,
      search: prefixAccuracy(this.best, full),
      validation: this.best.validation?.summary.accuracy ?? null,
      calls,
      plannedCalls,
    };
    this.steps.push(report);
    this.args.onStep?.(report);
  }
}
