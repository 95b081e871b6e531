#!/usr/bin/env node
/**
 * Extracts the slice of GitHub's published REST description that the Action uses into small,
 * committed fixtures for the fake GitHub server (test/github/fake-github.ts).
 *
 * Why: the fake validates every request the Action makes against GitHub's own OpenAPI description,
 * so a request GitHub would reject fails the tests. The full description (`@octokit/openapi`,
 * ~385 MB unpacked) must never become a project dependency, so it is installed on demand into
 * `.cache/openapi` (git-ignored) with `npm install --no-save --prefix`, never into node_modules.
 *
 * Writes:
 *   test/fixtures/github/operations.json         the operations in OPERATIONS below: method, path
 *     template, path/query parameters, JSON request-body schema with every $ref resolved, success
 *     statuses, documentation URL. `description`/`example(s)`/`x-*` keys are dropped to stay small;
 *     `x-multi-segment` survives as `multiSegment` (path params that may contain `/`).
 *   test/fixtures/github/pull_request.synchronize.json   a real `pull_request` webhook payload from
 *     `@octokit/webhooks-examples` (action `synchronize`, else `opened`), kept as published.
 *
 * Usage: `node scripts/extract-github-fixtures.mjs` (npm script `fixtures:github`). Idempotent: the
 * packages are pinned, reinstalled only when the cache holds another version, and the output is
 * deterministic, so a second run rewrites identical bytes. To move to a newer description, bump
 * PACKAGES, rerun, and review the fixture diff. Needs network access to the npm registry only when
 * the cache is empty.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, '.cache', 'openapi');
const OUT = join(ROOT, 'test', 'fixtures', 'github');
const PACKAGES = { '@octokit/openapi': '23.0.2', '@octokit/webhooks-examples': '7.6.1' };
const DESCRIPTION = 'generated/api.github.com.json';

/** Every REST operation the Action calls. Adding a call to the Action means adding it here. */
const OPERATIONS = [
  ['GET', '/user'],
  ['GET', '/repos/{owner}/{repo}/pulls/{pull_number}'],
  ['GET', '/repos/{owner}/{repo}/pulls/{pull_number}/files'],
  ['GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}'],
  ['GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews'],
  ['POST', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews'],
  ['GET', '/repos/{owner}/{repo}/pulls/{pull_number}/comments'],
  ['GET', '/repos/{owner}/{repo}/contents/{path}'],
  ['GET', '/repos/{owner}/{repo}/compare/{basehead}'],
];

/** Schema annotations that carry no validation meaning. */
const DROPPED_KEYS = new Set(['description', 'example', 'examples', 'summary', 'externalDocs', 'title']);
/** Keywords whose value maps user-chosen names to schemas: the names must survive DROPPED_KEYS. */
const NAME_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs']);

function packageDir(name) {
  return join(CACHE, 'node_modules', ...name.split('/'));
}

function installedVersion(name) {
  const manifest = join(packageDir(name), 'package.json');
  return existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : null;
}

function ensurePackages() {
  const missing = Object.entries(PACKAGES).filter(([name, version]) => installedVersion(name) !== version);
  if (missing.length === 0) return;
  mkdirSync(CACHE, { recursive: true });
  const specs = missing.map(([name, version]) => `${name}@${version}`);
  console.log(`installing ${specs.join(', ')} into ${CACHE} (not a project dependency)`);
  execFileSync(
    'npm',
    [
      'install',
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--prefix',
      CACHE,
      ...specs,
    ],
    { stdio: 'inherit', shell: process.platform === 'win32' },
  );
  for (const [name, version] of missing) {
    if (installedVersion(name) !== version)
      throw new Error(`${name}@${version} did not install into ${CACHE}`);
  }
}

function pointer(spec, ref) {
  if (!ref.startsWith('#/')) throw new Error(`external $ref not supported: ${ref}`);
  let node = spec;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    node = node?.[key];
    if (node === undefined) throw new Error(`dangling $ref: ${ref}`);
  }
  return node;
}

/** Inlines every $ref and drops annotations. Request bodies are trees; a cycle would be a surprise, so it throws. */
function resolve(spec, node, seen = []) {
  if (Array.isArray(node)) return node.map((item) => resolve(spec, item, seen));
  if (node === null || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string') {
    if (seen.includes(node.$ref)) throw new Error(`cyclic $ref: ${[...seen, node.$ref].join(' -> ')}`);
    return resolve(spec, pointer(spec, node.$ref), [...seen, node.$ref]);
  }
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED_KEYS.has(key) || key.startsWith('x-')) continue;
    if (NAME_MAPS.has(key) && value && typeof value === 'object') {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, resolve(spec, sub, seen)]),
      );
    } else {
      out[key] = resolve(spec, value, seen);
    }
  }
  return out;
}

function extractOperation(spec, method, path) {
  const pathItem = spec.paths[path];
  const op = pathItem?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${path} is not in ${DESCRIPTION}`);
  const parameters = [...(pathItem.parameters ?? []), ...(op.parameters ?? [])]
    .map((p) => (p.$ref ? pointer(spec, p.$ref) : p))
    .filter((p) => p.in === 'path' || p.in === 'query')
    .map((p) => ({
      name: p.name,
      in: p.in,
      required: p.required === true,
      ...(p['x-multi-segment'] ? { multiSegment: true } : {}),
      schema: resolve(spec, p.schema ?? {}),
    }));
  const body = op.requestBody?.$ref ? pointer(spec, op.requestBody.$ref) : op.requestBody;
  const json = body?.content?.['application/json'];
  if (body && !json) throw new Error(`${method} ${path}: request body is not application/json`);
  return {
    operationId: op.operationId,
    method,
    path,
    parameters,
    requestBody: json ? { required: body.required === true, schema: resolve(spec, json.schema) } : null,
    successStatuses: Object.keys(op.responses)
      .filter((status) => /^2\d\d$/.test(status))
      .map(Number),
    documentationUrl: op.externalDocs?.url ?? null,
  };
}

function pullRequestPayload() {
  const all = JSON.parse(
    readFileSync(join(packageDir('@octokit/webhooks-examples'), 'api.github.com', 'index.json'), 'utf8'),
  );
  const examples = all.find((event) => event.name === 'pull_request')?.examples ?? [];
  const payload =
    examples.find((e) => e.action === 'synchronize') ?? examples.find((e) => e.action === 'opened');
  if (!payload) throw new Error('@octokit/webhooks-examples has no pull_request synchronize/opened example');
  return payload;
}

function write(name, value) {
  const file = join(OUT, name);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  const changed = !existsSync(file) || readFileSync(file, 'utf8') !== text;
  if (changed) writeFileSync(file, text);
  console.log(`${changed ? 'wrote' : 'unchanged'} ${file} (${Buffer.byteLength(text)} bytes)`);
}

ensurePackages();
const spec = JSON.parse(readFileSync(join(packageDir('@octokit/openapi'), DESCRIPTION), 'utf8'));
mkdirSync(OUT, { recursive: true });
write('operations.json', {
  source: {
    package: '@octokit/openapi',
    version: PACKAGES['@octokit/openapi'],
    file: DESCRIPTION,
    openapi: spec.openapi,
    generatedBy: 'scripts/extract-github-fixtures.mjs',
  },
  operations: OPERATIONS.map(([method, path]) => extractOperation(spec, method, path)),
});
write('pull_request.synchronize.json', pullRequestPayload());
