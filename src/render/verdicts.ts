// The words a reader scans for: the run's verdict and one word per prompt, both read from the typed
// outcome and verdict kinds, never from the gate's sentences.
import type { PromptReview, ReviewReport } from '../review/model.js';
import { inconclusiveFails, outcomeOf } from '../review/outcome.js';

export interface VerdictWord {
  icon: string;
  word: string;
}

/** One prompt's verdict in a word or two, as the top table and its folded section show it. */
export function verdictWord(p: PromptReview): VerdictWord {
  if (p.status === 'removed' || p.state === 'deleted') return { icon: '➖', word: 'deleted' };
  // "regression" whatever else is set, so a reader (or a grep) never misses it.
  if (p.regressed) return { icon: '❌', word: 'regression' };
  if (p.state === 'failed') return { icon: '⚠️', word: 'could not evaluate' };
  if (p.state === 'not-run') return { icon: '⚠️', word: 'not evaluated (deadline)' };
  if (p.overBudget !== undefined) return { icon: '⚠️', word: 'not decided (ceiling reached)' };
  switch (p.verdictKind) {
    case 'improvement':
      return { icon: '✅', word: 'improvement' };
    case 'no-change':
      return { icon: '✅', word: 'no significant change' };
    case 'tolerated-drop':
      return { icon: '⚠️', word: 'drop the gate allows' };
    case 'inconclusive':
      return { icon: '⚠️', word: 'inconclusive' };
    case 'new':
      return { icon: '🆕', word: 'new' };
    case 'could-not-evaluate':
      return { icon: '⚠️', word: 'could not evaluate' };
    case 'regression':
      return { icon: '❌', word: 'regression' };
    default:
      return { icon: '⚠️', word: 'not evaluated' };
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The run's verdict, the first thing under the heading. */
export function overallVerdict(report: ReviewReport): string {
  const outcome = outcomeOf(report);
  const errored = report.prompts.filter((p) => p.error !== undefined).length;
  const evaluated = report.prompts.filter((p) => p.status !== 'removed' && p.error === undefined).length;
  if (outcome.kind === 'regressed') return `❌ **${plural(outcome.prompts.length, 'prompt')} regressed**`;
  if (report.regressed) return '❌ **regression** (see the gate below)';
  if (evaluated === 0 && (errored > 0 || report.partial)) return '⚠️ **evaluation could not run**';
  if (outcome.kind === 'over-budget') {
    return `⚠️ **not decided**: the run's ceiling (max-calls, max-tokens) stopped ${plural(outcome.prompts.length, 'prompt')} part-way; the check fails`;
  }
  const unsure = report.prompts.filter(
    (p) => p.verdictKind === 'inconclusive' && p.error === undefined,
  ).length;
  if (unsure > 0) {
    const effect = inconclusiveFails(report.gate)
      ? 'the check fails (fail-on-inconclusive)'
      : 'not failing the check';
    const failed = errored > 0 ? `; ${plural(errored, 'prompt')} could not be evaluated` : '';
    return `⚠️ **inconclusive**: ${plural(unsure, 'prompt')} with too little test data to detect a ${report.gate.minDetectableDrop} pp drop; ${effect}${failed}`;
  }
  if (errored > 0) {
    return `⚠️ **no regression among the evaluated prompts**; ${plural(errored, 'prompt')} could not be evaluated`;
  }
  if (evaluated === 0) return '✅ **no regression**: no prompt needed evaluating';
  return `✅ **no regression** (${plural(evaluated, 'prompt')} evaluated)`;
}
