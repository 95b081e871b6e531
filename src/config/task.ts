// Builds the EvalTask for one prompt file's content. It takes the text, not a path, because a review
// evaluates the base and the head versions of the same file.

import path from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { ChatMessage, EvalTask, ScorerSpec } from '../core/types.js';
import { type PromptEntry, normalizePromptPath } from './load.js';
import {
  fillPlaceholders,
  PROMPT_PLACEHOLDER,
  placeholderLine,
  placeholdersIn,
  stripBom,
} from './placeholders.js';
import { isPromptYml, parsePromptYml } from './prompt-file.js';
import { DEFAULT_SPLIT, KEYS_FOR_TEXT_PROMPTS, missingForText } from './schema.js';
import { problemLine } from './yaml-issues.js';

export interface BuildTaskArgs {
  /** Relative to rootDir, posix. */
  promptPath: string;
  promptText: string;
  entry?: PromptEntry;
  rootDir: string;
}

/** ConfigError when neither a config entry nor a self-sufficient .prompt.yml describes the file. */
export function buildTask(args: BuildTaskArgs): EvalTask {
  const promptPath = normalizePromptPath(args.promptPath);
  const built = isPromptYml(promptPath) ? promptYmlTask(promptPath, args) : textTask(promptPath, args);
  if (built.datasetPath !== null) built.datasetPath = path.resolve(args.rootDir, built.datasetPath);
  return built;
}

/** The user message when an entry has no `template`. */
export function defaultTemplate(firstInput: string, systemHasPrompt: boolean): string {
  return systemHasPrompt ? `{{${firstInput}}}` : `{{prompt}}\n\n{{${firstInput}}}`;
}

/**
 * Fills {{prompt}} (text prompts: task.prompt, or `prompt` when given) and {{field}} in ONE pass,
 * so a value that itself contains "{{x}}" reaches the model literally.
 */
export function renderMessages(
  task: EvalTask,
  fields: Record<string, string>,
  prompt?: string,
): ChatMessage[] {
  const promptValue = prompt ?? task.prompt;
  const lookup = (name: string): string | undefined =>
    task.kind === 'text' && name === PROMPT_PLACEHOLDER
      ? promptValue
      : Object.hasOwn(fields, name)
        ? fields[name]
        : undefined;
  return task.messages.map((message) => {
    try {
      return { role: message.role, content: fillPlaceholders(message.content, lookup) };
    } catch (error) {
      if (error instanceof ConfigError)
        throw new ConfigError(`${task.promptPath}: ${error.message} in this row`);
      throw error;
    }
  });
}

function textTask(promptPath: string, { promptText, entry }: BuildTaskArgs): EvalTask {
  if (!entry) {
    throw new ConfigError(
      `${promptPath}: no prompts[] entry in the config covers this file; only a .prompt.yml with testData and a string evaluator can be evaluated alone`,
    );
  }
  const at = (message: string) =>
    new ConfigError(problemLine(entry.source.file, entry.source.line, [entry.source.path], message));
  for (const key of KEYS_FOR_TEXT_PROMPTS) {
    if (entry[key] === undefined) throw at(`${missingForText(key)}; needed by ${promptPath}`);
  }
  const input = entry.input!;
  if (input.includes(PROMPT_PLACEHOLDER)) {
    throw at(`input field "prompt" clashes with {{prompt}}, the prompt text; rename the field`);
  }
  const prompt = stripBom(promptText);
  // The prompt is a value, filled once: a {{field}} written inside it would reach the model verbatim.
  for (const name of placeholdersIn(prompt)) {
    if (input.includes(name)) {
      const line = placeholderLine(prompt, name) ?? 1;
      throw new ConfigError(
        `${promptPath}:${line}: {{${name}}} in a text prompt is sent literally; put it in the config entry's template instead`,
      );
    }
  }
  const messages: ChatMessage[] = [];
  if (entry.system !== undefined) messages.push({ role: 'system', content: entry.system });
  const systemHasPrompt = placeholdersIn(entry.system).includes(PROMPT_PLACEHOLDER);
  messages.push({ role: 'user', content: entry.template ?? defaultTemplate(input[0]!, systemHasPrompt) });
  return {
    promptPath,
    kind: 'text',
    prompt,
    messages,
    datasetPath: entry.dataset!,
    input,
    target: entry.target!,
    scorer: judgedBy(entry.scorer!, entry.model),
    split: entry.split,
    ...(entry.model !== undefined ? { model: entry.model } : {}),
    params: entry.temperature !== undefined ? { temperature: entry.temperature } : {},
    ...judging(entry, entry.scorer!, promptPath),
  };
}

/**
 * A judge without its own `model` grades with the task's model, fixed here, in the task's definition:
 * a review takes the scorer from the trusted side, so the PR's prompt file (whose `model` is its own)
 * never picks the judge of its own answers, and base and head are graded by one judge. Without any
 * model, the run's task model (a workflow input) judges.
 */
function judgedBy(scorer: ScorerSpec, model: string | undefined): ScorerSpec {
  return scorer.type === 'judge' && scorer.model === undefined && model !== undefined
    ? { ...scorer, model }
    : scorer;
}

/**
 * The entry's model-graded options. `compare: pairwise` and a calibration set need a judge: the
 * judge's rubric is what the pairs are compared on and what people's labels are checked against.
 */
function judging(
  entry: PromptEntry | undefined,
  scorer: ScorerSpec,
  promptPath: string,
): Pick<EvalTask, 'compare' | 'calibration' | 'samples'> {
  if (!entry) return {};
  const needs = entry.compare === 'pairwise' ? 'compare: pairwise' : entry.calibration ? 'label' : null;
  if (needs !== null && scorer.type !== 'judge') {
    throw new ConfigError(
      problemLine(
        entry.source.file,
        entry.source.line,
        [entry.source.path],
        `${needs} needs a judge scorer (scorer: {type: judge, rubric: "..."}), but ${promptPath} is scored by "${scorer.type}"`,
      ),
    );
  }
  return {
    ...(entry.compare === 'pairwise' ? { compare: 'pairwise' as const } : {}),
    ...(entry.calibration ? { calibration: entry.calibration } : {}),
    ...(entry.samples !== undefined && entry.samples > 1 ? { samples: entry.samples } : {}),
  };
}

function promptYmlTask(promptPath: string, { promptText, entry }: BuildTaskArgs): EvalTask {
  const text = stripBom(promptText);
  const file = parsePromptYml(text, promptPath);
  const missing = (key: string, why: string) =>
    entry
      ? new ConfigError(
          problemLine(
            entry.source.file,
            entry.source.line,
            [entry.source.path],
            `missing key "${key}" (${promptPath} ${why})`,
          ),
        )
      : new ConfigError(`${promptPath}: ${why}, and no prompts[] entry in the config sets "${key}"`);

  const inline = entry?.dataset === undefined ? file.testData : undefined;
  if (entry?.dataset === undefined && inline === undefined) {
    throw missing('dataset', 'has no testData');
  }
  const target = entry?.target ?? file.targetField;
  const scorer = entry?.scorer ?? file.scorer;
  for (const [key, value] of [
    ['target', target],
    ['scorer', scorer],
  ] as const) {
    if (value === undefined) {
      throw missing(key, 'has no string evaluator comparing with a {{field}}');
    }
  }
  if (file.placeholders.length === 0) {
    throw new ConfigError(
      `${promptPath}: messages use no {{field}} placeholder, so every example would send the same request`,
    );
  }
  const input = entry?.input ?? file.placeholders;
  for (const name of file.placeholders) {
    if (!input.includes(name)) {
      const line = placeholderLine(text, name) ?? 1;
      throw new ConfigError(
        `${promptPath}:${line}: placeholder {{${name}}} is not an input field (input: ${input.join(', ')})`,
      );
    }
  }
  inline?.forEach((row, index) => {
    for (const field of [...input, target!]) {
      if (row[field] === undefined || row[field] === null) {
        const line = file.testDataLines?.[index] ?? 1;
        throw new ConfigError(`${promptPath}:${line}: testData[${index}]: missing key "${field}"`);
      }
    }
  });

  const params = { ...file.params };
  if (entry?.temperature !== undefined) params.temperature = entry.temperature;
  const model = entry?.model ?? file.model;
  return {
    promptPath,
    kind: 'prompt-yml',
    prompt: '',
    messages: file.messages,
    datasetPath: entry?.dataset ?? null,
    ...(inline ? { inlineRows: inline, inlineSource: promptPath } : {}),
    ...(inline && file.testDataLines ? { inlineLines: file.testDataLines } : {}),
    input,
    target: target!,
    scorer: judgedBy(scorer!, model),
    split: entry?.split ?? { ...DEFAULT_SPLIT },
    ...(model !== undefined ? { model } : {}),
    params,
    ...(file.responseFormat !== undefined ? { responseFormat: file.responseFormat } : {}),
    ...judging(entry, scorer!, promptPath),
  };
}
