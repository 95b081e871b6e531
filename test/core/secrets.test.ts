import { describe, expect, it } from 'vitest';
import { maskKeyLike, Redactor, secretForms } from '../../src/core/secrets.js';

const KEY = 'sk-proj-Zq8vT2mLx9RwB4kN7cYp';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('Redactor', () => {
  const r = new Redactor([KEY]);

  it('masks the key, its base64 and the base64 of its bearer header', () => {
    for (const form of [KEY, b64(KEY), b64(`Bearer ${KEY}`), Buffer.from(KEY).toString('hex')]) {
      const out = r.redact(`error: got ${form} from you`);
      expect(out).toBe('error: got *** from you');
    }
  });

  it('masks base64 of any text that contains the key, at every byte offset', () => {
    for (const prefix of ['', 'a', 'ab', '{"authorization":"Bearer ']) {
      const encoded = b64(`${prefix}${KEY}"}`);
      const out = r.redact(`header was ${encoded}`);
      // What is left of the encoded text is the part that encodes the prefix and suffix, not the key.
      expect(out).toContain('***');
      const left = out.replace('header was ', '').split('***').join('');
      expect(left.length).toBeLessThan(encoded.length - 20);
      expect(Buffer.from(left, 'base64').toString('latin1')).not.toContain('Zq8vT2m');
    }
  });

  it('masks the key spaced out, with separators or zero-width characters, in any case', () => {
    const spaced = [...KEY].join(' ');
    const dotted = [...KEY].join('.');
    const invisible = [...KEY].join('\u200B');
    for (const form of [
      spaced,
      dotted,
      invisible,
      KEY.toUpperCase(),
      `${KEY.slice(0, 10)}\n${KEY.slice(10)}`,
    ]) {
      expect(r.redact(`key: ${form} (echoed)`)).toBe('key: *** (echoed)');
    }
  });

  it('masks base64 wrapped over lines (MIME)', () => {
    const encoded = b64(`Bearer ${KEY}`);
    const wrapped = `${encoded.slice(0, 16)}\r\n${encoded.slice(16)}`;
    expect(r.redact(wrapped)).not.toMatch(/[A-Za-z0-9+/]{12,}/);
  });

  it('leaves text without the key alone, and a short key matches only exactly', () => {
    const text = 'The answer is 42. sk-proj and Zq8v are fragments, not the key.';
    expect(r.redact(text)).toBe(text);
    const short = new Redactor(['none']);
    expect(short.redact('none of n o n e')).toBe('*** of n o n e');
    expect(new Redactor(['']).redact('anything')).toBe('anything');
    expect(secretForms('abc')).toEqual([]);
  });

  it('redacts every string in plain data, keeping its shape', () => {
    const data = { a: [`x ${b64(KEY)}`, 3, null], b: { c: [...KEY].join(' ') }, d: true };
    expect(r.redactDeep(data)).toEqual({ a: ['x ***', 3, null], b: { c: '***' }, d: true });
  });

  it('is linear on a long text', () => {
    const long = `${'s k - '.repeat(200_000)}${KEY}`;
    const started = Date.now();
    expect(r.redact(long).endsWith('***')).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('maskKeyLike', () => {
  it('masks sk- keys, GitHub tokens, bearer tokens and long mixed tokens', () => {
    const text =
      'sk-abcdef123456 ghp_abcdefghij1234567890 ghs_Zz12345678901 Bearer abc.def ' +
      'tok=AbC123dEf456GhI789jKl012MnO345pQr678';
    expect(maskKeyLike(text)).toBe('*** *** *** Bearer *** tok=***');
  });

  it('keeps commit SHAs, UUIDs and words readable', () => {
    const text =
      'commit 0123456789abcdef0123456789abcdef01234567 request 123e4567-e89b-12d3-a456-426614174000 a_very_long_identifier_name_without_digits';
    expect(maskKeyLike(text)).toBe(text);
  });
});
