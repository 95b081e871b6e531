import { describe, expect, it } from 'vitest';
import { extractAnswer, normalizeText, parseNumber } from '../../src/eval/extract.js';

const MB = 1024 * 1024;

describe('extractAnswer', () => {
  it.each([
    ['GSM8K marker', 'She makes 9 * 2 = $18 every day.\n#### 18', '18'],
    ['the answer is, trailing period', 'So the answer is $18.', '$18'],
    ['final answer is', 'Adding up, the final answer is 2,125 blocks.', '2,125 blocks'],
    ['zero-shot-CoT phrasing', 'Therefore, the answer (arabic numerals) is 39.', '39'],
    ['Answer: line', 'Let me check each option.\nAnswer: (A)', '(A)'],
    ['bold Final Answer line', 'Step 1 ...\n**Final Answer:** **(B)**', '(B)'],
    ['Answer: alone on its line', 'Reasoning...\nAnswer:\n\n  `valid`  ', 'valid'],
    ['heading then answer', 'Work...\n### Final Answer\n\n42', '42'],
    ['#### Final Answer heading', 'Work...\n#### Final Answer\n42', '42'],
    ['boxed', 'Thus $x = \\boxed{18}$.', '18'],
    ['boxed with nested braces', 'So $p = \\boxed{\\frac{1}{2}}$', '\\frac{1}{2}'],
    ['boxed \\text', 'The option is \\boxed{\\text{(C)}}', '(C)'],
    ['cut at the end of the sentence', 'The answer is 18. Check: 3 + 4 = 7, fine.', '18'],
    ['decimal point is not a sentence end', 'the answer is 1.5 hours', '1.5 hours'],
    ['answer on the next line', 'The answer is:\n\n**1,234**', '1,234'],
    ['no cue: whole trimmed output', '  Monsters, Inc.  ', 'Monsters, Inc'],
    ['empty output', '', ''],
    ['only whitespace', ' \n\t ', ''],
  ])('%s', (_name, text, expected) => {
    expect(extractAnswer(text)).toBe(expected);
  });

  it('uses the last cue when the model restates', () => {
    const text = 'First I thought the answer is 12.\nWait, I forgot the muffins.\nSo the answer is 9.';
    expect(extractAnswer(text)).toBe('9');
    expect(extractAnswer('The answer is (A).\nAnswer: (C)')).toBe('(C)');
    expect(extractAnswer('Answer: (C)\nOn reflection, the answer is (D).')).toBe('(D)');
    expect(extractAnswer('#### 5\n#### 7')).toBe('7');
  });

  it('prefers the cue whose answer starts last', () => {
    expect(extractAnswer('The answer is \\boxed{18}.')).toBe('18');
    expect(extractAnswer('Final Answer: the answer is 7')).toBe('7');
  });

  it('skips a cue with nothing after it and falls back to an earlier one', () => {
    expect(extractAnswer('The answer is 4.\n\\boxed{unclosed')).toBe('4');
    expect(extractAnswer('The answer is 4.\nAnswer:')).toBe('4');
  });

  it('ignores deeper markdown headings', () => {
    expect(extractAnswer('##### Step 1\nSo the answer is 3.')).toBe('3');
    expect(extractAnswer('##### Notes')).toBe('##### Notes');
  });

  it('reads a GSM8K target', () => {
    const target =
      'Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\n' +
      'She makes 9 * 2 = $<<9*2=18>>18 every day at the farmer\u2019s market.\n#### 18';
    expect(extractAnswer(target)).toBe('18');
  });

  it('handles 1 MB outputs without backtracking blow-ups', () => {
    const filler = `the answer might be ${' '.repeat(MB)}answer ${'#'.repeat(5000)} `;
    expect(extractAnswer(`${filler}\nSo the answer is 18.`)).toBe('18');
    expect(extractAnswer('\\boxed{'.repeat(MB / 7))).toContain('\\boxed{');
    expect(extractAnswer(`${'answer is '.repeat(MB / 10)}42`)).toBe('42');
    expect(extractAnswer(`${'\\boxed{'.repeat(MB / 7)}\\boxed{5}`)).toBe('5');
    // Every cue here is followed by an empty sentence, so each one is tried in turn.
    expect(extractAnswer(`${'the answer is . '.repeat(MB / 16)}\n#### 3`)).toBe('3');
    expect(extractAnswer(`The answer is 7.${' the answer is . '.repeat(MB / 17)}`)).toBe('7');
  });
});

describe('normalizeText', () => {
  it.each([
    ['(A)', 'a'],
    ['  Yes. ', 'yes'],
    ['**True**', 'true'],
    ['Monsters,   Inc.', 'monsters, inc'],
    ['\u201cvalid\u201d', 'valid'],
    ['-10', '-10'],
    ['(-3)', '-3'],
    ['$18', '18'],
    ['.5', '.5'],
    ['syndrome\n therefrom', 'syndrome therefrom'],
    [') ] >', ') ] >'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });
});

describe('parseNumber', () => {
  it.each([
    ['18', 18],
    ['18.0', 18],
    ['1,000', 1000],
    ['$1,234.50', 1234.5],
    ['3/4', 0.75],
    ['3 / 4 of a cup', 0.75],
    ['\\frac{3}{4}', 0.75],
    ['\\dfrac{-1}{2}', -0.5],
    ['50%', 50],
    ['-5', -5],
    ['\u22125', -5],
    ['-$5', -5],
    ['x = -5 degrees', -5],
    ['(-3)', -3],
    ['.5', 0.5],
    ['2,125 blocks', 2125],
    ['1{,}000', 1000],
    ['16 - 3 - 4 = 9', 9],
    ['16-3', 3],
    ['pages 10-12', 12],
    ['1, 2, 3', 3],
    ['18 dollars and 5 cents', 5],
  ])('%j → %d', (input, expected) => {
    expect(parseNumber(input)).toBeCloseTo(expected, 12);
  });

  it.each(['', 'no numbers here', 'seven', '5/0'])('%j → null', (input) => {
    expect(parseNumber(input)).toBeNull();
  });

  it('reads the last number of a 1 MB string in linear time', () => {
    const digitsAndCommas = '1,'.repeat(MB / 2);
    expect(parseNumber(`${digitsAndCommas}7`)).toBe(7);
    expect(parseNumber(`${'9'.repeat(MB)} / ${' '.repeat(MB)}x 3`)).toBe(3);
  });
});
