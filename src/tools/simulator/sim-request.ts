/**
 * Reading and validating the simulator's HTTP requests. Rejections mirror the OpenAI API (400 with a
 * message naming the parameter), so a client bug shows up against the simulator as it would in production.
 */
import type { IncomingMessage } from 'node:http';

/** A request the simulator rejects; becomes `{"error": {message, type, param, code}}` with this status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

export type SimResponseFormat =
  | { type: 'text' }
  | { type: 'json_object'; schema: undefined }
  | { type: 'json_schema'; schema: unknown; name: string };

export interface SimRequest {
  model: string;
  /** Text of each message; array content is reduced to its text parts. */
  messages: { role: string; content: string }[];
  responseFormat: SimResponseFormat;
  /** The request's `seed`, if sent: varies the reply at temperature > 0. */
  seed: number | null;
  /** The request's `temperature` (OpenAI's default, 1, when not sent). */
  temperature: number;
}

// Real prompts with a long document stay far below this; it only guards against runaway clients.
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HttpError(400, `We could not parse the JSON body of your request: ${reason}`);
  }
}

function messageText(content: unknown, index: number): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        isRecord(part) && part.type === 'text' && typeof part.text === 'string' ? part.text : '',
      )
      .join('');
  }
  throw new HttpError(
    400,
    `messages[${index}].content: expected a string or an array of parts`,
    `messages[${index}].content`,
  );
}

function parseResponseFormat(value: unknown): SimResponseFormat {
  if (value === undefined || value === null) return { type: 'text' };
  if (!isRecord(value)) throw new HttpError(400, 'response_format: expected an object', 'response_format');
  if (value.type === 'text') return { type: 'text' };
  if (value.type === 'json_object') return { type: 'json_object', schema: undefined };
  if (value.type === 'json_schema') {
    const spec = value.json_schema;
    if (!isRecord(spec) || typeof spec.name !== 'string' || spec.name.length === 0) {
      throw new HttpError(
        400,
        'response_format.json_schema.name: expected a non-empty string',
        'response_format.json_schema.name',
      );
    }
    // OpenAI treats a missing schema as "any JSON"; an empty schema yields {"answer": ...} below.
    return {
      type: 'json_schema',
      schema: spec.schema ?? { type: 'object', properties: { answer: { type: 'string' } } },
      name: spec.name,
    };
  }
  throw new HttpError(
    400,
    `response_format.type: expected 'text', 'json_object' or 'json_schema', got ${JSON.stringify(value.type)}`,
    'response_format.type',
  );
}

export function parseChatRequest(body: unknown): SimRequest {
  if (!isRecord(body)) throw new HttpError(400, 'request body: expected a JSON object');
  if (body.stream === true) {
    throw new HttpError(
      400,
      'stream: the simulator does not support streaming; send stream: false',
      'stream',
    );
  }
  if (typeof body.model !== 'string' || body.model.length === 0) {
    throw new HttpError(400, 'model: expected a non-empty string', 'model');
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw new HttpError(400, 'messages: expected a non-empty array', 'messages');
  }
  const messages = body.messages.map((message: unknown, index) => {
    if (!isRecord(message) || typeof message.role !== 'string' || !ROLES.has(message.role)) {
      throw new HttpError(
        400,
        `messages[${index}].role: expected one of ${[...ROLES].join(', ')}`,
        `messages[${index}].role`,
      );
    }
    return { role: message.role, content: messageText(message.content, index) };
  });
  return {
    model: body.model,
    messages,
    responseFormat: parseResponseFormat(body.response_format),
    seed: optionalNumber(body.seed, 'seed', Number.isInteger),
    temperature: optionalNumber(body.temperature, 'temperature', (t) => t >= 0 && t <= 2) ?? 1,
  };
}

function optionalNumber(value: unknown, param: string, valid: (n: number) => boolean): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || !valid(value)) {
    throw new HttpError(400, `${param}: invalid value ${JSON.stringify(value)}`, param);
  }
  return value;
}
