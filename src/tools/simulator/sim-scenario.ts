/**
 * The simulated world's rules: which words of a prompt make the simulated task model better or worse
 * (sim-model.ts), how its wrong answers show why (the symptoms), and the words in which the simulated
 * optimizer (sim-optimizer.ts) names a rule and fixes it. Pure data and string helpers.
 *
 * DEFAULT_SCENARIO (base accuracy 0.40; a pattern is a case-insensitive substring, `a|b` either; a
 * pattern lists the synonyms of its words, so a paraphrase that keeps the meaning keeps the effect):
 * | pattern (synonyms)                                 | delta | fix (negative: replaces the words; positive: added) |
 * |----------------------------------------------------|-------|-----------------------------------------------------|
 * | step by step, one step at a time, step-by-step     | +0.25 | "Let's think step by step."                         |
 * | final answer, the answer is                        | +0.10 | 'End with "The answer is <answer>."'                |
 * | check, verify                                      | +0.10 | "Double-check your arithmetic."                     |
 * | guess, estimate                                    | −0.25 | "work out" (a noun: "step-by-step solution"), and   |
 * |                                                    |       | "step by step" at the end of its clause             |
 * | quickly, promptly, swiftly, in a hurry             | −0.15 | "carefully" (or the word dropped)                   |
 * | one word, single word                              | −0.10 | "a short sentence and then the final answer"        |
 * | keep it brief, be concise (a careless rewrite adds "Keep it brief.") | −0.10 | "Keep it complete" |
 * Each rule also has a symptom (the sentence a wrong answer it explains carries), an analysis cue
 * (how a gradient or reflection names it), a tag cue (how an identify reason names it) and a vague
 * wording (the fix as written without the evidence to ground it: no pattern, so no delta). How a fix
 * is written into a sentence so that it still reads right: sim-optimizer-sentence.ts.
 */

export interface Rule {
  pattern: string;
  delta: number;
  /** Negative rule: the words that replace the pattern's word. Positive rule: the sentence to add. */
  fix?: string;
  /** Negative rule whose word is a verb or a noun: what replaces a noun use ("a guess"); `fix` is then a verb. */
  fixNoun?: string;
  /** Negative rule: words the fix adds at the end of the clause that held the pattern's word. */
  fixEnd?: string;
  /** Negative rule: its words can simply go and leave the sentence whole (an adverb). */
  removable?: boolean;
  /** The fix in general terms (matches no pattern): what an optimizer writes without evidence. */
  vague?: string;
  /** Sentence (no digits, option letters or yes/no words) in a wrong answer this rule explains. */
  symptom?: string;
  /** A reason, as a gradient or a reflection gives it; holds `cue`. */
  analysis?: string;
  cue?: string;
  /** A reason for one tagged span, as identify gives it; holds `tagCue`. */
  tagReason?: string;
  tagCue?: string;
}

export interface Scenario {
  base: number;
  rules: Rule[];
  /** What a careless rewrite adds (a negative rule's pattern); none without it. */
  careless?: string;
  /** A prompt quoting the first this-many words of an input makes that input right (0: never). */
  fragmentWords?: number;
}

export const DEFAULT_SCENARIO: Scenario = {
  base: 0.4,
  careless: 'Keep it brief.',
  fragmentWords: 6,
  rules: [
    {
      pattern: 'step by step|one step at a time|step-by-step',
      delta: 0.25,
      fix: "Let's think step by step.",
      vague: 'Think it through.',
      symptom: 'Jumping straight to a result without showing any intermediate working.',
      analysis:
        'The prompt does not ask for the intermediate reasoning, so the outputs jump straight to a result.',
      cue: 'does not ask for the intermediate reasoning',
      tagReason: 'a request to reason in steps belongs right after this word',
      tagCue: 'reason in steps belongs',
    },
    {
      pattern: 'final answer|the answer is',
      delta: 0.1,
      fix: 'End with "The answer is <answer>."',
      vague: 'Make the result clear.',
      symptom: 'Several figures come up and it is left open which one is the result.',
      analysis:
        'The prompt never says how to state the result, so the outputs leave open which figure is meant.',
      cue: 'never says how to state the result',
      tagReason: 'an instruction on stating the result belongs right after this word',
      tagCue: 'stating the result belongs',
    },
    {
      pattern: 'check|verify',
      delta: 0.1,
      fix: 'Double-check your arithmetic.',
      vague: 'Be accurate.',
      symptom: 'Slips in single steps go unnoticed.',
      analysis:
        'The prompt does not ask the model to verify its work, so slips in single steps go unnoticed.',
      cue: 'does not ask the model to verify its work',
      tagReason: 'a request to verify the work belongs right after this word',
      tagCue: 'verify the work belongs',
    },
    {
      pattern: 'guess|estimate',
      delta: -0.25,
      fix: 'work out',
      fixNoun: 'step-by-step solution',
      fixEnd: 'step by step',
      vague: 'Be careful.',
      symptom: 'Going with a guess rather than working it out.',
      analysis:
        'The prompt invites guessing, so the outputs go with a guess instead of working the problem out.',
      cue: 'invites guessing',
      tagReason: 'this word tells the model to guess',
      tagCue: 'tells the model to guess',
    },
    {
      pattern: 'quickly|promptly|swiftly|in a hurry',
      delta: -0.15,
      fix: 'carefully',
      removable: true,
      vague: 'Be careful.',
      symptom: 'Hurrying on and skipping over details.',
      analysis: 'The prompt rushes the model, so the outputs skip over details.',
      cue: 'rushes the model',
      tagReason: 'this word makes the model hurry',
      tagCue: 'makes the model hurry',
    },
    {
      pattern: 'one word|single word',
      delta: -0.1,
      fix: 'a short sentence and then the final answer',
      vague: 'Be careful.',
      symptom: 'Replying in a single word, without any working shown.',
      analysis: 'The prompt demands a single-word reply, which leaves the model nowhere to work.',
      cue: 'demands a single-word reply',
      tagReason: 'this limits the reply to a single word',
      tagCue: 'limits the reply to a single word',
    },
    {
      pattern: 'keep it brief|be concise',
      delta: -0.1,
      fix: 'Keep it complete',
      vague: 'Be careful.',
      symptom: 'Cutting the working short to keep the reply short.',
      analysis: 'The prompt asks for brevity, so the outputs cut the working short.',
      cue: 'asks for brevity',
      tagReason: 'this makes the model cut its working short',
      tagCue: 'cut its working short',
    },
  ],
};

export function alternatives(pattern: string): string[] {
  return pattern
    .toLowerCase()
    .split('|')
    .filter((alt) => alt.length > 0);
}

export function occurs(pattern: string, lowerText: string): boolean {
  return alternatives(pattern).some((alt) => lowerText.includes(alt));
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Raw quality (unclamped): the base plus the deltas of the rules whose pattern occurs. */
export function rawQuality(scenario: Scenario, promptText: string): number {
  const lower = promptText.toLowerCase();
  let q = scenario.base;
  for (const rule of scenario.rules) if (occurs(rule.pattern, lower)) q += rule.delta;
  return q;
}

/**
 * The single-rule fixes a prompt admits, in the order they are credited: the negative rules present
 * (worst first), then the positive rules absent that have a fix (best first). Stable among equals.
 */
export function fixesFor(scenario: Scenario, prompt: string): Rule[] {
  const lower = prompt.toLowerCase();
  const negatives = scenario.rules
    .filter((r) => r.delta < 0 && occurs(r.pattern, lower))
    .sort((a, b) => a.delta - b.delta);
  const positives = scenario.rules
    .filter((r) => r.delta > 0 && r.fix && !occurs(r.pattern, lower))
    .sort((a, b) => b.delta - a.delta);
  return [...negatives, ...positives];
}

/** Whether `prompt` quotes the first `n` words of `input` (whitespace-insensitive). */
export function quotesInput(prompt: string, input: string, n: number): boolean {
  if (n <= 0) return false;
  const words = input.split(/\s+/).filter(Boolean);
  if (words.length <= n) return false;
  // The opening words, as an example-specific hint quotes a question: a line every input shares
  // (boilerplate, a signature) would otherwise make a prompt that repeats it right everywhere.
  return prompt.replace(/\s+/g, ' ').includes(words.slice(0, n).join(' '));
}

/** The whole word around the first occurrence of a rule pattern: [start, end), or null. */
export function wordAt(text: string, pattern: string): [number, number] | null {
  for (const alt of alternatives(pattern)) {
    const edge = (side: string) => (/\w/.test(side) ? '\\w*' : '');
    const re = new RegExp(`${edge(alt[0]!)}${escapeRegExp(alt)}${edge(alt.at(-1)!)}`, 'i');
    const m = re.exec(text);
    if (m) return [m.index, m.index + m[0].length];
  }
  return null;
}
