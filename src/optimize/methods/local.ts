// Local Prompt Optimization's two steps as every method uses them: place the optimizer's tags on the
// parent (identify), then turn its span texts into candidates that differ from the parent only there.
import { type Answer, ask, type OptimizerRequest } from '../ask.js';
import { parseTagged, stripTags, type Tagged } from '../tags.js';
import type { Candidate } from '../types.js';
import type { FormatValue } from './formats.js';
import { localVersions, unwrapVersion } from './replies.js';
import { type ProposeContext, child, cleanReasons } from './shared.js';

/**
 * The tags of an identify reply, placed on the parent. Wrappers are taken off first; whitespace the
 * reply lost at the ends (a JSON string rarely keeps the file's last newline) is the parent's own.
 */
export function tagging(ctx: ProposeContext, parent: string, reply: FormatValue<'tagged'>): Tagged | null {
  const { tally } = ctx.ask;
  const eol = parent.includes('\r\n') ? '\r\n' : '\n';
  let text = unwrapVersion(parent, reply.prompt, tally).replace(/\n/g, eol);
  if (stripTags(text) === parent.trim()) {
    const lead = parent.slice(0, parent.length - parent.trimStart().length);
    const trail = parent.slice(parent.trimEnd().length);
    text = lead + text + trail;
  }
  return parseTagged(parent, text, cleanReasons(reply.reasons), ctx.options.maxEditWords, tally);
}

/** The `{{reasons}}` of a propose request: each tagged span with why it should change. */
/**
 * LPO's first step: asks the optimizer to tag the parent and places its tags; null when it gave no
 * tagging that holds. The answer is returned too, for a conversation that goes on (PE2's).
 */
export async function identify(
  ctx: ProposeContext,
  parent: string,
  req: OptimizerRequest<'tagged'>,
): Promise<{ t: Tagged; answer: Answer<'tagged'> } | null> {
  const answer = await ask(ctx.ask, req);
  const t = answer ? tagging(ctx, parent, answer.value) : null;
  return answer && t ? { t, answer } : null;
}

export const reasonsText = (t: Tagged) =>
  t.reasons.map((r, i) => `${i + 1}. "${t.spans[i]}": ${r}`).join('\n');

/** The same tags around other text: an edit's spans, to paraphrase (ProTeGi's Monte Carlo step). */
export function retagged(t: Tagged, texts: string[]): Tagged {
  return { fixed: t.fixed, spans: texts, reasons: t.reasons };
}

export interface LocalResult {
  candidates: Candidate[];
  /** The new text of every span of each candidate, in order (for paraphrasing an edit). */
  texts: string[][];
}

/**
 * Asks for span texts on `asked` (the parent's tags, or an edit's retagged spans) and keeps the
 * versions that hold; each candidate's edits are against `base`, the parent's tagging.
 */
export async function spanProposals(
  ctx: ProposeContext,
  parent: Candidate,
  base: Tagged,
  asked: Tagged,
  req: OptimizerRequest<'edits'>,
  count: number,
  step: number,
): Promise<LocalResult> {
  const { tally } = ctx.ask;
  const answer = await ask(ctx.ask, req);
  const result: LocalResult = { candidates: [], texts: [] };
  const versions = (answer?.value.versions ?? []).map((v) => v.edits);
  for (const outcome of localVersions(asked, versions, count, tally)) {
    if (!outcome.ok) {
      tally.discard(outcome.why);
      continue;
    }
    const edits = base.spans
      .map((old, i) => ({ old, new: outcome.texts[i]!, reason: base.reasons[i]! }))
      .filter((e) => e.old !== e.new);
    if (edits.length === 0) {
      tally.discard('unchanged');
      continue;
    }
    result.candidates.push(child(ctx, parent, outcome.prompt, edits, step));
    result.texts.push(outcome.texts);
  }
  return result;
}
