/**
 * A simulated world for free-text prompts: replies to customer support tickets (examples/support).
 * Same machinery as DEFAULT_SCENARIO (sim-scenario.ts): the words of a prompt raise or lower the
 * share of tickets the simulated model answers well, and a poor reply shows which rule is at fault.
 *
 * SUPPORT_SCENARIO (base 0.40; careless rewrite adds "Keep it short."):
 * | pattern (synonyms)                                 | delta | fix (negative: replaces; positive: added)  |
 * |----------------------------------------------------|-------|--------------------------------------------|
 * | apologi, sorry, regret                             | +0.25 | "Start by apologising for the trouble."    |
 * | next step, what happens next, what to do next      | +0.25 | "End with the next step the customer …"    |
 * | order number, the details, what the customer wrote | +0.10 | "Refer to the details the customer gave …" |
 * | be terse, keep it short                            | −0.30 | "Write a complete reply"                   |
 *
 * How a poor reply looks (sim-reply.ts): a reply whose rule is a positive one the reference carries
 * (its pattern occurs in a sentence of the reference: the apology, the next step) is the reference
 * without those sentences, the symptom in place of the first; any other is a curt line (the rule's
 * symptom, or a generic line for a slip). So a rubric that quotes "sorry" and "next step" and checks
 * the reference fails every poor reply, and its reason names what is missing.
 */
import { DEFAULT_SCENARIO, type Scenario } from './sim-scenario.js';

export const SUPPORT_SCENARIO: Scenario = {
  base: 0.4,
  careless: 'Keep it short.',
  fragmentWords: 6,
  rules: [
    {
      pattern: 'apologi|sorry|regret',
      delta: 0.25,
      fix: 'Start by apologising for the trouble.',
      vague: 'Be polite.',
      symptom: 'We have received your message about this.',
      analysis:
        'The prompt never asks the model to apologise, so the replies skip any apology for the trouble the customer had.',
      cue: 'never asks the model to apologise',
      tagReason: 'a request to apologise for the trouble belongs right after this word',
      tagCue: 'apologise for the trouble belongs',
    },
    {
      pattern: 'next step|what happens next|what to do next',
      delta: 0.25,
      fix: 'End with the next step the customer should take.',
      vague: 'Be helpful.',
      symptom: 'Let us know if you have any other questions.',
      analysis:
        'The prompt does not ask for a next step, so the replies end without telling the customer what happens now.',
      cue: 'does not ask for a next step',
      tagReason: 'an instruction to end with the next step belongs right after this word',
      tagCue: 'end with the next step belongs',
    },
    {
      pattern: 'order number|the details|what the customer wrote',
      delta: 0.1,
      fix: 'Refer to the details the customer gave, such as the order number.',
      vague: 'Address the customer personally.',
      symptom: 'Thank you for getting in touch, our team will look into your issue.',
      analysis:
        'The prompt does not ask the model to use what the ticket says, so the replies are generic and answer nothing the customer asked.',
      cue: 'does not ask the model to use what the ticket says',
      tagReason: 'a request to use what the ticket says belongs right after this word',
      tagCue: 'use what the ticket says belongs',
    },
    {
      pattern: 'be terse|keep it short',
      delta: -0.3,
      fix: 'Write a complete reply',
      vague: 'Be careful.',
      symptom: 'Noted, we are on it.',
      analysis: 'The prompt asks for terse replies, so the replies are a curt line that helps nobody.',
      cue: 'asks for terse replies',
      tagReason: 'this makes the replies curt',
      tagCue: 'makes the replies curt',
    },
  ],
};

/** The scenarios `lpo simulate --scenario <name>` offers. */
export const NAMED_SCENARIOS: Readonly<Record<string, Scenario>> = {
  default: DEFAULT_SCENARIO,
  support: SUPPORT_SCENARIO,
};
