// What `lpo optimize` shows of one result: the JSON shape (everything but the per-example runs) and
// the human text (the plan against what each step used, accuracy on search and validation per step,
// test for the head and the final prompt only, and the final prompt in full).
import { DASH, percent, pValue } from '../core/format.js';
import { SIMULATED_NOTE } from '../eval/format.js';
import type { FileOptimizeResult, OptimizeResult } from '../optimize/index.js';

type Out = Pick<NodeJS.WriteStream, 'write'>;

/** What --write did for one prompt: the path written, or why nothing was. */
export type WriteOutcome = { written: true; path: string } | { written: false; why: string };

/** `used` is `calls` under the name the plan's figures are compared with; `maxCalls` and it come first. */
function budgetJson(b: OptimizeResult['budget']) {
  const { maxCalls, calls, byPurpose, ...rest } = b;
  return { maxCalls, used: calls, byPurpose, calls, ...rest };
}

/** The JSON shape of one result: everything but the per-example runs. */
export function resultJson(
  promptPath: string,
  result: OptimizeResult,
  simulated: boolean,
  write?: WriteOutcome,
) {
  return {
    prompt: promptPath,
    simulated,
    method: result.method,
    mode: result.mode,
    search: result.search,
    head: result.head,
    best: result.best,
    improved: result.improved,
    spans: result.spans,
    plan: result.plan,
    steps: result.steps,
    budget: budgetJson(result.budget),
    splits: result.splits,
    discarded: result.discarded,
    repaired: result.repaired,
    ...(result.withheld ? { withheld: result.withheld } : {}),
    ...(write ? { written: write.written } : {}),
  };
}

/** The text --write puts into the prompt file, or why there is none (decided on validation by the search). */
export function suggestedText(result: FileOptimizeResult): { text: string } | { why: string } {
  if (result.withheld) return { why: result.withheld };
  if (!result.improved) return { why: 'no candidate was accepted over the head prompt' };
  // A .prompt.yml's best prompt is one message's content: the file is the whole text around it.
  if (result.file) {
    return result.file.text === null ? { why: 'the file text was not given' } : { text: result.file.text };
  }
  return { text: result.best.prompt };
}

function table(rows: string[][], out: Out): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) out.write(`${r.map((cell, c) => cell.padStart(widths[c]!)).join('  ')}\n`);
}

const n = (x: number) => x.toLocaleString('en-US');

/** One line per planned step: what the planner fitted to the budget before the first call. */
function planLines(result: OptimizeResult, out: Out): void {
  const { plan, splits } = result;
  out.write(
    `data: ${n(splits.search)} search, ${n(splits.validation)} validation, ${n(splits.test)} test examples\n`,
  );
  out.write(
    `plan: ${n(plan.total)} calls (head ${n(plan.fixed.head)}, final prompt on test ${n(plan.fixed.finalTest)})\n`,
  );
  for (const s of plan.steps) {
    const c = s.calls;
    const ran = result.steps.find((r) => r.step === s.step);
    const actual = ran ? `used ${n(ran.calls)}, ${ran.proposed} proposed, ${ran.scored} scored` : 'not run';
    out.write(
      `  step ${s.step}: ${s.parents} parent${s.parents === 1 ? '' : 's'}, ${s.proposals} proposals, raced on ${s.rungs.join(' → ')} search examples; ≤ ${n(c.total)} calls (optimizer ${n(c.optimizer)}, race ${n(c.race)}, validation ${n(c.validation)}); ${actual}\n`,
    );
  }
  for (const cut of plan.fitted) out.write(`  fitted to the budget: ${cut}\n`);
}

/** Per step what was done, against the plan: accuracy of the best on search and validation. */
function stepTable(result: OptimizeResult, out: Out): void {
  const rows = [
    [
      'step',
      'proposed',
      'scored',
      'survivors',
      'search',
      'validation',
      'winner val',
      'p',
      'accepted',
      'calls',
      'planned',
    ],
  ];
  for (const s of result.steps) {
    const p = s.winner?.pValue;
    rows.push([
      String(s.step),
      String(s.proposed),
      String(s.scored),
      String(s.survivors),
      percent(s.search),
      percent(s.validation),
      s.winner ? percent(s.winner.validation) : DASH,
      p === null || p === undefined ? DASH : pValue(p),
      s.accepted ? 'yes' : '',
      n(s.calls),
      n(s.plannedCalls),
    ]);
  }
  table(rows, out);
}

function budgetLine(result: OptimizeResult, out: Out): void {
  const b = result.budget;
  const tokens =
    b.maxTokens === null ? `${n(b.tokens)} tokens` : `${n(b.tokens)} of ${n(b.maxTokens)} tokens`;
  const purposes = Object.entries(b.byPurpose)
    .map(([k, v]) => `${k} ${n(v)}`)
    .join(', ');
  out.write(
    `budget: ${n(b.calls)} of ${n(b.maxCalls)} calls (${purposes}), ${tokens}${b.exhausted ? ' (exhausted)' : ''}\n`,
  );
}

function scoreLine(label: string, s: OptimizeResult['head']): string {
  return `${label}: search ${percent(s.search)}, validation ${percent(s.validation)}, test ${percent(s.test)}`;
}

export function printResult(promptPath: string, result: OptimizeResult, simulated: boolean, out: Out): void {
  const label = simulated ? ' SIMULATED' : '';
  out.write(`\n${promptPath}: LPO (${result.method}, ${result.mode}, ${result.search} search)${label}\n`);
  planLines(result, out);
  stepTable(result, out);
  out.write(
    `${scoreLine(`best (step ${result.best.step})`, result.best)}; ${scoreLine('head', result.head)}\n`,
  );
  out.write('  (test is scored for the head and the final prompt only and never chooses)\n');
  for (const span of result.spans) {
    out.write(`  ${JSON.stringify(span.old)} → ${JSON.stringify(span.new)}\n    because ${span.reason}\n`);
  }
  if (result.improved) {
    const text = result.best.prompt;
    out.write(
      `final prompt (step ${result.best.step}):\n-----\n${text}${text.endsWith('\n') ? '' : '\n'}-----\n`,
    );
  } else out.write('final prompt: the head prompt, unchanged\n');
  budgetLine(result, out);
  const counts = (r: Record<string, number>) =>
    Object.entries(r)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  out.write(`discarded: ${counts(result.discarded)}; repaired: ${counts(result.repaired)}\n`);
  if (result.withheld) out.write(`no suggestion: ${result.withheld}\n`);
  else if (result.improved)
    out.write(`suggestion: accepted on validation at step ${result.best.step} (--write applies it)\n`);
  else out.write('no suggestion: no candidate was accepted over the head prompt\n');
  if (simulated) out.write(`${SIMULATED_NOTE}\n`);
}
