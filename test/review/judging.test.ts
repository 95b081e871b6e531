// A review of a judge-scored, free-text prompt, end to end over real HTTP to the simulator: the
// judge's agreement with people's labels, base and head judged side by side in both orders, and a
// gate that follows the side-by-side verdict only while the judge is trusted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { LlmClient } from '../../src/llm/client.js';
import { reviewTasks } from '../../src/review/tasks.js';
import { renderSummary } from '../../src/render/comment.js';
import { toReviewJson } from '../../src/render/json-report.js';
import type { GatePolicy } from '../../src/review/gate.js';
import { judgeTruth } from '../../src/tools/simulator/sim-judge.js';
import { type SimulatorHandle, startSimulator } from '../../src/tools/simulator/simulator.js';
import { TempRepo } from '../helpers/git-repo.js';
import { reviewCommits } from './helpers.js';

const RUBRIC = 'The reply must say "sorry" and give the "next steps".';
const ITEMS = [
  'kettle',
  'lamp',
  'chair',
  'phone case',
  'backpack',
  'blender',
  'desk',
  'mug',
  'router',
  'scarf',
];
const PROBLEMS = [
  'arrived broken',
  'never arrived',
  'was the wrong colour',
  'stopped working',
  'was charged twice',
  'is missing a part',
];

/** 120 tickets; a reference reply meets the rubric, and every third row carries a labelled stored reply. */
function rows(labels: 'agree' | 'disagree') {
  return Array.from({ length: 120 }, (_, i) => {
    const item = ITEMS[i % ITEMS.length]!;
    const ticket = `Ticket ${1000 + i}: my ${item} ${PROBLEMS[i % PROBLEMS.length]} and I need help.`;
    const reference = `We are sorry about your ${item}. The next steps: we send a replacement for ticket ${1000 + i} today.`;
    const row: Record<string, string> = { ticket, reference };
    if (i % 3 === 0) {
      const good = i % 2 === 0;
      row.stored = good ? reference : `Please wait for our ${item} team to reply.`;
      // A person grades as the rubric reads (what the simulated judge checks), or against it.
      const truth = judgeTruth(RUBRIC, ticket, row.stored, reference).pass;
      row.human = (labels === 'agree') === truth ? 'pass' : 'fail';
    }
    return row;
  });
}

const CONFIG = (extra: string, model = '') => `prompts:
  - files: prompts/reply.txt
    dataset: data/tickets.jsonl
    input: ticket
    target: reference
    scorer: {type: judge, rubric: '${RUBRIC}', reference: reference${model}}
${extra}`;

const GATE: GatePolicy = {
  failOn: 'significant-regression',
  minDelta: 2,
  minDetectableDrop: 10,
  alpha: 0.05,
  failOnInconclusive: true,
  minJudgeAgreement: 0.6,
};

let sim: SimulatorHandle;
const allRows = rows('agree');
beforeAll(async () => {
  const answerKey = allRows.map((r) => ({ input: r.ticket!, target: r.reference! }));
  sim = await startSimulator({ seed: 3, judgeDisagreement: 0, answerKey });
});
afterAll(() => sim.close());

/** A repository whose PR turns a careful reply prompt into a hurried one. */
async function review(
  extra: string,
  data = allRows,
  logger = { info: (_: string) => {}, warning: () => {} },
  model = '',
  maxCalls?: number,
) {
  const repo = new TempRepo();
  try {
    repo.write('.github/lpo.yml', CONFIG(extra, model));
    repo.write('data/tickets.jsonl', `${data.map((r) => JSON.stringify(r)).join('\n')}\n`);
    repo.write(
      'prompts/reply.txt',
      "Reply to the customer's ticket. Think step by step about what they need.\n",
    );
    const base = repo.commit('reply prompt');
    repo.write('prompts/reply.txt', 'Guess what the customer wants and reply quickly.\n');
    const head = repo.commit('hurried reply prompt');
    const client = new LlmClient({
      baseURL: sim.url,
      apiKey: 'x',
      cacheDir: null,
      ...(maxCalls !== undefined ? { ceilings: { maxCalls } } : {}),
    });
    const before = sim.stats();
    const { report } = await reviewCommits(repo.dir, base, head, { client, gate: GATE, logger });
    const after = sim.stats();
    const sent = { pairwise: after.pairwise - before.pairwise, judge: after.judge - before.judge };
    return { report, prompt: report.prompts.find((p) => p.path === 'prompts/reply.txt')!, sent };
  } finally {
    repo.remove();
  }
}

describe('a judge-scored review', () => {
  it('judges base and head side by side in both orders and gates on that verdict', async () => {
    const infos: string[] = [];
    const { report, prompt, sent } = await review('    compare: pairwise\n', allRows, {
      info: (m) => infos.push(m),
      warning: () => {},
    });
    const pw = prompt.pairwise!;
    const test = prompt.splits.find((s) => s.split === 'test')!;
    // Both orders of every pair whose answers differ; identical answers tie without a call.
    expect(pw.errors).toBe(0);
    expect(sent.pairwise).toBe(2 * (pw.n - pw.identical));
    expect(pw.n).toBe(test.paired!.n);
    expect(pw.losses).toBeGreaterThan(pw.wins);
    expect(prompt.verdictKind).toBe('regression');
    expect(prompt.verdict).toContain('judged side by side');
    expect(pw.paired.pValue).toBeLessThan(0.05);
    // The lists carry the judge's reasons.
    expect(pw.lost.length).toBeGreaterThan(0);
    expect(pw.lost[0]!.reason).not.toBe('');
    // The plan counted the judge at its worst (a question can be asked twice: structured, then in
    // plain text): per example and side an answer and a grade, per test pair both orders.
    const dev = prompt.splits.find((s) => s.split === 'dev')!.head!.total;
    const examples = dev + test.head!.total;
    expect(infos.join('\n')).toContain(
      `Plan: at most ${(examples * 2 * (1 + 2) + 2 * 2 * test.head!.total).toLocaleString('en-US')} model requests`,
    );
    // A flipped example shows what the judge said of each side.
    const flipped = prompt.flipped.lost[0]!;
    expect(flipped.baseReason).toBeTruthy();
    expect(flipped.headReason).toMatch(/lacks/);
    const comment = renderSummary(report);
    expect(comment).toContain('_Judge on head:_ The output lacks');
    expect(comment).toContain('**Side by side**');
    expect(comment).toContain(`head better on ${pw.wins}, base on ${pw.losses}`);
    expect(comment).toContain('(side by side)');
    expect(comment).toContain("no test or dev row carries a person's label");
    const json = toReviewJson(report).prompts.find((p) => p.path === prompt.path)!;
    expect(json.pairwise).toMatchObject({ wins: pw.wins, losses: pw.losses, ties: pw.ties });
    expect(json.judge?.trust).toBe('uncalibrated');
  });

  it('shows the judge agreeing with people, and trusts it', async () => {
    const { prompt, sent } = await review('    label: human\n    labelled-output: stored\n');
    const judge = prompt.judge!;
    expect(judge.labelled).toBe(40);
    expect(judge.agreement.n).toBe(40);
    expect(judge.agreement.kappa).toBe(1);
    expect(judge.trust.status).toBe('trusted');
    // Answers graded for base and head on every example, plus one grade per labelled stored reply.
    const answered = prompt.splits.reduce((a, s) => a + s.base!.total + s.head!.total, 0);
    expect(sent.judge).toBe(answered + 40);
    expect(prompt.verdictKind).toBe('regression');
  });

  it('does not gate on a judge that disagrees with people', async () => {
    const data = rows('disagree');
    const { prompt, report } = await review(
      '    compare: pairwise\n    label: human\n    labelled-output: stored\n',
      data,
    );
    expect(prompt.judge!.trust.status).toBe('untrusted');
    expect(prompt.judge!.agreement.kappa!).toBeLessThan(0.6);
    // The same hurried prompt that regressed above decides nothing here.
    expect(prompt.pairwise!.losses).toBeGreaterThan(prompt.pairwise!.wins);
    expect(prompt.regressed).toBe(false);
    expect(prompt.verdictKind).toBe('inconclusive');
    expect(prompt.verdict).toContain('the judge is not trusted');
    expect(renderSummary(report)).toContain('not trusted');
  });

  it('counts the judge against max-calls: a ceiling the pairs do not fit decides nothing', async () => {
    // Every answer and its grade fit (2 prompts × 120 examples × 2 requests), the pairs do not.
    const { prompt, sent } = await review('    compare: pairwise\n', allRows, undefined, '', 480 + 10);
    expect(sent.pairwise).toBeLessThanOrEqual(10);
    expect(prompt.pairwise!.errors).toBeGreaterThan(0);
    expect(prompt.overBudget).toMatch(/max-calls/);
    expect(prompt.regressed).toBe(false);
    expect(prompt.verdict).toMatch(/^not decided: /);
  });

  it('refuses a judge model the owner did not allow, in one line, before any call', async () => {
    const before = sim.stats().total;
    await expect(review('    compare: pairwise\n', allRows, undefined, ', model: judge-x')).rejects.toThrow(
      /^\.github\/lpo\.yml:2 \(prompts\[0\]\): judge model "judge-x" is not allowed \(allowed: m;/,
    );
    expect(sim.stats().total).toBe(before);
  });

  it('names the row of a label that is not on the judge scale, before any call', async () => {
    const data = allRows.map((r, i) => (i === 6 ? { ...r, human: 'maybe' } : r));
    const before = sim.stats().total;
    await expect(review('    label: human\n    labelled-output: stored\n', data)).rejects.toThrow(
      /data\/tickets\.jsonl:7: label "maybe" is not pass or fail/,
    );
    expect(sim.stats().total).toBe(before);
  });
});

describe('who judges a PR', () => {
  const yml = (model: string) =>
    [
      `model: ${model}`,
      'messages:',
      '  - role: user',
      '    content: "Reply to: {{ticket}}"',
      'testData:',
      '  - {ticket: "My kettle broke.", reference: "Sorry; we send a new one."}',
      '',
    ].join('\n');
  const config = parseConfig(
    [
      'prompts:',
      '  - files: prompts/reply.prompt.yml',
      '    scorer: {type: judge, rubric: "Says sorry."}',
      '    compare: pairwise',
      '    target: reference',
    ].join('\n'),
    '.github/lpo.yml',
    '/repo',
  );
  const configs = {
    gate: config,
    head: config,
    origin: 'base' as const,
    dataset: async () => {},
    changed: new Set<string>(),
  };
  const job = { path: 'prompts/reply.prompt.yml', status: 'modified' as const };

  it("is the base file's model for both sides, never the model the PR's prompt file names", async () => {
    const limits = { models: ['trusted-m', 'pr-m'], maxExamples: 100 };
    const tasks = await reviewTasks(configs, job, yml('pr-m'), yml('trusted-m'), limits);
    expect(tasks.head.model).toBe('pr-m');
    expect(tasks.head.scorer).toMatchObject({ type: 'judge', model: 'trusted-m' });
    expect(tasks.base!.scorer).toEqual(tasks.head.scorer);
  });
});
