// A secret leaks as surely through its base64 form (an echoed Authorization header), its hex form or
// its characters spaced out as through itself. An endpoint or a file can hand back any of these, so
// everything shown is passed through a Redactor that knows them all.

const MASK = '***';
/** Exact masking below this length would hide ordinary words (local servers get keys like "none"). */
const MIN_EXACT = 4;
/** Matching across separators and case needs this many letters and digits to rule out chance. */
const MIN_SPREAD = 12;

/**
 * Base64 of `bytes` wherever they sit in a longer encoded text: the encoded form depends on the
 * offset mod 3, so each of the three alignments contributes the groups that lie wholly inside.
 */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const whole = Math.floor((bytes.length - shift) / 3) * 3;
    if (whole > 0) cores.push(bytes.subarray(shift, shift + whole).toString('base64'));
  }
  return cores;
}

/**
 * Every exact string that stands for `secret`: itself, its base64 (alone, as `Bearer <key>` and at
 * any offset, as the Actions runner's own masker does), base64url and hex. Registered with the runner
 * so its log masking covers them too.
 */
export function secretForms(secret: string): string[] {
  if (secret.length < MIN_EXACT) return [];
  const bytes = Buffer.from(secret, 'utf8');
  const b64 = [
    bytes.toString('base64'),
    Buffer.from(`Bearer ${secret}`, 'utf8').toString('base64'),
    ...base64Cores(bytes),
  ];
  const url = b64.map((s) => s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'));
  const forms = [secret, ...b64, ...url, bytes.toString('hex')];
  return [...new Set(forms)].filter((f) => f.length >= MIN_EXACT);
}

/** Letters and digits only, lower-cased: the part of a text that survives spacing and separators. */
function compact(text: string): { chars: string; at: Int32Array } {
  const at = new Int32Array(text.length);
  const parts: string[] = [];
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!alnum) continue;
    parts.push(c <= 90 && c >= 65 ? String.fromCharCode(c + 32) : text[i]!);
    at[n++] = i;
  }
  return { chars: parts.join(''), at: at.subarray(0, n) };
}

function compactNeedle(form: string): string {
  return form.replace(/[^A-Za-z0-9]/g, '').toLowerCase();
}

/** Masks given secrets in every form secretForms knows, plus the same forms spread out by separators. */
export class Redactor {
  private readonly exact: string[];
  private readonly spread: string[];

  constructor(secrets: readonly string[]) {
    const forms = secrets.flatMap(secretForms);
    // Longest first, so a form that contains another is masked whole.
    this.exact = [...new Set(forms)].sort((a, b) => b.length - a.length);
    const spread = forms.map(compactNeedle).filter((f) => f.length >= MIN_SPREAD);
    this.spread = [...new Set(spread)];
  }

  get empty(): boolean {
    return this.exact.length === 0;
  }

  redact(text: string): string {
    if (this.empty || text.length < MIN_EXACT) return text;
    let out = text;
    for (const form of this.exact) if (out.includes(form)) out = out.split(form).join(MASK);
    return this.spread.length === 0 ? out : this.redactSpread(out);
  }

  /** A copy of plain JSON-like data (objects, arrays, strings) with every string redacted. */
  redactDeep<T>(value: T): T {
    if (this.empty) return value;
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return this.redact(v);
      if (Array.isArray(v)) return v.map(walk);
      if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
      }
      return v;
    };
    return walk(value) as T;
  }

  /** `s k - t e s t …`, `SK_TEST…`, a base64 form wrapped over lines: masked from first to last character. */
  private redactSpread(text: string): string {
    const { chars, at } = compact(text);
    const ranges: [number, number][] = [];
    for (const needle of this.spread) {
      for (let i = chars.indexOf(needle); i !== -1; i = chars.indexOf(needle, i + needle.length)) {
        ranges.push([at[i]!, at[i + needle.length - 1]! + 1]);
      }
    }
    if (ranges.length === 0) return text;
    ranges.sort((a, b) => a[0] - b[0]);
    let out = '';
    let from = 0;
    for (const [start, end] of ranges) {
      if (end <= from) continue;
      out += text.slice(from, Math.max(from, start)) + (start >= from ? MASK : '');
      from = end;
    }
    return out + text.slice(from);
  }
}

/**
 * Strings shaped like credentials, whoever's they are: OpenAI-style `sk-…`, GitHub tokens, bearer
 * tokens, and any run of 32+ token characters that mixes letters and digits (lower-case hex, such as
 * a commit SHA or a UUID, stays readable).
 */
const KEY_LIKE = /\bsk-[A-Za-z0-9_-]{6,}|\b(?:gh[pousr]_[A-Za-z0-9]{10,}|github_pat_[A-Za-z0-9_]{10,})/g;
const BEARER = /\b(Bearer|Basic)\s+[^\s"',;]+/gi;
const LONG_TOKEN = /[A-Za-z0-9+/_-]{32,}={0,2}/g;

export function maskKeyLike(text: string): string {
  return text
    .replace(KEY_LIKE, MASK)
    .replace(BEARER, `$1 ${MASK}`)
    .replace(LONG_TOKEN, (m) =>
      /[0-9]/.test(m) && /[A-Za-z]/.test(m) && !/^[0-9a-f-]+$/.test(m) ? MASK : m,
    );
}
