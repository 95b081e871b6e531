// Routes and validates requests against the slice of GitHub's OpenAPI description that
// scripts/extract-github-fixtures.mjs commits, so the fake rejects what GitHub would reject.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';

export interface OperationParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  multiSegment?: boolean;
  schema: Record<string, unknown>;
}

export interface Operation {
  operationId: string;
  method: string;
  path: string;
  parameters: OperationParameter[];
  requestBody: { required: boolean; schema: Record<string, unknown> } | null;
  successStatuses: number[];
  documentationUrl: string | null;
}

export const OPERATIONS_FIXTURE = new URL('../../fixtures/github/operations.json', import.meta.url);

export function loadOperations(): Operation[] {
  const parsed = JSON.parse(readFileSync(OPERATIONS_FIXTURE, 'utf8')) as { operations: Operation[] };
  return parsed.operations;
}

export type RouteMatch =
  | { kind: 'ok'; op: Operation; params: Record<string, string> }
  | { kind: 'wrong-method'; allowed: string[] }
  | { kind: 'none' };

function matchTemplate(op: Operation, segments: string[]): Record<string, string> | null {
  const template = op.path.split('/');
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const part = template[i]!;
    const name = /^\{(.+)\}$/.exec(part)?.[1];
    if (name === undefined) {
      if (segments[i] !== part) return null;
      continue;
    }
    const multi = op.parameters.some((p) => p.name === name && p.multiSegment === true);
    // Only the last template segment may span several URL segments (GitHub's `x-multi-segment`).
    const raw = multi && i === template.length - 1 ? segments.slice(i).join('/') : segments[i];
    if (raw === undefined || raw === '') return null;
    try {
      params[name] = decodeURIComponent(raw);
    } catch {
      return null;
    }
  }
  const last = template.length - 1;
  const lastIsMulti = op.parameters.some((p) => p.multiSegment && `{${p.name}}` === template[last]);
  return lastIsMulti || segments.length === template.length ? params : null;
}

export function matchRoute(operations: Operation[], method: string, pathname: string): RouteMatch {
  const segments = pathname.replace(/\/+$/, '').split('/');
  const allowed: string[] = [];
  for (const op of operations) {
    const params = matchTemplate(op, segments);
    if (!params) continue;
    if (op.method === method) return { kind: 'ok', op, params };
    allowed.push(op.method);
  }
  return allowed.length > 0 ? { kind: 'wrong-method', allowed } : { kind: 'none' };
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? 'body' : `body${error.instancePath.replaceAll('/', '.')}`;
  const detail = error.keyword === 'enum' ? ` (${JSON.stringify(error.params['allowedValues'])})` : '';
  return `${where} ${error.message ?? error.keyword}${detail}`;
}

/** Turns a query/path string into the JSON type its schema declares, or reports why it cannot. */
function coerce(raw: string, schema: Record<string, unknown>): { value: unknown } | { error: string } {
  switch (schema['type']) {
    case 'integer':
      return /^-?\d+$/.test(raw)
        ? { value: Number(raw) }
        : { error: `must be an integer, got ${JSON.stringify(raw)}` };
    case 'number':
      return raw.trim() !== '' && Number.isFinite(Number(raw))
        ? { value: Number(raw) }
        : { error: `must be a number, got ${JSON.stringify(raw)}` };
    case 'boolean':
      return raw === 'true' || raw === 'false'
        ? { value: raw === 'true' }
        : { error: `must be true or false, got ${JSON.stringify(raw)}` };
    default:
      return { value: raw };
  }
}

export class RequestValidator {
  // strict:false lets ajv accept OpenAPI 3.0 keywords (`nullable` is built into ajv 8) without a dialect.
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly cache = new Map<object, ValidateFunction>();

  constructor() {
    // ajv-formats is CommonJS: depending on the loader its default import is the plugin or its module.
    const plugin = formatsModule as unknown as { default?: (ajv: Ajv) => Ajv } & ((ajv: Ajv) => Ajv);
    (plugin.default ?? plugin)(this.ajv);
  }

  private compiled(schema: Record<string, unknown>): ValidateFunction {
    let fn = this.cache.get(schema);
    if (!fn) {
      fn = this.ajv.compile(schema);
      this.cache.set(schema, fn);
    }
    return fn;
  }

  /** Checks path and query parameters; returns the typed values and one line per problem. */
  parameters(
    op: Operation,
    pathParams: Record<string, string>,
    query: URLSearchParams,
  ): { values: Record<string, unknown>; problems: string[] } {
    const values: Record<string, unknown> = {};
    const problems: string[] = [];
    for (const param of op.parameters) {
      const raw = param.in === 'path' ? pathParams[param.name] : (query.get(param.name) ?? undefined);
      if (raw === undefined) {
        if (param.required) problems.push(`missing required ${param.in} parameter ${param.name}`);
        continue;
      }
      const coerced = coerce(raw, param.schema);
      if ('error' in coerced) {
        problems.push(`${param.in} parameter ${param.name} ${coerced.error}`);
        continue;
      }
      const validate = this.compiled(param.schema);
      if (!validate(coerced.value)) {
        const why = (validate.errors ?? []).map((e) => e.message).join('; ');
        problems.push(`${param.in} parameter ${param.name}=${JSON.stringify(raw)} ${why}`);
        continue;
      }
      values[param.name] = coerced.value;
    }
    const known = new Set(op.parameters.filter((p) => p.in === 'query').map((p) => p.name));
    for (const name of new Set(query.keys())) {
      // GitHub ignores unknown query parameters, so a typo there silently does nothing: flag it.
      if (!known.has(name)) problems.push(`unknown query parameter ${name} (GitHub ignores it)`);
    }
    return { values, problems };
  }

  /** Validates a parsed JSON body against the operation's request schema. */
  body(op: Operation, body: unknown): string[] {
    if (!op.requestBody) return body === undefined ? [] : ['this operation takes no request body'];
    if (body === undefined) return op.requestBody.required ? ['missing required JSON body'] : [];
    const validate = this.compiled(op.requestBody.schema);
    return validate(body) ? [] : (validate.errors ?? []).map(describeError);
  }
}
