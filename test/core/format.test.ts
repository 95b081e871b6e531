// The one number style of every text the project prints: p-values, percentages, signed pp.
import { describe, expect, it } from 'vitest';
import { DASH, percent, pText, pValue, signedPp } from '../../src/core/format.js';
import { mcnemarExact } from '../../src/eval/stats.js';

describe('pValue and pText', () => {
  it('give two significant digits, or "< 0.001", for exact McNemar p-values', () => {
    // 12 lost, 2 gained: p = 0.0129…; 3 lost, 0 gained: 0.25; 60 lost: about 1.7e-18.
    expect(pValue(mcnemarExact(12, 2))).toBe('0.013');
    expect(pValue(mcnemarExact(3, 0))).toBe('0.25');
    expect(pValue(mcnemarExact(0, 0))).toBe('1.0');
    expect(pValue(mcnemarExact(60, 0))).toBe('< 0.001');
    expect(pText(mcnemarExact(12, 2))).toBe('p = 0.013');
    expect(pText(mcnemarExact(60, 0))).toBe('p < 0.001');
  });

  it('never print an exponent or more than two significant digits', () => {
    for (let lost = 0; lost <= 40; lost++) {
      for (let gained = 0; gained <= 40; gained++) {
        const v = pValue(mcnemarExact(lost, gained));
        expect(v).toMatch(/^(< 0\.001|0\.0{0,2}[1-9]\d?|1\.0)$/);
      }
    }
  });

  it('show a dash for a figure that is not a number', () => {
    expect(pValue(Number.NaN)).toBe(DASH);
    expect(percent(null)).toBe(DASH);
    expect(signedPp(-0.125)).toBe('-12.5');
  });
});
