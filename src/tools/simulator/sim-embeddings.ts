/**
 * The simulator's `POST /v1/embeddings`, in OpenAI's request and response format.
 *
 * A text's vector is a signed, hashed bag of its words (feature hashing into 256 dimensions, two
 * buckets a word, L2-normalised): lowercased letters and digits, a plural `s` dropped, common function words left out
 * so that two unrelated sentences do not look alike through "the" and "to". Texts that share words are
 * close (a reordering or a changed stop word keeps the cosine at 1), texts with no word in common are
 * near 0 (the signs make collisions cancel out on average). The vector depends on the text only, not on
 * the seed or the model, so a similarity computed against the simulator is reproducible.
 *
 * Requests are checked as the API does: `model` a non-empty string, `input` a non-empty string, an array
 * of them (at most 2048) or token arrays, `encoding_format` `float` or `base64` (the SDK asks for base64
 * unless told otherwise and decodes it), `dimensions` from 1 to 256 (the vector is cut and renormalised).
 */
import { tokens } from './sim-answer.js';
import { HttpError } from './sim-request.js';

export const EMBEDDING_DIMENSIONS = 256;
const MAX_INPUTS = 2048;

// Function words: sharing them says nothing about whether two texts mean the same.
const STOP_WORDS = new Set(
  (
    'a an the and or but if of to in on at by for with from as is are was were be been being it its ' +
    'this that these those i you he she we they me my your our their us them do does did so not no'
  ).split(' '),
);

export interface EmbeddingsReply {
  object: 'list';
  data: { object: 'embedding'; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/** The words a text's vector is built from (see the header). */
export function embeddingWords(text: string): string[] {
  const all = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map((w) =>
    w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w,
  );
  const content = all.filter((w) => !STOP_WORDS.has(w));
  if (content.length > 0) return content;
  if (all.length > 0) return all;
  // Punctuation or symbols only: the API still returns a vector, so the text itself is the one "word".
  return [text.trim() || text];
}

// FNV-1a, 32 bits, then murmur3's finaliser so that the low bits (the bucket) are well mixed: the same
// on every platform, and fast.
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

// Each word adds to two buckets, so one collision with another word cannot cancel it out.
const BUCKETS_PER_WORD = 2;

/** The unit vector of a text, `dimensions` long (see the header). */
export function embedText(text: string, dimensions = EMBEDDING_DIMENSIONS): number[] {
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  for (const word of embeddingWords(text)) {
    for (let k = 0; k < BUCKETS_PER_WORD; k++) {
      const hash = hash32(`${k}\u001f${word}`);
      vector[hash % EMBEDDING_DIMENSIONS]! += hash & 0x80000000 ? -1 : 1;
    }
  }
  const cut = vector.slice(0, dimensions);
  let norm = Math.hypot(...cut);
  // Every word collided away (or was cut off): one fixed direction rather than a zero vector.
  if (norm === 0) {
    cut[hash32(text) % dimensions] = 1;
    norm = 1;
  }
  return cut.map((x) => x / norm);
}

const invalidInput = (detail: string) =>
  new HttpError(400, `'$.input' is invalid: ${detail}. Please check the API reference.`, 'input');

function isTokenArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((t) => Number.isInteger(t) && t >= 0);
}

/** The texts of an `input`; token ids stand for words of their own. */
function inputTexts(input: unknown): string[] {
  if (input === undefined || input === null) throw invalidInput("'input' is a required property");
  if (typeof input === 'string') {
    if (input.length === 0) throw invalidInput('an empty string');
    return [input];
  }
  if (isTokenArray(input)) return [input.map((t) => `#${t}`).join(' ')];
  if (!Array.isArray(input) || input.length === 0)
    throw invalidInput('expected a string or a non-empty array');
  if (input.length > MAX_INPUTS) throw invalidInput(`at most ${MAX_INPUTS} inputs, got ${input.length}`);
  return input.map((item, i) => {
    if (typeof item === 'string' && item.length > 0) return item;
    if (isTokenArray(item)) return item.map((t) => `#${t}`).join(' ');
    throw invalidInput(`input[${i}] must be a non-empty string or array of tokens`);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function encode(vector: number[], format: 'float' | 'base64'): number[] | string {
  if (format === 'float') return vector;
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

/** The reply to an embeddings request body; throws an HttpError (400 naming the parameter) when invalid. */
export function embeddingsReply(body: unknown): EmbeddingsReply {
  if (!isRecord(body)) throw new HttpError(400, 'request body: expected a JSON object');
  if (typeof body.model !== 'string' || body.model.length === 0) {
    throw new HttpError(400, 'model: you must provide a model parameter', 'model');
  }
  const texts = inputTexts(body.input);
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    throw new HttpError(
      400,
      `encoding_format: expected 'float' or 'base64', got ${JSON.stringify(format)}`,
      'encoding_format',
    );
  }
  const dimensions = body.dimensions ?? EMBEDDING_DIMENSIONS;
  if (
    !Number.isInteger(dimensions) ||
    (dimensions as number) < 1 ||
    (dimensions as number) > EMBEDDING_DIMENSIONS
  ) {
    throw new HttpError(
      400,
      `dimensions: expected an integer from 1 to ${EMBEDDING_DIMENSIONS}, got ${JSON.stringify(dimensions)}`,
      'dimensions',
    );
  }
  const used = tokens(texts.reduce((sum, t) => sum + t.length, 0));
  return {
    object: 'list',
    data: texts.map((text, index) => ({
      object: 'embedding',
      index,
      embedding: encode(embedText(text, dimensions as number), format),
    })),
    model: body.model,
    usage: { prompt_tokens: used, total_tokens: used },
  };
}
