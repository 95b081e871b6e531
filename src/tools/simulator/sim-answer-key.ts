/**
 * Finds which dataset input a simulated request is about. Requests embed the input in a template
 * ("Q: {{question}}\nA:"), so lookup is by substring, and it must stay cheap for 100,000 keys under
 * thousands of concurrent requests: inputs are indexed by their first PREFIX_LENGTH characters, and a
 * request costs one Map lookup per character position, independent of the dataset size.
 */

export interface AnswerKeyRow {
  input: string;
  target: string;
}

/** Long enough that a prefix rarely repeats inside one request, short enough that most inputs have one. */
const PREFIX_LENGTH = 24;

export class AnswerKey {
  /** Several inputs may share a prefix (templated datasets), hence a list per prefix. */
  private readonly byPrefix = new Map<string, AnswerKeyRow[]>();
  /** Inputs shorter than the prefix (BBH boolean expressions, "2+2"): few, so a linear includes() is fine. */
  private readonly short: AnswerKeyRow[] = [];
  readonly size: number;

  constructor(rows: AnswerKeyRow[]) {
    const seen = new Set<string>();
    for (const row of rows) {
      // The first row wins for duplicate inputs, like the first definition of a name.
      if (row.input.length === 0 || seen.has(row.input)) continue;
      seen.add(row.input);
      const entry = { input: row.input, target: row.target };
      if (row.input.length < PREFIX_LENGTH) {
        this.short.push(entry);
        continue;
      }
      const prefix = row.input.slice(0, PREFIX_LENGTH);
      const bucket = this.byPrefix.get(prefix);
      if (bucket) bucket.push(entry);
      else this.byPrefix.set(prefix, [entry]);
    }
    this.size = seen.size;
  }

  /** The longest known input that occurs in `text` (the longest, so "2+2" never shadows "2+2*3"). */
  find(text: string): AnswerKeyRow | undefined {
    let best: AnswerKeyRow | undefined;
    if (this.byPrefix.size > 0) {
      const last = text.length - PREFIX_LENGTH;
      for (let i = 0; i <= last; i++) {
        const bucket = this.byPrefix.get(text.slice(i, i + PREFIX_LENGTH));
        if (!bucket) continue;
        for (const row of bucket) {
          if ((!best || row.input.length > best.input.length) && text.startsWith(row.input, i)) best = row;
        }
      }
    }
    if (best) return best;
    for (const row of this.short) {
      if ((!best || row.input.length > best.input.length) && text.includes(row.input)) best = row;
    }
    return best;
  }
}
