/**
 * The simulated OPTIMIZER model: answers the meta-prompts of src/optimize (prompts/*.md) from the
 * scenario's rules, deterministically for a seed. Pure functions; simulator.ts routes requests here.
 *
 * Protocol shared with the real meta-prompts: the LAST user message starts with `### Task: <name>` and
 * holds the prompt being worked on between a line `<prompt>` and a line `</prompt>`. The reply is JSON
 * when a json_schema response_format is sent, else the plain-text format each meta-prompt asks for:
 * | task             | JSON                        | plain text                                        |
 * |------------------|-----------------------------|---------------------------------------------------|
 * | lpo-identify     | {prompt, reasons[]}         | <prompt>…tagged…</prompt> then "1. reason" lines  |
 * | lpo-propose      | {prompts[]}                 | one <prompt>…</prompt> block per proposal         |
 * | lpo-global       | {prompts[]}                 | one <prompt>…</prompt> block per proposal         |
 * | ape-resample     | {prompts[]}                 | one <prompt>…</prompt> block per proposal         |
 * | apo-gradient     | {reasons[]}                 | "1. reason" lines                                 |
 * | pe2-reflect      | {analysis, reasons[]}       | "Analysis: …" then "1. reason" lines              |
 *
 * Identify tags the worst negative-rule word (and the second worst, if any); with none, the last word of
 * the first line, where an addition can go. Propose replaces a tagged negative by its scenario replacement
 * (variants: delete it, or replace and add), and extends an untagged-rule word with the i-th best absent
 * positive addition. The model is imperfect in a controlled way, from hashUnit(seed, task, prompt, i):
 * about 1 in 8 identify replies tag a whole over-long line, 1 in 12 touch text outside the tags, 1 in 20
 * are garbage; 3 in 20 proposals also edit outside their tags, 1 in 10 drop the tags, 1 in 20 are empty;
 * 1 in 12 JSON-mode replies ignore the schema and answer in plain text.
 */
import { alternatives, escapeRegExp, hashUnit, occurs, rewritePrompt, type Scenario } from './sim-model.js';

export const OPTIMIZER_TASKS = [
  'lpo-identify',
  'lpo-propose',
  'lpo-global',
  'ape-resample',
  'apo-gradient',
  'pe2-reflect',
] as const;
export type OptimizerTask = (typeof OPTIMIZER_TASKS)[number];

const HINTS: Record<string, string> = {
  'step by step': 'does not ask the model to reason step by step before answering',
  'final answer|the answer is': 'does not say how to state the final answer',
  check: 'does not ask the model to check its work',
};
const DEFAULT_COUNT = 4;
const MAX_COUNT = 8;

export interface OptimizerRequest {
  task: OptimizerTask;
  text: string;
  json: boolean;
}

/** The optimizer task named by the first line of the last user message, or null. */
export function optimizerTask(lastUser: string): OptimizerTask | null {
  const first = lastUser.split(/\r?\n/, 1)[0]?.trim() ?? '';
  const match = /^### Task: ([\w-]+)$/.exec(first);
  const name = match?.[1] as OptimizerTask | undefined;
  return name && OPTIMIZER_TASKS.includes(name) ? name : null;
}

/** The first `<prompt>` … `</prompt>` block (lines of their own), or null. */
export function promptBlock(text: string): string | null {
  const lines = text.split(/\r?\n/);
  const open = lines.findIndex((line) => line.trim() === '<prompt>');
  if (open < 0) return null;
  const close = lines.findIndex((line, i) => i > open && line.trim() === '</prompt>');
  return close < 0 ? null : lines.slice(open + 1, close).join('\n');
}

function numberAfter(text: string, re: RegExp, fallback: number): number {
  const n = Number(re.exec(text)?.[1]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

function negativesIn(scenario: Scenario, prompt: string) {
  const lower = prompt.toLowerCase();
  return scenario.rules
    .filter((rule) => rule.delta < 0 && occurs(rule.pattern, lower))
    .sort((a, b) => a.delta - b.delta);
}

function absentPositives(scenario: Scenario, prompt: string) {
  const lower = prompt.toLowerCase();
  return scenario.rules
    .filter((r) => r.delta > 0 && !occurs(r.pattern, lower) && scenario.replacements[r.pattern])
    .sort((a, b) => b.delta - a.delta);
}

/** The whole word around the first occurrence of a rule pattern: [start, end), or null. */
function wordAt(prompt: string, pattern: string): [number, number] | null {
  for (const alt of alternatives(pattern)) {
    const edge = (side: string) => (/\w/.test(side) ? '\\w*' : '');
    const re = new RegExp(`${edge(alt[0]!)}${escapeRegExp(alt)}${edge(alt.at(-1)!)}`, 'i');
    const m = re.exec(prompt);
    if (m) return [m.index, m.index + m[0].length];
  }
  return null;
}

function identify(scenario: Scenario, prompt: string, maxWords: number, unit: number) {
  const spans: { at: [number, number]; reason: string }[] = [];
  for (const rule of negativesIn(scenario, prompt).slice(0, 2)) {
    const at = wordAt(prompt, rule.pattern);
    if (at && !spans.some((s) => s.at[0] < at[1] && at[0] < s.at[1])) {
      spans.push({
        at,
        reason: `"${prompt.slice(...at)}" pushes the model to answer without working it out`,
      });
    }
  }
  if (spans.length === 0) {
    const line = /^[^\n]*[A-Za-z][^\n]*/m.exec(prompt);
    const last = line ? [...line[0].matchAll(/\S*[A-Za-z]\S*/g)].at(-1) : undefined;
    if (line && last && !last[0].includes('{{')) {
      const start = line.index + last.index;
      const hint = absentPositives(scenario, prompt)[0];
      spans.push({
        at: [start, start + last[0].length],
        reason: `the prompt ${hint ? (HINTS[hint.pattern] ?? 'is missing an instruction') : 'could be clearer'}; extend it here`,
      });
    }
    // Controlled imperfection: also tag the whole first line, which may exceed the word limit.
    if (line && unit < 0.125 && line[0].split(/\s+/).length > maxWords && spans.length > 0) {
      spans[0] = { at: [line.index, line.index + line[0].length], reason: 'the whole instruction is vague' };
    }
  }
  spans.sort((a, b) => a.at[0] - b.at[0]);
  let tagged = '';
  let cursor = 0;
  for (const { at } of spans) {
    tagged += `${prompt.slice(cursor, at[0])}<edit>${prompt.slice(...at)}</edit>`;
    cursor = at[1];
  }
  tagged += prompt.slice(cursor);
  if (unit >= 0.125 && unit < 0.21) tagged = `Please: ${tagged}`;
  return { prompt: tagged, reasons: spans.map((s) => s.reason) };
}

function replaceSpan(scenario: Scenario, span: string, whole: string, variant: number): string {
  const worst = negativesIn(scenario, span)[0];
  if (worst) {
    const replacement = scenario.replacements[worst.pattern] ?? '';
    const at = wordAt(span, worst.pattern)!;
    const capital = /^[A-Z]/.test(span.slice(at[0]));
    const fixed = capital && replacement ? replacement[0]!.toUpperCase() + replacement.slice(1) : replacement;
    const kind = variant % 3;
    const middle = kind === 1 ? '' : fixed;
    const out = `${span.slice(0, at[0])}${middle}${span.slice(at[1])}`.replace(/\s{2,}/g, ' ');
    const extra = kind === 2 ? absentPositives(scenario, `${whole} ${middle}`)[0] : undefined;
    return extra ? `${out}${/[.!?]$/.test(out) ? '' : '.'} ${scenario.replacements[extra.pattern]}` : out;
  }
  const absent = absentPositives(scenario, whole);
  const addition = absent[variant % Math.max(1, absent.length)];
  return addition ? `${span} ${scenario.replacements[addition.pattern]}` : span;
}

function propose(scenario: Scenario, tagged: string, count: number, seed: number): string[] {
  const whole = tagged.replace(/<\/?edit>/g, '');
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const unit = hashUnit(seed, 'propose', tagged, i);
    if (unit >= 0.25 && unit < 0.3) {
      out.push('');
      continue;
    }
    let text = tagged.replace(
      /<edit>([\s\S]*?)<\/edit>/g,
      (_m, span: string) => `<edit>${replaceSpan(scenario, span, whole, i)}</edit>`,
    );
    if (unit < 0.15) text = `${text.trimEnd()} Be brief.`;
    else if (unit < 0.25) text = text.replace(/<\/?edit>/g, '');
    out.push(text);
  }
  return out;
}

function paraphrase(scenario: Scenario, prompt: string, variant: number): string {
  switch (variant % 4) {
    case 0:
      return prompt.replace(/\bLet's\b/g, 'Let us').replace(/\bthink\b/g, 'reason') || prompt;
    case 1: {
      const addition = absentPositives(scenario, prompt)[0];
      return addition
        ? `${prompt.trimEnd()} ${scenario.replacements[addition.pattern]}`
        : `${prompt.trimEnd()} Be careful.`;
    }
    case 2:
      return rewritePrompt(scenario, prompt);
    default:
      // A paraphrase that loses what made the prompt work, as real resampling sometimes does.
      return prompt.replace(/step by step/gi, 'in order');
  }
}

function reasonsFor(scenario: Scenario, prompt: string): string[] {
  const reasons = negativesIn(scenario, prompt).map(
    (rule) =>
      `The prompt says "${alternatives(rule.pattern)[0]}", which leads the model to skip the work and answer wrongly.`,
  );
  for (const rule of absentPositives(scenario, prompt)) {
    reasons.push(`The prompt ${HINTS[rule.pattern] ?? `lacks "${rule.pattern}"`}.`);
  }
  return reasons.length > 0 ? reasons : ['The prompt is adequate; the failures look like slips.'];
}

const blocks = (prompts: string[]) => prompts.map((p) => `<prompt>\n${p}\n</prompt>`).join('\n\n');
const numbered = (items: string[]) => items.map((r, i) => `${i + 1}. ${r}`).join('\n');

/** The optimizer's reply text for one request (see the file header). */
export function simulateOptimizer(scenario: Scenario, seed: number, req: OptimizerRequest): string {
  const prompt = promptBlock(req.text);
  if (prompt === null) return 'I could not find the prompt to work on.';
  const unit = hashUnit(seed, req.task, prompt);
  const json = req.json && hashUnit(seed, 'json', req.task, prompt) >= 1 / 12;
  const count = Math.min(MAX_COUNT, numberAfter(req.text, /Write (\d+)\s+different/i, DEFAULT_COUNT));
  switch (req.task) {
    case 'lpo-identify': {
      if (unit >= 0.95) return 'The prompt looks fine to me.';
      const maxWords = numberAfter(req.text, /at most (\d+) words/i, 5);
      const value = identify(scenario, prompt, maxWords, unit);
      return json ? JSON.stringify(value) : `${blocks([value.prompt])}\nReasons:\n${numbered(value.reasons)}`;
    }
    case 'lpo-propose': {
      const prompts = propose(scenario, prompt, count, seed);
      return json ? JSON.stringify({ prompts }) : blocks(prompts);
    }
    case 'lpo-global':
    case 'ape-resample': {
      const prompts = Array.from({ length: count }, (_, i) => {
        const u = hashUnit(seed, req.task, prompt, i);
        if (u < 0.05) return '';
        const text =
          req.task === 'ape-resample' ? paraphrase(scenario, prompt, i) : rewriteN(scenario, prompt, i);
        return u < 0.12 ? `<edit>${text}</edit>` : text;
      });
      return json ? JSON.stringify({ prompts }) : blocks(prompts);
    }
    case 'apo-gradient': {
      const reasons = reasonsFor(scenario, prompt);
      return json ? JSON.stringify({ reasons }) : `Reasons:\n${numbered(reasons)}`;
    }
    case 'pe2-reflect': {
      const reasons = reasonsFor(scenario, prompt);
      const analysis = 'The wrong outputs follow the prompt, so the prompt itself needs an edit.';
      return json
        ? JSON.stringify({ analysis, reasons })
        : `Analysis: ${analysis}\nReasons:\n${numbered(reasons)}`;
    }
  }
}

/** Global rewrite variant i: i+1 rewrite steps, every third one paraphrased as well. */
function rewriteN(scenario: Scenario, prompt: string, variant: number): string {
  let out = prompt;
  for (let k = 0; k <= variant % 3; k++) out = rewritePrompt(scenario, out);
  return variant % 3 === 2 ? paraphrase(scenario, out, 0) : out;
}
