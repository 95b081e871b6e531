/**
 * How the simulated optimizer reads a request, as a model would: from what it is sent, with no marker.
 *
 * - What is asked: the reply format, from the json_schema's name (`lpo_reasons`, `lpo_reflection`,
 *   `lpo_tagged`, `lpo_edits`, `lpo_prompts`), else from the format instruction the last message ends
 *   with ("a line "Reasons:"", "your reasoning for each example", "the tagged prompt between",
 *   "between a line "<version>"", "between a line "<prompt>""). Neither: not an optimizer request.
 * - What it works on (the last user message only, since that is the one asking): the last
 *   `<prompt>` … `</prompt>` block, the number of versions ("Write N"), the word limit ("at most N
 *   words"), the reason of each tagged span (`1. "span": reason`), and whether it asks for variations
 *   that keep the meaning (a paraphrase) rather than a fix.
 * - What it knows (the whole conversation, earlier turns included): the failing examples (entries
 *   `N. Input: …` up to their `Extracted`/`Expected` line, or the `Judge` line of a model-graded one)
 *   and the symptoms in them, the rules an analysis names (a rule's cue outside the examples and the
 *   prompt), the request template (a text
 *   holding `{{prompt}}` outside the prompt block), and the refinement history (the lines under a
 *   heading "History…:").
 */
import type { Rule, Scenario } from './sim-scenario.js';
import type { SimRequest } from './sim-request.js';

export const JOBS = ['reasons', 'reflection', 'tagged', 'edits', 'prompts'] as const;
export type Job = (typeof JOBS)[number];

export interface Failure {
  /** The first line of the input as shown. */
  input: string;
  /** Rules whose symptom the entry shows. */
  symptoms: Rule[];
}

export interface TagReason {
  span: string;
  /** Rules the reason names (by their tag cues). */
  rules: Rule[];
  /** The reason says the span could go. */
  drop: boolean;
}

/** How a reflection recommends dropping a sentence, and how identify then tags it. */
export const DROP_REASON = (sentence: string) =>
  `The sentence "${sentence}" looks unrelated to these failures and could go.`;
export const DROP_TAG_REASON = 'this sentence could go';

export interface OptimizerView {
  job: Job;
  /** A json_schema response_format was sent. */
  json: boolean;
  /** The prompt to work on, or null when the request shows none (or an empty one). */
  prompt: string | null;
  paraphrase: boolean;
  failures: Failure[];
  /** Rules whose symptom some failure shows, with how many show it. */
  evidence: Map<Rule, number>;
  /** Rules an analysis in the conversation names. */
  analysis: Set<Rule>;
  /** Quoted fragments an analysis asks to cover case by case. */
  hints: string[];
  /** Sentences an analysis recommends dropping. */
  drops: string[];
  template: boolean;
  /** The refinement history's lines; null when the conversation holds none. */
  history: string | null;
  tagReasons: TagReason[];
  count: number | null;
  maxWords: number | null;
  seed: number | null;
  temperature: number;
}

const TEXT_FORMATS: [RegExp, Job][] = [
  [/reasoning for each example[^\n]*"Reasons:"/i, 'reflection'],
  [/tagged prompt between a line "<prompt>"/i, 'tagged'],
  [/between a line "<version>"/i, 'edits'],
  [/between a line "<prompt>"/i, 'prompts'],
  [/a line "Reasons:"/i, 'reasons'],
];

const PROMPT_BLOCK = /(?:^|\n)[ \t]*<prompt>[ \t]*\n([\s\S]*?)\n?[ \t]*<\/prompt>[ \t]*(?=\n|$)/g;
const ENTRY = /^[ \t]*\d{1,3}[.)][ \t]*Input:[ \t]*/gm;
const ENTRY_END = /\n[ \t]*(?:Extracted|Expected|Judge)\b[^\n]*/;

/** The reply format a request asks for, or null when it is not an optimizer request. */
export function requestedJob(request: SimRequest): Job | null {
  const format = request.responseFormat;
  if (format.type === 'json_schema') {
    const named = /^lpo_(\w+)$/.exec(format.name)?.[1] as Job | undefined;
    return named && JOBS.includes(named) ? named : null;
  }
  const last = lastUser(request);
  for (const [re, job] of TEXT_FORMATS) if (re.test(last)) return job;
  return null;
}

const lastUser = (request: SimRequest) => request.messages.findLast((m) => m.role === 'user')?.content ?? '';
const withoutPrompts = (text: string) => text.replace(PROMPT_BLOCK, '\n');

/** The failure entries of a text, and the text with them cut out. */
function failureEntries(scenario: Scenario, text: string): { failures: Failure[]; rest: string } {
  const starts = [...text.matchAll(ENTRY)];
  const failures: Failure[] = [];
  let rest = '';
  let cursor = 0;
  starts.forEach((m, i) => {
    const next = starts[i + 1]?.index ?? text.length;
    const endMatch = ENTRY_END.exec(text.slice(m.index, next));
    const end = endMatch ? m.index + endMatch.index + endMatch[0].length : next;
    const body = text.slice(m.index, end);
    const lower = body.toLowerCase();
    failures.push({
      input: text
        .slice(m.index + m[0].length)
        .split('\n', 1)[0]!
        .trim(),
      symptoms: scenario.rules.filter((r) => r.symptom && lower.includes(r.symptom.toLowerCase())),
    });
    rest += text.slice(cursor, m.index);
    cursor = end;
  });
  return { failures, rest: rest + text.slice(cursor) };
}

function historyOf(texts: string[]): string | null {
  for (const text of texts) {
    const m = /^[ \t]*History\b[^\n]*:[ \t]*\n((?:[ \t]*\S[^\n]*\n?)*)/im.exec(text);
    if (m) return m[1]!.trim() === '' ? null : m[1]!.trim();
  }
  return null;
}

function tagReasonsOf(scenario: Scenario, text: string): TagReason[] {
  const out: TagReason[] = [];
  for (const m of text.matchAll(/^[ \t]*\d{1,3}[.)][ \t]*["“](.*?)["”]:[ \t]*(.+)$/gm)) {
    const lower = m[2]!.toLowerCase();
    const rules = scenario.rules.filter((r) => r.tagCue && lower.includes(r.tagCue.toLowerCase()));
    out.push({ span: m[1]!, rules, drop: lower.includes(DROP_TAG_REASON) });
  }
  return out;
}

/** A turn as read: a JSON reply (an earlier structured answer) by its string values, one a line. */
function asText(content: string): string {
  if (!/^\s*[{[]/.test(content)) return content;
  try {
    const strings: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') strings.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(JSON.parse(content));
    return strings.join('\n');
  } catch {
    return content;
  }
}

const numberAfter = (text: string, re: RegExp) => {
  const n = Number(re.exec(text)?.[1]);
  return Number.isInteger(n) && n > 0 ? n : null;
};

export function readRequest(scenario: Scenario, request: SimRequest, job: Job): OptimizerView {
  const last = lastUser(request);
  const blocks = [...last.matchAll(PROMPT_BLOCK)].map((m) => m[1]!);
  const prompt = blocks.at(-1)?.trim() ? blocks.at(-1)! : null;
  const askText = withoutPrompts(last);
  const failures: Failure[] = [];
  let rests = '';
  for (const message of request.messages) {
    const read = failureEntries(scenario, withoutPrompts(asText(message.content)));
    if (message.role === 'user') failures.push(...read.failures);
    rests += `\n${read.rest}`;
  }
  const evidence = new Map<Rule, number>();
  for (const f of failures) for (const r of f.symptoms) evidence.set(r, (evidence.get(r) ?? 0) + 1);
  const lowerRest = rests.toLowerCase();
  const users = request.messages.filter((m) => m.role === 'user').map((m) => m.content);
  return {
    job,
    json: request.responseFormat.type === 'json_schema',
    prompt,
    paraphrase: /keep(?:ing)? (?:its|their|the) (?:semantic )?meaning/i.test(askText),
    failures,
    evidence,
    analysis: new Set(scenario.rules.filter((r) => r.cue && lowerRest.includes(r.cue.toLowerCase()))),
    hints: [...rests.matchAll(/cover cases like "([^"\n]+)"/g)].map((m) => m[1]!),
    drops: [...rests.matchAll(/The sentence "([^"\n]+)" looks unrelated/g)].map((m) => m[1]!),
    template: users.some((u) => withoutPrompts(u).includes('{{prompt}}')),
    history: historyOf(users),
    tagReasons: tagReasonsOf(scenario, askText),
    count: numberAfter(askText, /\bWrite (\d{1,3})\b/i),
    maxWords: numberAfter(askText, /\bat most (\d{1,3}) words/i),
    seed: request.seed,
    temperature: request.temperature,
  };
}
