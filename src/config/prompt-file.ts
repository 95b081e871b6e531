// GitHub Models prompt files (`*.prompt.yml` / `*.prompt.yaml`), as read by `gh models eval`:
// name, description, model, modelParameters, messages with {{var}} placeholders, responseFormat
// (+ jsonSchema), testData rows and evaluators. `string` evaluators map onto our match scorers and
// `llm` evaluators onto the rubric judge (llm-evaluator.ts); `uses` (GitHub's built-in judges) are
// accepted and ignored.

import { isMap, isNode, isScalar, isSeq } from 'yaml';
import * as z from 'zod';
import { ConfigError } from '../core/errors.js';
import { tooDeepAt, tooDeepReason } from '../core/nesting.js';
import type { ChatMessage, ModelParams, ScorerSpec } from '../core/types.js';
import { judgeFromLlmEvaluator, LlmEvaluatorSchema } from './llm-evaluator.js';
import { placeholdersIn, solePlaceholder } from './placeholders.js';
import { lineOf, type ParsedYaml, problemLine, readYaml, strictObject, validateYaml } from './yaml-issues.js';

export function isPromptYml(path: string): boolean {
  return /\.prompt\.ya?ml$/i.test(path);
}

export interface PromptYml {
  name?: string;
  model?: string;
  params: ModelParams;
  messages: ChatMessage[];
  /** OpenAI `response_format` shape: {type: 'text'|'json_object'} or {type: 'json_schema', json_schema}. */
  responseFormat?: unknown;
  testData?: Record<string, unknown>[];
  /** 1-based line where each testData row starts, for row-level error messages. */
  testDataLines?: number[];
  /** From the first string evaluator whose value is exactly one `{{field}}`, or the first `llm` one. */
  scorer?: ScorerSpec;
  targetField?: string;
  /** Placeholder names used in messages, in order of appearance. */
  placeholders: string[];
}

const STRING_CHECKS = {
  equals: 'exact',
  contains: 'contains',
  startsWith: 'startsWith',
  endsWith: 'endsWith',
} as const satisfies Record<string, ScorerSpec['type']>;

const StringEvaluator = strictObject({
  equals: z.string().optional(),
  contains: z.string().optional(),
  startsWith: z.string().optional(),
  endsWith: z.string().optional(),
}).refine((check) => Object.values(check).filter((value) => value !== undefined).length === 1, {
  error: 'expected exactly one of equals, contains, startsWith, endsWith',
});

const PromptYmlSchema = strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  model: z.string().min(1).optional(),
  modelParameters: strictObject({
    temperature: z.number().min(0).max(2).optional(),
    max_tokens: z.number().int().positive().optional(),
    maxTokens: z.number().int().positive().optional(),
    top_p: z.number().min(0).max(1).optional(),
    topP: z.number().min(0).max(1).optional(),
  })
    .refine((p) => p.max_tokens === undefined || p.maxTokens === undefined, {
      error: 'give max_tokens or maxTokens, not both',
    })
    .refine((p) => p.top_p === undefined || p.topP === undefined, { error: 'give top_p or topP, not both' })
    .optional(),
  messages: z
    .array(strictObject({ role: z.enum(['system', 'developer', 'user', 'assistant']), content: z.string() }))
    .min(1),
  responseFormat: z.enum(['text', 'json_object', 'json_schema']).optional(),
  jsonSchema: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  testData: z.array(z.record(z.string(), z.unknown())).optional(),
  evaluators: z
    .array(
      strictObject({
        name: z.string(),
        string: StringEvaluator.optional(),
        llm: LlmEvaluatorSchema.optional(),
        uses: z.string().optional(),
      }),
    )
    .optional(),
}).superRefine((file, ctx) => {
  if (file.responseFormat === 'json_schema' && file.jsonSchema === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['responseFormat'],
      message: 'json_schema needs a jsonSchema key beside it',
    });
  }
});

/** Parses a .prompt.yml; every mistake is a ConfigError `file:line: key path: what was expected`. */
export function parsePromptYml(text: string, file: string): PromptYml {
  const parsed = readYaml(text, file);
  if (parsed.data === null || typeof parsed.data !== 'object' || Array.isArray(parsed.data)) {
    throw new ConfigError(`${file}:1: expected a mapping with a "messages" list (GitHub Models prompt file)`);
  }
  const data = validateYaml(parsed, PromptYmlSchema);
  const messages: ChatMessage[] = data.messages.map(({ role, content }) => ({ role, content }));
  const out: PromptYml = {
    params: modelParams(data.modelParameters),
    messages,
    placeholders: placeholdersIn(...messages.map((message) => message.content)),
  };
  if (data.name !== undefined) out.name = data.name;
  if (data.model !== undefined) out.model = data.model;
  if (data.responseFormat !== undefined) {
    out.responseFormat = responseFormat(
      data.responseFormat,
      data.jsonSchema,
      file,
      lineOf(parsed, ['jsonSchema']),
    );
  }
  if (data.testData !== undefined) {
    out.testData = literalRows(parsed);
    out.testDataLines = data.testData.map((_row, index) => lineOf(parsed, ['testData', index]));
  }
  for (const evaluator of data.evaluators ?? []) {
    if (evaluator.llm) {
      const judge = judgeFromLlmEvaluator(evaluator.llm, out.placeholders);
      out.scorer = judge.scorer;
      if (judge.targetField !== undefined) out.targetField = judge.targetField;
      break;
    }
    const check = evaluator.string;
    if (!check) continue;
    const [kind, value] = Object.entries(check).find(([, v]) => v !== undefined) as [
      keyof typeof check,
      string,
    ];
    const field = solePlaceholder(value);
    // A fixed string ("startsWith: 'Summary -'") is the same for every row: no target field to score against.
    if (field === undefined) continue;
    out.scorer = { type: STRING_CHECKS[kind] };
    out.targetField = field;
    break;
  }
  return out;
}

/**
 * testData rows with plain scalars kept as written: YAML reads `target: False` as a boolean and
 * `1.50` as 1.5, which would then be compared as "false" and "1.5" against the model's answer.
 */
function literalRows(parsed: ParsedYaml): Record<string, unknown>[] {
  const rows = parsed.doc.getIn(['testData'], true);
  if (!isSeq(rows)) return [];
  return rows.items.map((row) => {
    const out: Record<string, unknown> = {};
    if (!isMap(row)) return out;
    for (const pair of row.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const value = pair.value;
      if (isScalar(value)) {
        out[key] =
          typeof value.value === 'boolean' || typeof value.value === 'number' ? value.source : value.value;
      } else {
        out[key] = isNode(value) ? value.toJS(parsed.doc) : value;
      }
    }
    return out;
  });
}

function modelParams(raw: Record<string, number | undefined> | undefined): ModelParams {
  const params: ModelParams = {};
  if (!raw) return params;
  const maxTokens = raw['max_tokens'] ?? raw['maxTokens'];
  const topP = raw['top_p'] ?? raw['topP'];
  if (raw['temperature'] !== undefined) params.temperature = raw['temperature'];
  if (maxTokens !== undefined) params.max_tokens = maxTokens;
  if (topP !== undefined) params.top_p = topP;
  return params;
}

function responseFormat(
  type: 'text' | 'json_object' | 'json_schema',
  jsonSchema: string | Record<string, unknown> | undefined,
  file: string,
  line: number,
): unknown {
  if (type !== 'json_schema') return { type };
  let schema: unknown = jsonSchema;
  if (typeof jsonSchema === 'string') {
    if (tooDeepAt(jsonSchema) !== -1) {
      throw new ConfigError(problemLine(file, line, ['jsonSchema'], tooDeepReason()));
    }
    try {
      schema = JSON.parse(jsonSchema);
    } catch (error) {
      throw new ConfigError(
        problemLine(file, line, ['jsonSchema'], `invalid JSON: ${(error as Error).message}`),
      );
    }
  }
  const record = schema as Record<string, unknown> | null;
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new ConfigError(
      problemLine(file, line, ['jsonSchema'], 'expected a JSON object with "name" and "schema"'),
    );
  }
  for (const key of ['name', 'schema']) {
    if (record[key] === undefined)
      throw new ConfigError(problemLine(file, line, ['jsonSchema'], `missing key "${key}"`));
  }
  return { type, json_schema: record };
}
