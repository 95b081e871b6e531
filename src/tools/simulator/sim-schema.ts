/**
 * Builds a simulated JSON answer that validates against a JSON Schema (a `json_schema` response_format),
 * by walking the schema: objects get every property, arrays one element, enums their first value (or the
 * answer when it is one of them), strings the answer (or the reasoning sentence for reasoning-like names),
 * numbers the numeric answer (0 when the answer is not a number), booleans whether the answer is not a
 * negative word. Generic and small: enough for the schemas prompts use, not a full JSON Schema generator.
 */
const REASONING_NAME = /reason|explan|rational|thought|step|work|analysis/i;

/** The simulated answer in the forms a schema may ask for. */
export interface JsonAnswer {
  final: string;
  reasoning: string;
  /** The answer as a number, 0 when it is not one. */
  numeric: number;
}

interface SchemaContext extends JsonAnswer {
  root: unknown;
}

const MAX_SCHEMA_DEPTH = 12;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolveRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let node = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const part = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    node = isRecord(node) ? node[part] : Array.isArray(node) ? node[Number(part)] : undefined;
  }
  return node;
}

function schemaType(schema: Record<string, unknown>): unknown {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null') ?? 'null';
  if (schema.type !== undefined) return schema.type;
  if (isRecord(schema.properties)) return 'object';
  return schema.items === undefined ? 'string' : 'array';
}

function fromSchema(schema: unknown, ctx: SchemaContext, name: string, depth: number): unknown {
  if (!isRecord(schema) || depth > MAX_SCHEMA_DEPTH) return ctx.final;
  if (typeof schema.$ref === 'string')
    return fromSchema(resolveRef(ctx.root, schema.$ref), ctx, name, depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return schema.enum.includes(ctx.final) ? ctx.final : schema.enum[0];
  }
  const branches = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (Array.isArray(branches) && branches.length > 0) {
    const branch = branches.find((b) => !(isRecord(b) && b.type === 'null')) ?? branches[0];
    return fromSchema(branch, ctx, name, depth + 1);
  }
  switch (schemaType(schema)) {
    case 'object': {
      const properties = isRecord(schema.properties) ? schema.properties : {};
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(properties)) out[key] = fromSchema(sub, ctx, key, depth + 1);
      return out;
    }
    case 'array':
      return schema.maxItems === 0 ? [] : [fromSchema(schema.items, ctx, name, depth + 1)];
    case 'number':
      return ctx.numeric;
    case 'integer':
      return Math.round(ctx.numeric);
    case 'boolean':
      return !['false', 'no', 'invalid'].includes(ctx.final.toLowerCase());
    case 'null':
      return null;
    default:
      return REASONING_NAME.test(name) ? ctx.reasoning : ctx.final;
  }
}

export function jsonFromSchema(schema: unknown, answer: JsonAnswer): unknown {
  return fromSchema(schema, { ...answer, root: schema }, '', 0);
}
