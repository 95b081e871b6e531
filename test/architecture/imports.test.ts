// The shape of the code as a test: stages import only earlier stages, the simulator and the
// reproduction harness stay beside the pipeline, only the front ends touch the Actions runtime,
// and files and functions stay small enough to read.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const SRC = path.join(ROOT, 'src');
/** Pipeline order; a stage may import its own folder and earlier ones. The front ends come last. */
const ORDER = [
  'core',
  'config',
  'dataset',
  'llm',
  'eval',
  'optimize',
  'vcs',
  'review',
  'render',
  'github',
  'app',
  'action',
  'cli',
];

function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? sources(path.join(dir, d.name))
      : d.name.endsWith('.ts')
        ? [path.join(dir, d.name)]
        : [],
  );
}

const stageOf = (file: string) => path.relative(SRC, file).split(path.sep)[0]!;

function imports(file: string): { spec: string; target: string | null }[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]/g)].map((m) => {
    const spec = m[1]!;
    return {
      spec,
      target: spec.startsWith('.') ? path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts') : null,
    };
  });
}

const FILES = sources();

describe('the import graph', () => {
  it('has no arrow from an earlier stage to a later one, and tools only at the edges', () => {
    const wrong: string[] = [];
    for (const file of FILES) {
      const from = stageOf(file);
      for (const { target } of imports(file)) {
        if (!target) continue;
        const to = stageOf(target);
        if (from === to || from === 'index.ts') continue;
        if (to === 'tools' && from !== 'cli')
          wrong.push(`${path.relative(SRC, file)} → ${path.relative(SRC, target)}`);
        else if (from === 'tools' && ORDER.indexOf(to) > ORDER.indexOf('optimize')) {
          wrong.push(`${path.relative(SRC, file)} → ${path.relative(SRC, target)}`);
        } else if (from !== 'tools' && to !== 'tools' && ORDER.indexOf(to) > ORDER.indexOf(from)) {
          wrong.push(`${path.relative(SRC, file)} → ${path.relative(SRC, target)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(new Set(FILES.map(stageOf))).toEqual(new Set([...ORDER, 'tools']));
  });

  it('has no cycle between files', () => {
    const edges = new Map(FILES.map((f) => [f, imports(f).flatMap((i) => (i.target ? [i.target] : []))]));
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push(
          [...trail.slice(trail.indexOf(file)), file].map((f) => path.relative(SRC, f)).join(' → '),
        );
        return;
      }
      state.set(file, 'open');
      for (const next of edges.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of FILES) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('lets only the front ends import the Actions runtime', () => {
    // Type-only imports load nothing at run time; the GitHub layer names Octokit's type that way.
    const loads = (f: string) => /^import (?!type )[^'"]*from '@actions\//m.test(readFileSync(f, 'utf8'));
    const users = FILES.filter(loads).map(stageOf);
    expect([...new Set(users)].filter((s) => s !== 'action')).toEqual([]);
  });
});

describe('file and function size', () => {
  it('keeps every source file under 300 lines', () => {
    const long = FILES.map(
      (f) => [path.relative(SRC, f), readFileSync(f, 'utf8').split('\n').length] as const,
    ).filter(([, n]) => n > 300);
    expect(long).toEqual([]);
  });

  it('keeps every function, method and arrow function in src/ to 80 lines', () => {
    const long: string[] = [];
    for (const file of FILES) {
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node) => {
        if (ts.isFunctionLike(node) && 'body' in node && node.body) {
          const body = node.body as ts.Node;
          const first = source.getLineAndCharacterOfPosition(body.getStart(source)).line;
          const last = source.getLineAndCharacterOfPosition(body.getEnd()).line;
          if (last - first + 1 > 80)
            long.push(`${path.relative(SRC, file)}:${first + 1} (${last - first + 1} lines)`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(long).toEqual([]);
  });
});
