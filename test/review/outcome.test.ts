// The one rule both front ends follow: which outcome a report comes to, and the lines they print.
import { describe, expect, it } from 'vitest';
import { type GatePolicy, parseGate } from '../../src/review/gate.js';
import type { PromptReview, ReviewReport, VerdictKind } from '../../src/review/model.js';
import { failureMessage, inconclusiveWarning, outcomeOf } from '../../src/review/outcome.js';

const usage = { calls: 0, cacheHits: 0, promptTokens: 0, completionTokens: 0, failedCalls: 0 };
const UNSURE = 'inconclusive: n = 3 cannot detect any drop (losing all 3 gives p = 0.25)';

function prompt(path: string, verdictKind: VerdictKind, over: Partial<PromptReview> = {}): PromptReview {
  return {
    path,
    status: 'modified',
    splits: [],
    regressed: verdictKind === 'regression',
    verdict: verdictKind === 'inconclusive' ? UNSURE : verdictKind,
    verdictKind,
    state: 'evaluated',
    flipped: { lost: [], gained: [] },
    usage,
    wallMs: 0,
    ...over,
  };
}

function report(prompts: PromptReview[], gate: Partial<GatePolicy> = {}): ReviewReport {
  return {
    version: 1,
    kind: 'review',
    simulated: true,
    partial: false,
    baseSha: 'a'.repeat(40),
    headSha: 'b'.repeat(40),
    gate: { ...parseGate({}, (k) => k), ...gate },
    prompts,
    notes: [],
    regressed: prompts.some((p) => p.regressed),
    usage,
    wallMs: 0,
  };
}

describe('outcomeOf', () => {
  it('fails on an inconclusive prompt by default, naming it and what it could detect', () => {
    const outcome = outcomeOf(report([prompt('a.txt', 'no-change'), prompt('small.txt', 'inconclusive')]));
    expect(outcome).toEqual({
      kind: 'inconclusive',
      minDetectableDrop: 10,
      prompts: [{ path: 'small.txt', verdict: UNSURE }],
    });
    expect(failureMessage(outcome)).toBe(
      `too little test data to judge (fail-on-inconclusive: true, min-detectable-drop: 10 pp): small.txt: ${UNSURE}`,
    );
    expect(inconclusiveWarning(outcome)).toBeUndefined();
  });

  it('passes with a warning under fail-on-inconclusive false or fail-on never', () => {
    for (const gate of [{ failOnInconclusive: false }, { failOn: 'never' as const }]) {
      const outcome = outcomeOf(report([prompt('small.txt', 'inconclusive')], gate));
      expect(outcome).toEqual({ kind: 'passed', inconclusive: [{ path: 'small.txt', verdict: UNSURE }] });
      expect(failureMessage(outcome)).toBeUndefined();
      expect(inconclusiveWarning(outcome)).toBe(`inconclusive, not failing the check: small.txt: ${UNSURE}`);
    }
    const partial = outcomeOf(
      report(
        [prompt('small.txt', 'inconclusive'), prompt('late.txt', 'not-evaluated', { state: 'not-run' })],
        {
          failOnInconclusive: false,
        },
      ),
    );
    expect(partial).toMatchObject({ kind: 'partial', notRun: ['late.txt'] });
    expect(inconclusiveWarning(partial)).toMatch(/small\.txt/);
  });

  it('puts a regression first, then a prompt that could not run, then too little data', () => {
    const all = [
      prompt('small.txt', 'inconclusive'),
      prompt('broken.txt', 'could-not-evaluate', { state: 'failed', failure: 'all 6 model calls failed' }),
      prompt('worse.txt', 'regression'),
    ];
    expect(outcomeOf(report(all)).kind).toBe('regressed');
    expect(outcomeOf(report(all.slice(0, 2))).kind).toBe('could-not-evaluate');
    expect(outcomeOf(report(all.slice(0, 1))).kind).toBe('inconclusive');
    expect(outcomeOf(report([prompt('ok.txt', 'no-change'), prompt('new.txt', 'new')]))).toEqual({
      kind: 'passed',
      inconclusive: [],
    });
  });
});
