import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { score, validateScorer } from '../../src/eval/scorers.js';
import { extractJson } from '../../src/llm/extract-json.js';
import type { ScorerSpec } from '../../src/core/types.js';

// Real rows, copied verbatim. GSM8K (test.jsonl lines 1, 3, 147, 490) and BIG-Bench-Hard are MIT
// licensed (openai/grade-school-math, suzgunmirac/BIG-Bench-Hard). MultiArith (Roy & Roth, 2015) has
// no licence file upstream: two rows only, cited here.
const GSM8K = {
  ducks: {
    line: 1,
    answer:
      'Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\nShe makes 9 * 2 = $<<9*2=18>>18 every day at the farmer\u2019s market.\n#### 18',
  },
  house: {
    line: 3,
    answer:
      'The cost of the house and repairs came out to 80,000+50,000=$<<80000+50000=130000>>130,000\nHe increased the value of the house by 80,000*1.5=<<80000*1.5=120000>>120,000\nSo the new value of the house is 120,000+80,000=$<<120000+80000=200000>>200,000\nSo he made a profit of 200,000-130,000=$<<200000-130000=70000>>70,000\n#### 70000',
  },
  legos: {
    line: 147,
    answer:
      'The first set had 500 pieces, and the second set had 3 times as many as the first set, so the second set has 500*3=<<500*3=1500>>1500 pieces\nThe third set had one-quarter of the 500 pieces, so that means it had 500*.25= <<500*.25=125>>125 pieces\nIn total, that means Johnny picked up 500 + 1500+ 125= <<500+1500+125=2125>>2125 blocks\n#### 2,125',
  },
  temperature: {
    line: 490,
    answer:
      '-48 + 21 + (-3) = <<-48+21+(-3)=-30>>-30\n-30/3 = <<-30/3=-10>>-10 degrees\nThe average highest temperature recorded in Southlandia, Northlandia, and Midlandia is -10 degrees Fahrenheit.\n#### -10',
  },
};

const MULTIARITH = [
  {
    iIndex: 0,
    sQuestion:
      ' For Halloween Debby and her sister combined the candy they received. Debby had 32 pieces of candy while her sister had 42. If they ate 35 pieces the first night, how many pieces do they have left? ',
    lSolutions: [39.0],
  },
  {
    iIndex: 1,
    sQuestion:
      ' A pet store had 13 siamese cats and 5 house cats. During a sale they sold 10 cats. How many cats do they have left? ',
    lSolutions: [8.0],
  },
];

const BBH = {
  date_understanding: {
    input: 'Today is Christmas Eve of 1937. What is the date tomorrow in MM/DD/YYYY?',
    target: '(B)',
  },
  hyperbaton: { input: 'Which sentence has the correct adjective order:', target: '(A)' },
  geometric_shapes: {
    input: 'This SVG path element <path d="M 55.57,80.69 L 57.38,65.80 …"/> draws a',
    target: '(B)',
  },
  multistep_arithmetic_two: { input: '((-1 + 2 + 9 * 5) - (-2 + -4 + -4 * -7)) =', target: '24' },
  multistep_arithmetic_two_b: { input: '((-9 * -5 - 6 + -2) - (-8 - -6 * -3 * 1)) =', target: '63' },
  word_sorting: {
    input:
      'Sort the following words alphabetically: List: thrill splutter panicking scorch same dot prod obstetric malton onus drumhead delmarva barn embezzle it&t damp guru subsist entirety greene',
    target:
      'barn damp delmarva dot drumhead embezzle entirety greene guru it&t malton obstetric onus panicking prod same scorch splutter subsist thrill',
  },
  formal_fallacies: { target: 'invalid' },
  boolean_expressions: { input: 'not ( True ) and ( True ) is', target: 'False' },
  causal_judgement: { target: 'No' },
  sports_understanding: {
    input: 'Is the following sentence plausible? "Elias Lindholm beat the buzzer."',
    target: 'no',
  },
  dyck_languages: { input: 'Complete the rest of the sequence, …. Input: [ [', target: '] ]' },
  movie_recommendation: { target: 'Monsters, Inc' },
  object_counting: { target: '8' },
};

const numeric: ScorerSpec = { type: 'numeric' };
const exact: ScorerSpec = { type: 'exact' };
const choice: ScorerSpec = { type: 'choice' };

type Row = [name: string, spec: ScorerSpec, output: string, target: string, correct: boolean];

const GSM8K_ROWS: Row[] = [
  [
    'ducks, the answer is $18.',
    numeric,
    'She has 16 - 3 - 4 = 9 eggs left and sells them at $2.\n9 * 2 = 18\nThe answer is $18.',
    GSM8K.ducks.answer,
    true,
  ],
  [
    'ducks, #### style',
    numeric,
    'Eggs sold: 16 - 3 - 4 = 9.\nRevenue: 9 * $2 = $18.\n#### 18',
    GSM8K.ducks.answer,
    true,
  ],
  ['ducks, boxed', numeric, 'So she makes $\\boxed{18}$ dollars a day.', GSM8K.ducks.answer, true],
  [
    'ducks, bold Answer line with cents',
    numeric,
    '9 eggs × $2\n\n**Answer:** $18.00',
    GSM8K.ducks.answer,
    true,
  ],
  [
    'ducks, no cue: last number',
    numeric,
    'She sells 16 - 3 - 4 = 9 eggs, so she makes 9 * 2 = 18 dollars',
    GSM8K.ducks.answer,
    true,
  ],
  [
    'ducks, restated: last cue wins',
    numeric,
    'The answer is 26.\nWait, she also bakes with 4 eggs: 16 - 3 - 4 = 9, 9 * 2 = 18.\nSo the answer is 18.',
    GSM8K.ducks.answer,
    true,
  ],
  [
    'ducks, forgot the muffins',
    numeric,
    'She has 16 - 3 = 13 eggs left, and 13 * 2 = 26.\nThe answer is $26.',
    GSM8K.ducks.answer,
    false,
  ],
  [
    'ducks, correct then wrong restatement',
    numeric,
    'The answer is 18.\nHmm, actually 16 * 2 = 32, so the answer is 32.',
    GSM8K.ducks.answer,
    false,
  ],
  [
    'house, thousands separators',
    numeric,
    'Profit = 200,000 - 130,000 = 70,000.\nAnswer: $70,000',
    GSM8K.house.answer,
    true,
  ],
  [
    'house, new value is not the profit',
    numeric,
    'The house is now worth 80,000 * 2.5 = 200,000.\nThe answer is $200,000.',
    GSM8K.house.answer,
    false,
  ],
  [
    'legos, target #### 2,125',
    numeric,
    '500 + 1500 + 125 = 2125 blocks. The answer is 2125.',
    GSM8K.legos.answer,
    true,
  ],
  [
    'legos, forgot the third set',
    numeric,
    '500 + 1500 = 2000. The answer is 2,000 blocks.',
    GSM8K.legos.answer,
    false,
  ],
  [
    'temperature, negative',
    numeric,
    '(-48 + 21 - 3) / 3 = -30 / 3 = -10.\nThe answer is -10 degrees Fahrenheit.',
    GSM8K.temperature.answer,
    true,
  ],
  [
    'temperature, sign lost',
    numeric,
    'The average is 30 / 3 = 10.\nThe answer is 10.',
    GSM8K.temperature.answer,
    false,
  ],
  ['temperature, subtraction is not a sign', numeric, 'The answer is 21-10', GSM8K.temperature.answer, false],
];

const MULTIARITH_ROWS: Row[] = MULTIARITH.flatMap((row): Row[] => {
  const solution = row.lSolutions[0]!;
  const right = `Let's think step by step. ... Therefore, the answer (arabic numerals) is ${solution}.`;
  const wrong = `Let's think step by step. ... Therefore, the answer (arabic numerals) is ${solution + 35}.`;
  return [
    [`MultiArith ${row.iIndex}, number target`, numeric, right, String(solution), true],
    [`MultiArith ${row.iIndex}, list target`, numeric, right, JSON.stringify(row.lSolutions), true],
    [`MultiArith ${row.iIndex}, "x.0" target`, numeric, right, solution.toFixed(1), true],
    [`MultiArith ${row.iIndex}, wrong`, numeric, wrong, String(solution), false],
  ];
});

const D = BBH.date_understanding.target;
const BBH_ROWS: Row[] = [
  [
    'date, the answer is (B).',
    choice,
    'Christmas Eve is 12/24/1937, so tomorrow is 12/25/1937. So the answer is (B).',
    D,
    true,
  ],
  ['date, (B)', choice, '(B)', D, true],
  ['date, B)', choice, 'B) 12/25/1937', D, true],
  ['date, bare B', choice, 'B', D, true],
  ['date, lower case', choice, 'the answer is (b).', D, true],
  ['date, Answer: B. with text', choice, 'Tomorrow is 12/25/1937.\n**Answer:** B. 12/25/1937', D, true],
  ['date, Option B', choice, 'The answer is option B.', D, true],
  ['date, no cue: last option named', choice, 'Not (A) 12/11/1937; tomorrow is (B)', D, true],
  ['date, wrong year', choice, 'Tomorrow is 12/25/2006. So the answer is (E).', D, false],
  ['date, restated wrong', choice, 'The answer is (B).\nOn reflection, the answer is (E).', D, false],
  ['date, article is not an option', choice, 'A date in December', D, false],
  [
    'hyperbaton, Answer: (A)',
    choice,
    'Opinion, size, age, colour, origin.\nAnswer: (A)',
    BBH.hyperbaton.target,
    true,
  ],
  ['hyperbaton, wrong', choice, 'So the answer is (B).', BBH.hyperbaton.target, false],
  [
    'geometric_shapes, wrong',
    choice,
    'The path has 7 points but is open... Answer: (J)',
    BBH.geometric_shapes.target,
    false,
  ],
  [
    'movie, non-option target falls back to exact',
    choice,
    'So the answer is Monsters, Inc.',
    BBH.movie_recommendation.target,
    true,
  ],
  [
    'multistep, numeric',
    numeric,
    '(-1 + 2 + 45) = 46; (-2 - 4 + 28) = 22; 46 - 22 = 24. So the answer is 24.',
    BBH.multistep_arithmetic_two.target,
    true,
  ],
  ['multistep, exact', exact, 'So the answer is 24.', BBH.multistep_arithmetic_two.target, true],
  ['multistep, wrong sign', numeric, 'So the answer is -24.', BBH.multistep_arithmetic_two.target, false],
  [
    'multistep b',
    numeric,
    '37 - (-26) = 63. So the answer is 63.',
    BBH.multistep_arithmetic_two_b.target,
    true,
  ],
  [
    'word_sorting, exact',
    exact,
    `Sorting by first letter, then the next.\nSo the answer is ${BBH.word_sorting.target}.`,
    BBH.word_sorting.target,
    true,
  ],
  [
    'word_sorting, two words swapped',
    exact,
    `So the answer is ${BBH.word_sorting.target.replace('damp delmarva', 'delmarva damp')}.`,
    BBH.word_sorting.target,
    false,
  ],
  [
    'formal_fallacies, invalid',
    exact,
    'The conclusion does not follow. So the answer is invalid.',
    BBH.formal_fallacies.target,
    true,
  ],
  [
    'formal_fallacies, valid is not invalid',
    exact,
    'So the answer is valid.',
    BBH.formal_fallacies.target,
    false,
  ],
  ['formal_fallacies under choice', choice, 'Answer: invalid', BBH.formal_fallacies.target, true],
  [
    'boolean, False',
    exact,
    'not ( True ) = False; False and True = False. So the answer is False.',
    BBH.boolean_expressions.target,
    true,
  ],
  ['boolean, True', exact, 'So the answer is **True**.', BBH.boolean_expressions.target, false],
  [
    'causal, Answer: No',
    exact,
    'Both wires were needed, but the black wire was supposed to touch.\nAnswer: No',
    BBH.causal_judgement.target,
    true,
  ],
  ['causal, Yes', exact, 'Answer: Yes', BBH.causal_judgement.target, false],
  [
    'sports, case-insensitive',
    exact,
    'Elias Lindholm is a hockey player; "beat the buzzer" is basketball. So the answer is No.',
    BBH.sports_understanding.target,
    true,
  ],
  [
    'dyck, closing brackets',
    exact,
    'We need to close [ and [. So the answer is ] ].',
    BBH.dyck_languages.target,
    true,
  ],
  ['dyck, wrong brackets', exact, 'So the answer is ) ].', BBH.dyck_languages.target, false],
  [
    'object_counting',
    numeric,
    'flute 1, piano 2, trombone 3, violin 4, accordion 5, clarinet 6, drum 7, trumpet 8. The answer is 8.',
    BBH.object_counting.target,
    true,
  ],
];

const EDGE_ROWS: Row[] = [
  ['empty output, numeric', numeric, '', '18', false],
  ['empty output, exact', exact, '', '18', false],
  ['empty output, choice', choice, '', '(A)', false],
  ['empty output, contains', { type: 'contains' }, '', 'No', false],
  ['18. vs 18.0, numeric', numeric, 'The answer is 18.', '18.0', true],
  ['18. vs 18.0, exact is strict', exact, 'The answer is 18.', '18.0', false],
  ['several numbers: the last one', numeric, 'The answer is 9 * 2 = 18', '18', true],
  ['fraction', numeric, 'The answer is \\boxed{\\frac{3}{4}}', '0.75', true],
  ['percent', numeric, 'The answer is 50%.', '50', true],
  ['float noise', numeric, 'The answer is 0.30000000000000004', '0.3', true],
  ['close but not equal', numeric, 'The answer is 0.33', '1/3', false],
  ['no number', numeric, 'I cannot tell.', '18', false],
  [
    'contains: whole output, not the extracted answer',
    { type: 'contains' },
    'The answer is (A). Though (B) was tempting.',
    '(B)',
    true,
  ],
  ['contains: normalised', { type: 'contains' }, 'i think it is MONSTERS, INC!', 'Monsters, Inc', true],
  ['startsWith', { type: 'startsWith' }, '**Yes**, the black wire caused it. The answer is No.', 'Yes', true],
  ['startsWith, wrong', { type: 'startsWith' }, 'No, it did not.', 'Yes', false],
  ['endsWith', { type: 'endsWith' }, 'Yes it could... so the answer is No.', 'No', true],
  ['endsWith, wrong', { type: 'endsWith' }, 'No. Final: yes', 'No', false],
  ['endsWith, GSM8K target', { type: 'endsWith' }, 'She makes $18', GSM8K.ducks.answer, true],
];

describe('score on real dataset rows', () => {
  it.each([...GSM8K_ROWS, ...MULTIARITH_ROWS, ...BBH_ROWS, ...EDGE_ROWS])(
    '%s',
    (_name, spec, output, target, correct) => {
      expect(score(spec, output, target).correct).toBe(correct);
    },
  );
});

describe('extracted', () => {
  it('is the answer taken from the output, or the whole trimmed output for contains-like scorers', () => {
    expect(score(numeric, 'So the answer is **$18**.', GSM8K.ducks.answer)).toEqual({
      correct: true,
      extracted: '$18',
    });
    expect(score({ type: 'contains' }, '  Yes, it did.  ', 'Yes').extracted).toBe('Yes, it did.');
  });
});

describe('regex scorer', () => {
  const option: ScorerSpec = { type: 'regex', pattern: '^\\(?([A-J])\\)?$', flags: 'i' };

  it('compares the capture group with the extracted target', () => {
    expect(score(option, 'So the answer is (b).', BBH.date_understanding.target)).toEqual({
      correct: true,
      extracted: 'b',
    });
    expect(score(option, 'So the answer is (E).', BBH.date_understanding.target).correct).toBe(false);
    const number: ScorerSpec = { type: 'regex', pattern: '(-?\\d+) degrees' };
    expect(score(number, 'So the answer is -10 degrees.', GSM8K.temperature.answer).correct).toBe(true);
  });

  it('tests the extracted answer, not the whole output', () => {
    expect(score(option, 'Options (A) and (B) differ.\nAnswer: (C) maybe', '(A)').correct).toBe(false);
  });

  it('counts any match as correct without a capture group', () => {
    const integer: ScorerSpec = { type: 'regex', pattern: '^-?\\d+$' };
    expect(score(integer, 'The answer is 24.', 'unused')).toEqual({ correct: true, extracted: '24' });
    expect(score(integer, 'The answer is twenty-four.', 'unused').correct).toBe(false);
  });

  it('gives the same verdict on every call even with the g flag', () => {
    const global: ScorerSpec = { type: 'regex', pattern: 'valid', flags: 'g' };
    const verdicts = [1, 2, 3].map(() => score(global, 'So the answer is valid.', 'valid').correct);
    expect(verdicts).toEqual([true, true, true]);
  });
});

describe('regex scorer on patterns a pull request controls', () => {
  const nested: ScorerSpec = { type: 'regex', pattern: '(a+)+$' };
  const noCapture: ScorerSpec = { type: 'regex', pattern: '(?:a+)+$' };

  /** Mean ms per call over at least 20 ms of calls, best of three: timer resolution and load spikes stay out. */
  function msPerCall(call: () => void): number {
    let best = Number.POSITIVE_INFINITY;
    for (let trial = 0; trial < 3; trial++) {
      const start = performance.now();
      let calls = 0;
      do {
        call();
        calls++;
      } while (performance.now() - start < 20);
      best = Math.min(best, (performance.now() - start) / calls);
    }
    return best;
  }

  it('scores (a+)+$ against aaaa…a! (which backtracks ~2^n steps in JavaScript) in linear time', () => {
    const short = `${'a'.repeat(40)}!`;
    const long = `${'a'.repeat(40_000)}!`;
    for (const spec of [nested, noCapture]) {
      expect(score(spec, short, 'a').correct).toBe(false);
      const ratio = msPerCall(() => score(spec, long, 'a')) / msPerCall(() => score(spec, short, 'a'));
      // Linear is ~1,000 (less with fixed costs); anything exponential or quadratic is far beyond.
      expect(ratio).toBeLessThan(10_000);
    }
  });

  it('extracts a capture from a long match in linear time', () => {
    const capture: ScorerSpec = { type: 'regex', pattern: '(a+)+$' };
    expect(score(capture, 'aaaa', 'aaaa')).toEqual({ correct: true, extracted: 'aaaa' });
    const ratio =
      msPerCall(() => score(capture, 'a'.repeat(40_000), 'a')) /
      msPerCall(() => score(capture, 'a'.repeat(40), 'a'));
    expect(ratio).toBeLessThan(10_000);
  });

  it.each([
    ['a backreference', '(a+)\\1', /invalid escape sequence: `\\1`/],
    ['a lookahead', 'answer(?=:)', /unsupported Perl syntax: `\(\?=`/],
    ['a negative lookbehind', '(?<!not )valid', /RE2: /],
    ['a repeat over 1000', 'a{1001}', /invalid repeat count/],
    ['a repeat that compiles large', '[a-z]{300}', /instructions, more than 256/],
  ])('refuses %s with a ConfigError naming the pattern', (_name, pattern, reason) => {
    const run = () => validateScorer({ type: 'regex', pattern });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(`Regex scorer: regex /${pattern}/ `);
    expect(run).toThrow(reason);
    expect(() => score({ type: 'regex', pattern }, 'x', 'x')).toThrow(ConfigError);
  });

  it('keeps the flags users write: i, m, s', () => {
    expect(
      score({ type: 'regex', pattern: 'VERDICT: (\\w+)', flags: 'i' }, 'verdict: yes', 'Yes').correct,
    ).toBe(true);
    const lastLine: ScorerSpec = { type: 'regex', pattern: '^(\\d+)$', flags: 'm' };
    expect(score(lastLine, 'so\n42\ndone', '42').extracted).toBe('42');
    const across: ScorerSpec = { type: 'regex', pattern: 'begin(.*)end', flags: 's' };
    expect(score(across, 'begin\nX\nend', 'x').extracted).toBe('\nX\n');
    expect(score({ type: 'regex', pattern: 'begin(.*)end' }, 'begin\nX\nend', 'x').correct).toBe(false);
  });
});

describe('json scorer', () => {
  const answer: ScorerSpec = { type: 'json', field: 'result.answer' };

  it.each([
    ['plain object', '{"result": {"answer": 18}}', true],
    ['fenced block', 'Here you go:\n```json\n{"result": {"answer": 18.0}}\n```', true],
    [
      'prose around, braces inside strings',
      'Sure! {"reasoning": "9 * 2 = 18 {dollars}", "result": {"answer": "18"}} Hope it helps.',
      true,
    ],
    [
      'a set in prose before the object',
      'For the set {1, 2 we get\n```json\n{"result": {"answer": "$18"}}\n```',
      true,
    ],
    ['wrong number', '{"result": {"answer": 26}}', false],
    ['missing field', '{"result": {"value": 18}}', false],
    ['text that is not a plain number', '{"result": {"answer": "18 dollars"}}', false],
    ['not JSON', 'The answer is 18.', false],
    ['empty output', '', false],
  ])('%s', (_name, output, correct) => {
    expect(score(answer, output, GSM8K.ducks.answer).correct).toBe(correct);
  });

  it('reads an answer nested 100,000 deep as no JSON, a wrong answer rather than a crash', () => {
    const deep = `{"result": {"answer": ${'['.repeat(100_000)}18${']'.repeat(100_000)}}}`;
    expect(score(answer, deep, '18')).toEqual({ correct: false, extracted: '' });
    expect(extractJson(deep)).toBeUndefined();
  });

  it('reports the field value as extracted', () => {
    expect(score(answer, '{"result": {"answer": 18}}', '18').extracted).toBe('18');
    expect(score(answer, '{"result": {}}', '18').extracted).toBe('');
  });

  it('compares text fields with exact normalisation and reads array indices', () => {
    const verdict: ScorerSpec = { type: 'json', field: 'verdict' };
    expect(score(verdict, '{"verdict": "Invalid."}', BBH.formal_fallacies.target).correct).toBe(true);
    expect(score(verdict, '{"verdict": "valid"}', BBH.formal_fallacies.target).correct).toBe(false);
    expect(score({ type: 'json', field: 'options.1' }, '{"options": ["(A)", "(B)"]}', '(B)').correct).toBe(
      true,
    );
    expect(score({ type: 'json', field: 'ok' }, '{"ok": true}', BBH.boolean_expressions.target).correct).toBe(
      false,
    );
  });
});

describe('validateScorer', () => {
  it('accepts valid specs', () => {
    for (const spec of [exact, numeric, choice, { type: 'regex', pattern: '(\\d+)', flags: 'i' } as const]) {
      expect(() => validateScorer(spec)).not.toThrow();
    }
    expect(() => validateScorer({ type: 'json', field: 'result.answer' })).not.toThrow();
  });

  it('rejects an invalid regex with a ConfigError naming the pattern', () => {
    expect(() => validateScorer({ type: 'regex', pattern: 'answer: (\\d+' })).toThrow(ConfigError);
    expect(() => validateScorer({ type: 'regex', pattern: 'answer: (\\d+' })).toThrow(/answer: \(\\d\+/);
    expect(() => validateScorer({ type: 'regex', pattern: 'x', flags: 'q' })).toThrow(ConfigError);
    expect(() => score({ type: 'regex', pattern: '[' }, 'x', 'x')).toThrow(ConfigError);
  });

  it('rejects a json field that is not a dot path', () => {
    for (const field of ['', 'result..answer', '.answer']) {
      expect(() => validateScorer({ type: 'json', field })).toThrow(ConfigError);
    }
  });

  it('rejects an unknown type', () => {
    const bad = { type: 'fuzzy' } as unknown as ScorerSpec;
    expect(() => validateScorer(bad)).toThrow(/Unknown scorer type "fuzzy"/);
  });
});

describe('1 MB outputs', () => {
  const MB = 1024 * 1024;
  const thinking = 'Let me think about the eggs again: 16 - 3 - 4 = 9, and 9 * 2 = 18. '.repeat(MB / 68);

  it('returns the right verdicts', () => {
    expect(score(numeric, `${thinking}\nThe answer is $18.`, GSM8K.ducks.answer).correct).toBe(true);
    expect(score(numeric, `${thinking}\nThe answer is $26.`, GSM8K.ducks.answer).correct).toBe(false);
    expect(score({ type: 'contains' }, `${thinking} Monsters, Inc`, 'Monsters, Inc').correct).toBe(true);
    expect(score({ type: 'json', field: 'answer' }, `${'{'.repeat(MB)}{"answer": 18}`, '18').correct).toBe(
      false,
    );
    expect(score(choice, `${'(A) '.repeat(MB / 4)}\nAnswer: (B)`, '(B)').correct).toBe(true);
  });
});
