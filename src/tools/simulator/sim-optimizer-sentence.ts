/**
 * How the simulated optimizer writes into a sentence, as a careful writer would: a rule's fix replaces
 * the words in the form they have ("Guess the answer" → "Work out the answer step by step", "make a
 * guess" → "make a step-by-step solution"), and a new sentence goes at a sentence boundary, never
 * inside one. A tagged span's new text is put back between text the code keeps unchanged, so it is
 * written knowing that text (`Around`); a whole prompt has nothing around it.
 */
import { alternatives, escapeRegExp, type Rule } from './sim-scenario.js';

/** The text next to a span, tags removed: what its new text must read right between. */
export interface Around {
  before: string;
  after: string;
}
export const WHOLE: Around = { before: '', after: '' };

export const STOP = /[.!?]["”')\]]*$/;
/** Words that make the next one a noun: "a guess", "your best estimate". */
export const NOUN_BEFORE = /\b(?:a|an|the|your|my|its|their|one|any|no|best|rough|educated|wild|good)\s+$/i;
/** The end of a clause in running text: a stop, comma or semicolon followed by a space or the end. */
const CLAUSE_END = /[.!?,;:](?=["”')\]]*(?:\s|$))/;

const upperFirst = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
const lowerFirst = (s: string) => (/^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s);
const withoutStop = (s: string) => s.replace(/\.(["”]?)$/, '$1');

/** Whether `text`, followed by `after`, ends a sentence: a stop, or the end of a line or of the prompt. */
export function endsSentence(text: string, after: string): boolean {
  if (STOP.test(text.trimEnd()) || /^[.!?]/.test(after)) return true;
  // A line break ends it unless the next line carries on in lower case (a hard-wrapped sentence).
  return /^[ \t]*(?:\r?\n(?![ \t]*[a-z])|$)/.test(after);
}

/** Whether text right after `before` starts a sentence. */
export function startsSentence(before: string): boolean {
  return /(?:^[ \t]*|[.!?]["”')\]]*[ \t]+|\n[ \t]*)$/.test(before);
}

/**
 * `text` with `sentence` added at a sentence boundary: after it when it ends one (the full stop the
 * code keeps after it then closes the new sentence), else before it when it starts one; null when
 * `text` sits inside a sentence and the boundary is out of its reach.
 */
export function insertSentence(text: string, sentence: string, around: Around): string | null {
  if (sentence === '') return text;
  const body = text.trimEnd();
  const trail = text.slice(body.length);
  if (endsSentence(body, around.after)) {
    if (body === '') return startsSentence(around.before) ? sentence + trail : null;
    if (STOP.test(body) || /[:;]$/.test(body)) return `${body} ${sentence}${trail}`;
    if (/^[.!?]/.test(around.after)) return `${body}. ${withoutStop(sentence)}${trail}`;
    return `${body}. ${sentence}${trail}`;
  }
  if (startsSentence(around.before) && /^[^a-z]/.test(text)) return `${sentence} ${text}`;
  return null;
}

/** A verb phrase ("work out") in the form of the word it replaces ("guessing" → "working out"). */
function inflect(phrase: string, suffix: string): string {
  const [verb = '', ...rest] = phrase.split(' ');
  const stem = verb.replace(/e$/, '');
  const form = /^ing$/.test(suffix)
    ? `${stem}ing`
    : /^e?d$/.test(suffix)
      ? `${stem}ed`
      : /^e?s$/.test(suffix)
        ? `${verb}s`
        : verb;
  return [form, ...rest].join(' ');
}

/**
 * Where `fixEnd` goes in `rest` (the text after the fix): before the end of the clause ("Work out the
 * answer step by step, then …"), or at the end of `rest` when the clause ends right after it.
 */
function endOfClause(rest: string, after: string): number | null {
  const line = rest.split('\n', 1)[0]!;
  const stop = CLAUSE_END.exec(line);
  if (stop) return stop.index;
  if (line.length < rest.length) return line.trimEnd().length;
  return endsSentence(rest, after) ? rest.trimEnd().length : null;
}

interface Use {
  index: number;
  /** The article before a noun use ("a", "an"), taken in so it can agree with the fix. */
  article: string;
  word: string;
  suffix: string;
}

function firstUse(text: string, rule: Rule, from: number): Use | null {
  let best: Use | null = null;
  for (const alt of alternatives(rule.pattern)) {
    const edge = /\w/.test(alt.at(-1)!) ? '(\\w*)' : '()';
    const lead = /\w/.test(alt[0]!) ? '\\w*' : '';
    const re = new RegExp(`(\\b(?:an?)\\s+)?(${lead}${escapeRegExp(alt)})${edge}`, 'gi');
    re.lastIndex = from;
    const m = re.exec(text);
    if (m && (!best || m.index < best.index))
      best = { index: m.index, article: m[1] ?? '', word: m[2]! + m[3]!, suffix: m[3]!.toLowerCase() };
  }
  return best;
}

/** The words that replace one use, in its form, with `fixEnd` said inline when the clause end is out of reach. */
function replacement(rule: Rule, use: Use, before: string, rest: string, after: string): [string, boolean] {
  const noun = rule.fixNoun !== undefined && (use.article !== '' || NOUN_BEFORE.test(before));
  let words = noun
    ? `${rule.fixNoun}${/s$/.test(use.suffix) ? 's' : ''}`
    : rule.fixNoun !== undefined
      ? inflect(rule.fix ?? '', use.suffix)
      : (rule.fix ?? '');
  if (use.article && !/^(?:an?|the) /i.test(words))
    words = `${/^[aeiou]/i.test(words) ? 'an' : 'a'} ${words}`;
  const capital = /^[A-Z]/.test(use.article || use.word);
  words = capital ? upperFirst(words) : lowerFirst(words);
  const end = !noun && rule.fixEnd ? rule.fixEnd : null;
  if (!end || endOfClause(rest, after) !== null) return [words, end !== null];
  // The clause ends outside what may change: the added words go inline.
  if (startsSentence(before)) return [`${upperFirst(end)}, ${lowerFirst(words)}`, false];
  return [/^\s*[,.;:!?]/.test(rest || after) ? `${words}, ${end}` : `${words}, ${end},`, false];
}

/**
 * `text` with every use of a negative rule's words replaced by its fix in the form the use has, and
 * the rule's `fixEnd` words added at the end of each clause that held one.
 */
export function fixWords(text: string, rule: Rule, around: Around): string {
  let out = text;
  let from = 0;
  for (let use = firstUse(out, rule, 0); use; use = firstUse(out, rule, from)) {
    const end = use.index + use.article.length + use.word.length;
    const before = around.before + out.slice(0, use.index);
    const [words, endLater] = replacement(rule, use, before, out.slice(end), around.after);
    out = out.slice(0, use.index) + words + out.slice(end);
    from = use.index + words.length;
    const at = endLater ? endOfClause(out.slice(from), around.after) : null;
    const sentence = out.slice(from, from + (at ?? 0));
    if (at !== null && rule.fixEnd && !sentence.toLowerCase().includes(rule.fixEnd)) {
      const cut = from + at;
      const comma = /ly$/.test(out.slice(0, cut)) ? ',' : '';
      out = `${out.slice(0, cut)}${comma} ${rule.fixEnd}${out.slice(cut)}`;
    }
  }
  return out;
}

/**
 * `text` without a rule's words where they can go and leave the sentence whole (an adverb between two
 * words of the text: "Answer quickly, in one word" → "Answer, in one word"); null where they cannot.
 */
export function dropWords(text: string, rule: Rule): string | null {
  if (!rule.removable) return null;
  let out = text;
  for (let use = firstUse(out, rule, 0); use; use = firstUse(out, rule, 0)) {
    const end = use.index + use.article.length + use.word.length;
    if (use.index === 0 || !/[ \t]/.test(out[use.index - 1]!) || !/^[\s,.;:!?]/.test(out.slice(end)))
      return null;
    out = out.slice(0, use.index - 1) + out.slice(end);
  }
  return out === text ? null : out;
}
