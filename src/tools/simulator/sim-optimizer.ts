/**
 * The simulated OPTIMIZER model: answers src/optimize's requests (prompts/*.md plus the format note
 * the code appends) from what each request holds, as sim-optimizer-read.ts reads it. Pure functions.
 *
 * It knows which rule is at fault only from the failures' symptoms (sim-scenario.ts), never from the
 * scenario table, and each piece of a request changes what it writes:
 * | asked (format)        | reply                                                                        |
 * |-----------------------|------------------------------------------------------------------------------|
 * | reasons (gradient)    | the analysis of each rule the failures show (most shown first, up to 3); no  |
 * |                       | failures: generic reasons naming no rule; no prompt: no reply                |
 * | reflection (PE2)      | per-example reasoning and reasons as above, but only with the template:      |
 * |                       | without it, reasons asking to cover cases like "<quoted input>"; without a   |
 * |                       | history, also "could go" for a sentence holding a helpful rule no failure    |
 * |                       | explains (it cannot tell what earlier steps added on purpose)                |
 * | tagged (identify)     | with failures or an analysis: the words of each rule both named and shown    |
 * |                       | (the culprit, or the last word of the first line for a missing instruction), |
 * |                       | only with the template; else the last word of the first line, reason naming  |
 * |                       | no rule. Asked for variations: words of any rule present. Each tag within    |
 * |                       | "at most N words"; with no N, the whole line                                 |
 * | edits / prompts       | see sim-optimizer-edit.ts; as many versions as "Write N" says, else 10       |
 * JSON when a json_schema response_format is sent, else the text format the note asks for.
 *
 * Variety: every draw is hashUnit(simulator seed, request seed, temperature, format, prompt, …); at
 * temperature 0 the request seed is ignored. Same seed, temperature and text: same reply.
 * Controlled imperfections (of a real model, for the parsers and enforcement to meet):
 * - 1 in 12 JSON replies ignore the schema and answer in the text format;
 * - identify: 1 in 8 tag the whole first line (over the limit when it is long), 1 in 12 add text outside
 *   the tags ("Please: "), 1 in 20 tag nothing;
 * - a gradient at temperature > 0 adds, 1 in 5, a reason no shown failure supports;
 * - span versions: 1 in 20 empty, 1 in 20 a whole tagged copy of the prompt, 1 in 20 in quotes;
 * - whole prompts: 1 in 10 wrapped in `<prompt>` inside JSON, or all in code fences in text;
 * - a request showing no prompt gets "I could not find the prompt to work on." in words, JSON asked or not.
 */
import {
  confirmed,
  type Draw,
  improving,
  ranked,
  spanVersions,
  wholeVersions,
} from './sim-optimizer-edit.js';
import {
  DROP_REASON,
  DROP_TAG_REASON,
  type OptimizerView,
  readRequest,
  requestedJob,
} from './sim-optimizer-read.js';
import { fragmentOf, sentenceWith } from './sim-optimizer-text.js';
import { hashUnit } from './sim-model.js';
import type { SimRequest } from './sim-request.js';
import { fixesFor, occurs, type Scenario, wordAt } from './sim-scenario.js';

const GENERIC = [
  'The prompt could describe the task more precisely.',
  'The prompt could say more about what a good output looks like.',
];
const SLIPS = 'The failures look like slips; nothing in the prompt explains them.';
const UNREADABLE = 'I could not find the prompt to work on.';
const GENERIC_TAG = 'a clearer instruction could go right after this word';
const WORDING_TAG = 'this wording sets how the model approaches the task';

type Value = Record<string, unknown>;

function gradient(scenario: Scenario, view: OptimizerView, draw: Draw): string[] {
  if (view.failures.length === 0) return GENERIC;
  const found = ranked(view)
    .slice(0, 3)
    .map((r) => r.analysis!);
  if (found.length === 0) return [SLIPS];
  if (view.temperature > 0 && draw('spurious') < 0.2) {
    const other = fixesFor(scenario, view.prompt!).find((r) => !view.evidence.has(r) && r.analysis);
    if (other) found.push(other.analysis!);
  }
  return found;
}

function reflection(scenario: Scenario, view: OptimizerView): Value {
  if (view.failures.length === 0)
    return {
      analysis: 'No failing examples were shown, so I can judge the prompt only by itself.',
      reasons: GENERIC,
    };
  const lines = view.failures.map((f, i) => {
    if (!view.template)
      return `Example ${i + 1}: the output is wrong. Without the request template I cannot tell which part of the request is the prompt, so I read this example as part of the task.`;
    const why = f.symptoms[0]?.analysis;
    return `Example ${i + 1}: the output is wrong and follows the prompt. ${why ?? 'Nothing in the prompt explains it: a slip.'}`;
  });
  let reasons: string[];
  if (!view.template) {
    const fragments = view.failures.map(fragmentOf).filter((f) => f !== null);
    reasons = fragments.slice(0, 2).map((f) => `The prompt should cover cases like "${f}" explicitly.`);
  } else
    reasons = ranked(view)
      .slice(0, 3)
      .map((r) => r.analysis!);
  if (view.history === null) {
    const lower = view.prompt!.toLowerCase();
    const kept = scenario.rules.find((r) => r.delta > 0 && occurs(r.pattern, lower) && !view.evidence.has(r));
    const sentence = kept && sentenceWith(view.prompt!, kept);
    if (sentence) reasons.push(DROP_REASON(sentence));
  }
  return { analysis: lines.join('\n'), reasons: reasons.length > 0 ? reasons : [SLIPS] };
}

/** [start, end) of the last word of the first non-empty line that is not a placeholder. */
function insertionPoint(prompt: string): [number, number] | null {
  const line = /^[^\n]*[\p{L}\p{N}][^\n]*/mu.exec(prompt);
  const last = line ? [...line[0].matchAll(/\S+/g)].filter((w) => !/\{\{|\}\}/.test(w[0])).at(-1) : undefined;
  return line && last ? [line.index + last.index, line.index + last.index + last[0].length] : null;
}

/** The line around [start, end): what a model not told the word limit tags. */
function lineAround(prompt: string, [start, end]: [number, number]): [number, number] {
  const s = prompt.lastIndexOf('\n', start - 1) + 1;
  const e = prompt.indexOf('\n', end);
  return [s, e < 0 ? prompt.length : e];
}

function tagSpans(scenario: Scenario, view: OptimizerView, draw: Draw) {
  const prompt = view.prompt!;
  const spans: { at: [number, number]; reason: string }[] = [];
  const add = (at: [number, number] | null, reason: string) => {
    if (at && !spans.some((s) => s.at[0] < at[1] && at[0] < s.at[1])) spans.push({ at, reason });
  };
  if (improving(view)) {
    for (const sentence of view.drops) {
      const at = prompt.indexOf(sentence);
      const words = sentence.split(/\s+/).length;
      // Within the word limit, the sentence; else the words of the rule in it.
      const rule = scenario.rules.find((r) => occurs(r.pattern, sentence.toLowerCase()));
      const inner = rule && (view.maxWords ?? words) < words ? wordAt(sentence, rule.pattern) : null;
      if (at >= 0) add(inner ? [at + inner[0], at + inner[1]] : [at, at + sentence.length], DROP_TAG_REASON);
    }
    const targets = view.template ? confirmed(view) : [];
    if (view.temperature > 0 && targets.length > 1 && draw('order') < 0.35) targets.reverse();
    const take = view.temperature > 0 && draw('how many') < 0.5 ? 1 : 2;
    // The culprits first: a missing instruction that belongs where a culprit is shares its tag.
    const chosen = targets.slice(0, take).sort((a, b) => a.delta - b.delta);
    for (const rule of chosen) {
      const at = rule.delta < 0 ? wordAt(prompt, rule.pattern) : insertionPoint(prompt);
      const shared = at && spans.find((s) => s.at[0] < at[1] && at[0] < s.at[1]);
      if (shared) shared.reason += `; ${rule.tagReason}`;
      else add(at, rule.tagReason!);
    }
  } else {
    const lower = prompt.toLowerCase();
    for (const rule of scenario.rules.filter((r) => occurs(r.pattern, lower)).slice(0, 2)) {
      add(wordAt(prompt, rule.pattern), WORDING_TAG);
    }
  }
  if (spans.length === 0) add(insertionPoint(prompt), GENERIC_TAG);
  if (view.maxWords !== null) return spans;
  // Not told how many words a tag may hold: the whole instruction line.
  const lines = spans.map((s) => ({ ...s, at: lineAround(prompt, s.at) }));
  return lines.filter((s, i) => lines.findIndex((t) => t.at[0] === s.at[0]) === i);
}

function tagging(scenario: Scenario, view: OptimizerView, draw: Draw): Value {
  const prompt = view.prompt!;
  let spans = tagSpans(scenario, view, draw);
  const line = /^[^\n]*\S[^\n]*/m.exec(prompt);
  if (line && draw('whole line') < 0.125 && line[0].split(/\s+/).length > (view.maxWords ?? 5)) {
    spans = [{ at: [line.index, line.index + line[0].length], reason: 'the whole instruction is vague' }];
  }
  spans.sort((a, b) => a.at[0] - b.at[0]);
  let tagged = '';
  let cursor = 0;
  for (const { at } of spans) {
    tagged += `${prompt.slice(cursor, at[0])}<edit>${prompt.slice(...at)}</edit>`;
    cursor = at[1];
  }
  tagged += prompt.slice(cursor);
  const u = draw('identify imperfection');
  if (u >= 0.125 && u < 0.21) tagged = `Please: ${tagged}`;
  return { prompt: tagged, reasons: spans.map((s) => s.reason) };
}

function valueFor(scenario: Scenario, view: OptimizerView, draw: Draw): Value | null {
  if (view.prompt === null) return null;
  switch (view.job) {
    case 'reasons':
      return { reasons: gradient(scenario, view, draw) };
    case 'reflection':
      return reflection(scenario, view);
    case 'tagged':
      // Now and then it finds nothing to tag and returns the prompt as it was.
      return draw('nothing') < 0.05 ? { prompt: view.prompt, reasons: [] } : tagging(scenario, view, draw);
    case 'edits': {
      const spans = [...view.prompt.matchAll(/<edit>([\s\S]*?)<\/edit>/g)].map((m) => m[1]!);
      if (spans.length === 0) return null;
      return { versions: spanVersions(scenario, view, spans, draw).map((edits) => ({ edits })) };
    }
    case 'prompts':
      return { prompts: wholeVersions(scenario, view, view.prompt, draw) };
  }
}

const numbered = (items: string[]) => items.map((r, i) => `${i + 1}. ${r}`).join('\n');

/** A version's imperfection: empty, a whole tagged copy of the prompt, or quoted. */
function messyEdits(view: OptimizerView, edits: string[], u: number): string[] {
  if (u < 0.05) return [];
  if (u < 0.1 && view.prompt) {
    let i = 0;
    return [view.prompt.replace(/<edit>[\s\S]*?<\/edit>/g, () => `<edit>${edits[i++] ?? ''}</edit>`)];
  }
  return u < 0.15 ? edits.map((e) => `"${e}"`) : edits;
}

function render(view: OptimizerView, value: Value | null, draw: Draw): string {
  const json = view.json && draw('json') >= 1 / 12;
  if (view.job === 'edits' && value) {
    const versions = (value.versions as { edits: string[] }[]).map((v, k) =>
      messyEdits(view, v.edits, draw('mess', k)),
    );
    value = { versions: versions.map((edits) => ({ edits })) };
  }
  if (view.job === 'prompts' && value && json) {
    const wrap = (p: string, k: number) => (draw('wrap', k) < 0.1 ? `<prompt>\n${p}\n</prompt>` : p);
    value = { prompts: (value.prompts as string[]).map(wrap) };
  }
  // With nothing to work on there is nothing to fill the schema with: it says so, in words.
  if (value === null) return UNREADABLE;
  if (json) return JSON.stringify(value);
  switch (view.job) {
    case 'reasons':
      return `Reasons:\n${numbered(value.reasons as string[])}`;
    case 'reflection':
      return `${value.analysis as string}\n\nReasons:\n${numbered(value.reasons as string[])}`;
    case 'tagged':
      return `<prompt>\n${value.prompt as string}\n</prompt>\nReasons:\n${numbered(value.reasons as string[])}`;
    case 'edits':
      return (value.versions as { edits: string[] }[])
        .map(
          (v) =>
            `<version>\n${v.edits.map((e) => (e.includes('<edit>') ? e : `<edit>${e}</edit>`)).join('\n')}\n</version>`,
        )
        .join('\n\n');
    case 'prompts': {
      const fenced = draw('fence') < 0.1;
      return (value.prompts as string[])
        .map((p) => (fenced ? `\`\`\`text\n${p}\n\`\`\`` : `<prompt>\n${p}\n</prompt>`))
        .join('\n\n');
    }
  }
}

/** Whether a request is one of the optimizer's (by what it asks for), not a task request. */
export const isOptimizerRequest = (request: SimRequest) => requestedJob(request) !== null;

/** The reply to an optimizer request, or null when the request is not one (see the file header). */
export function simulateOptimizer(scenario: Scenario, seed: number, request: SimRequest): string | null {
  const job = requestedJob(request);
  if (job === null) return null;
  const view = readRequest(scenario, request, job);
  const nonce = view.temperature > 0 ? String(view.seed ?? 'unseeded') : 'greedy';
  const draw: Draw = (...parts) => hashUnit(seed, nonce, view.temperature, job, view.prompt ?? '', ...parts);
  return render(view, valueFor(scenario, view, draw), draw);
}
