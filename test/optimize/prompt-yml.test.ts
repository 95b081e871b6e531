import { addedFilePatch, applySuggestions } from '../helpers/github-behaviour.js';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parsePromptYml } from '../../src/config/prompt-file.js';
import { buildTask } from '../../src/config/task.js';
import { LlmClient } from '../../src/llm/client.js';
import { type SimulatorHandle, startSimulator } from '../../src/tools/simulator/simulator.js';
import { DEFAULT_OPTIONS, optimizePrompt } from '../../src/optimize/index.js';
import { toSuggestion } from '../../src/review/suggestion.js';
import { chooseMessage, intoPromptFile, replaceMessageContent } from '../../src/optimize/prompt-yml.js';
import { buildSuggestions } from '../../src/render/suggestions.js';
import type { EvalTask, Example } from '../../src/core/types.js';
import { contentHash } from '../../src/dataset/examples.js';

// BBH boolean_expressions (MIT), 40 rows, as shipped in the examples.
const EXAMPLE = readFileSync(new URL('../../examples/prompts/boolean.prompt.yml', import.meta.url), 'utf8');
const SYSTEM_LINE =
  '    content: Evaluate the Boolean expression. Think step by step, then end with "The answer is True." or "The answer is False."\n';
const PATH = 'prompts/boolean.prompt.yml';
// The search validates on half of dev, which needs more rows than the example ships: the same task's
// published rows (../shared/data, BIG-Bench Hard as distributed), 120 dev and 60 test.
const BBH = JSON.parse(
  readFileSync(new URL('../../../shared/data/bbh/boolean_expressions.json', import.meta.url), 'utf8'),
) as { examples: { input: string; target: string }[] };
const rows = BBH.examples.slice(0, 180).map(
  (row, i): Example => ({
    id: contentHash({ input: row.input }, row.target),
    index: i,
    line: 1,
    inArray: true,
    fields: { input: row.input },
    target: row.target,
  }),
);
const answerKey = [
  ...(parsePromptYml(EXAMPLE, PATH).testData ?? []).map((row) => ({
    input: String(row['input']),
    target: String(row['expected']),
  })),
  ...rows.map((r) => ({ input: r.fields.input!, target: r.target })),
];

/** A one-line plain system message that yaml's serialiser reproduces exactly. */
const PLAIN = EXAMPLE.replace(
  SYSTEM_LINE,
  '    content: Guess quickly. Think step by step, then end with "The answer is True." or "The answer is False."\n',
);
/** A block literal among comments whose spacing yaml would not reproduce: only the scalar is rewritten. */
const COMMENTED = EXAMPLE.replace(
  `messages:\n  - role: system\n${SYSTEM_LINE}  - role: user\n    content: "{{input}}"\n`,
  [
    'messages:',
    '  # LPO may edit the instructions; the user turn is the example.',
    '  - role: system    # instructions',
    '    content: |',
    '      Guess quickly.',
    '      Then end with "The answer is True." or "The answer is False."',
    '  - role: user',
    '    content: "{{input}}"   # one expression per row',
    '',
  ].join('\n'),
);

const handles: SimulatorHandle[] = [];
afterAll(async () => {
  await Promise.all(handles.map((h) => h.close()));
});

async function optimize(fileText: string, maxCalls = 600) {
  const sim = await startSimulator({ answerKey, seed: 3 });
  handles.push(sim);
  const client = new LlmClient({ baseURL: sim.url, apiKey: 'x', maxRetries: 0, cacheDir: null });
  const task = buildTask({ promptPath: PATH, promptText: fileText, rootDir: '/repo' });
  const result = await optimizePrompt({
    task,
    splits: { dev: rows.slice(0, 120), test: rows.slice(120) },
    client,
    taskModel: 'task-model',
    optimizerModel: 'optimizer-model',
    options: { ...DEFAULT_OPTIONS, method: 'apo', mode: 'local', maxCalls },
    fileText,
  });
  return { task, result, client };
}

/** Lines [from, to) of `a` that differ from `b`, after their common first and last lines. */
function changedLines(a: string, b: string): { from: number; to: number } {
  const x = a.split('\n');
  const y = b.split('\n');
  let from = 0;
  while (from < x.length && from < y.length && x[from] === y[from]) from++;
  let tail = 0;
  while (tail < x.length - from && tail < y.length - from && x.at(-1 - tail) === y.at(-1 - tail)) tail++;
  return { from, to: x.length - tail };
}

function applied(head: string, suggested: string, edits: { old: string; new: string; reason: string }[]) {
  const built = buildSuggestions({
    path: PATH,
    headText: head,
    suggestedText: suggested,
    patch: addedFilePatch(head),
    edits,
  });
  expect(built.unanchored).toEqual([]);
  expect(built.comments.length).toBeGreaterThan(0);
  return applySuggestions(head, built.comments);
}

function expectSameFileBesidesSystem(original: string, suggested: string, newContent: string) {
  const before = parsePromptYml(original, PATH);
  const after = parsePromptYml(suggested, PATH);
  expect(after.messages[0]).toEqual({ role: 'system', content: newContent });
  expect(after.messages.slice(1)).toEqual(before.messages.slice(1));
  expect(after.placeholders).toEqual(before.placeholders);
  expect(after.testData).toEqual(before.testData);
  expect([after.scorer, after.targetField]).toEqual([before.scorer, before.targetField]);
  expect(suggested.split('\n').slice(-4)).toEqual(original.split('\n').slice(-4));
}

describe('optimizing a .prompt.yml', () => {
  it('edits the system message in local mode and suggests only that line of the file', async () => {
    const { result, client } = await optimize(PLAIN);
    expect(result.improved).toBe(true);
    expect(result.head.prompt).toMatch(/^Guess quickly\. /);
    expect(result.best.prompt).not.toMatch(/guess/i);
    expect(result.best.dev!).toBeGreaterThan(result.head.dev!);
    expect(result.budget.calls).toBeLessThanOrEqual(600);
    expect(client.usage().calls).toBe(result.budget.calls);
    expect(result.file?.message).toBe(0);

    const suggestion = toSuggestion(result);
    expect(suggestion.withheld).toBeUndefined();
    expect(suggestion.edits.some((e) => e.old.includes('Guess') && e.reason !== '')).toBe(true);
    const lineNo = PLAIN.split('\n').findIndex((l) => l.startsWith('    content: Guess quickly.'));
    expect(changedLines(PLAIN, suggestion.fileText)).toEqual({ from: lineNo, to: lineNo + 1 });
    expect(suggestion.fileText.split('\n')).toHaveLength(PLAIN.split('\n').length);
    expect(applied(PLAIN, suggestion.fileText, suggestion.edits)).toBe(suggestion.fileText);
    expectSameFileBesidesSystem(PLAIN, suggestion.fileText, result.best.prompt);
  });

  it('keeps comments and rewrites only the block scalar when yaml would reformat the file', async () => {
    expect(parseDocument(COMMENTED).toString({ lineWidth: 0 })).not.toBe(COMMENTED);
    const { result } = await optimize(COMMENTED);
    expect(result.improved).toBe(true);
    const suggestion = toSuggestion(result);
    expect(suggestion.withheld).toBeUndefined();
    const lines = COMMENTED.split('\n');
    const first = lines.indexOf('      Guess quickly.');
    const changed = changedLines(COMMENTED, suggestion.fileText);
    expect(changed.from).toBeGreaterThanOrEqual(first);
    expect(changed.to).toBeLessThanOrEqual(first + 2);
    for (const comment of lines.filter((l) => l.includes('#')))
      expect(suggestion.fileText).toContain(comment);
    expect(applied(COMMENTED, suggestion.fileText, suggestion.edits)).toBe(suggestion.fileText);
    expectSameFileBesidesSystem(COMMENTED, suggestion.fileText, result.best.prompt);
  });

  it('keeps CRLF line endings', async () => {
    const crlf = COMMENTED.replaceAll('\n', '\r\n');
    const { result } = await optimize(crlf);
    const suggestion = toSuggestion(result);
    expect(suggestion.withheld).toBeUndefined();
    expect(suggestion.fileText).not.toBe(crlf);
    expect(suggestion.fileText.split('\r\n').join('')).not.toContain('\n');
    expect(applied(crlf, suggestion.fileText, suggestion.edits)).toBe(suggestion.fileText);
    expectSameFileBesidesSystem(crlf, suggestion.fileText, result.best.prompt);
  });

  it('withholds, without a call, when every message holds a placeholder', async () => {
    const text = EXAMPLE.replace(
      SYSTEM_LINE,
      '    content: Evaluate the Boolean expression {{input}} step by step.\n',
    );
    const { result, client } = await optimize(text);
    expect(result.withheld).toBe(
      `${PATH}: every message holds {{placeholders}}; LPO edits only placeholder-free messages`,
    );
    expect(client.usage().calls).toBe(0);
    expect(toSuggestion(result).fileText).toBe(text);
  });

  it('withholds when the edit cannot be written back without changing another message', async () => {
    const { result } = await optimize(PLAIN);
    expect(result.improved).toBe(true);
    // The same content reached through an alias: rewriting the anchored scalar would change both.
    const aliased = PLAIN.replace('    content: Guess', '    content: &sys Guess').replace(
      '  - role: user\n',
      '  - role: developer\n    content: *sys\n  - role: user\n',
    );
    const task = buildTask({ promptPath: PATH, promptText: aliased, rootDir: '/repo' });
    const chosen = chooseMessage(task);
    if ('withheld' in chosen) throw new Error(chosen.withheld);
    expect(chosen.index).toBe(0);
    const mapped = intoPromptFile(result, chosen, aliased);
    expect(mapped.withheld).toBe(`cannot map the edit back into ${PATH} without reformatting it`);
    expect(toSuggestion(mapped).fileText).toBe(aliased);
  });
});

describe('chooseMessage', () => {
  const task = (messages: EvalTask['messages']): EvalTask => ({
    promptPath: 'p.prompt.yml',
    kind: 'prompt-yml',
    prompt: '',
    messages,
    datasetPath: null,
    input: ['q'],
    target: 'a',
    scorer: { type: 'exact' },
    split: { dev: 0.5, seed: 1 },
    params: {},
  });

  it('takes the longest placeholder-free message, system first on ties, never an assistant turn', () => {
    const chosen = chooseMessage(
      task([
        { role: 'user', content: 'Be brief.' },
        { role: 'system', content: 'Be exact.' },
        { role: 'assistant', content: 'A much longer few-shot answer.' },
        { role: 'user', content: 'Question: {{q}} and a long tail of words' },
      ]),
    );
    if ('withheld' in chosen) throw new Error(chosen.withheld);
    expect(chosen.index).toBe(1);
    expect(chosen.task.kind).toBe('text');
    expect(chosen.task.prompt).toBe('Be exact.');
    expect(chosen.task.messages.map((m) => m.content)).toEqual([
      'Be brief.',
      '{{prompt}}',
      'A much longer few-shot answer.',
      'Question: {{q}} and a long tail of words',
    ]);
  });

  it('refuses a file whose own field is called prompt', () => {
    const chosen = chooseMessage(
      task([
        { role: 'system', content: 'Be exact.' },
        { role: 'user', content: '{{prompt}}' },
      ]),
    );
    expect(chosen).toEqual({ withheld: expect.stringMatching(/uses \{\{prompt\}\}/) });
  });
});

describe('replaceMessageContent', () => {
  const file = 'messages:\n  - role: system\n    content: Be exact.\n  - role: user\n    content: "{{q}}"\n';

  it('quotes a plain value that would otherwise read as another type', () => {
    expect(replaceMessageContent(file, 0, 'Be exact.', 'True')).toBe(
      file.replace('content: Be exact.', 'content: "True"'),
    );
  });

  it('keeps a BOM and a missing final newline', () => {
    const text = `\uFEFF${file.trimEnd()}`;
    expect(replaceMessageContent(text, 0, 'Be exact.', 'Be precise.')).toBe(
      text.replace('Be exact.', 'Be precise.'),
    );
  });

  it('refuses a file whose message is not the one that was optimized', () => {
    expect(replaceMessageContent(file, 0, 'Be brief.', 'Be precise.')).toBeNull();
  });
});
