// Schema of .github/lpo.yml. YAML keys are kebab-case (`max-examples`); the parsed result is camelCase.
//
// Defaults, documented here because users read this file:
// - `split`: dev 0.5, seed 1, max-examples 200 (`test`: all rows not in dev).
// - `template` (the user message): `{{prompt}}\n\n{{<first input field>}}`; when `system` already
//   holds `{{prompt}}`, just `{{<first input field>}}`. Write a template to use more input fields.

import posix from 'node:path/posix';
import * as z from 'zod';
import type { SplitSpec } from '../core/types.js';
import { compileGlob } from './globs.js';
import { PROMPT_PLACEHOLDER, placeholdersIn } from './placeholders.js';
import { FieldName, MAX_SAMPLES, ScorerSchema } from './scorer-schema.js';

export {
  CONFIG_SCORERS,
  DEFAULT_JUDGE_THRESHOLD,
  DEFAULT_SIMILARITY_THRESHOLD,
  MAX_SAMPLES,
  ScorerSchema,
} from './scorer-schema.js';
import { strictObject } from './yaml-issues.js';

/** PE2-scale defaults: half the rows each way, at most 200 per split, to keep a PR run cheap. */
export const DEFAULT_SPLIT: Readonly<SplitSpec> = { dev: 0.5, seed: 1, maxExamples: 200 };

/** A repository-relative posix path: the action runs on pull requests, which must not read outside the checkout. */
function insideRepo(what: string) {
  return z
    .string()
    .min(1)
    .transform((value, ctx) => {
      const normal = posix.normalize(value.replace(/\\/g, '/'));
      if (posix.isAbsolute(normal) || normal === '..' || normal.startsWith('../')) {
        ctx.issues.push({
          code: 'custom',
          message: `expected ${what} inside the repository, got "${value}"`,
          input: value,
        });
        return z.NEVER;
      }
      return normal;
    });
}

// Checked at load so that a glob that could hang matching is one line naming it, before any call.
const Glob = insideRepo('a glob').transform((glob, ctx) => {
  const compiled = compileGlob(glob);
  if (compiled.ok) return glob;
  ctx.issues.push({
    code: 'custom',
    message: `glob ${JSON.stringify(glob)} ${compiled.problem}`,
    input: glob,
  });
  return z.NEVER;
});
const GlobList = z
  .union([Glob, z.array(Glob).min(1)], { error: 'expected a glob string or a list of glob strings' })
  .transform((value) => (typeof value === 'string' ? [value] : value));

const FieldList = z
  .union([FieldName, z.array(FieldName).min(1)], { error: 'expected a field name or a list of field names' })
  .transform((value) => (typeof value === 'string' ? [value] : value));

/** The split keys as written; `maxExamples: null` is an explicit `max-examples: all` (no cap). */
export interface SplitOverride {
  dev?: number;
  test?: number;
  seed?: number;
  maxExamples?: number | null;
}

/** The `split:` keys, each optional, without defaults: also what the CLI's split flags parse into. */
export const SplitOverrideSchema = strictObject({
  dev: z.number().positive().optional(),
  test: z.number().int().positive().optional(),
  seed: z.number().int().optional(),
  'max-examples': z
    .union([z.number().int().positive(), z.literal('all')], {
      error: 'expected a whole number of at least 1, or "all"',
    })
    .optional(),
})
  .superRefine((split, ctx) => {
    if (split.dev !== undefined && split.dev >= 1 && !Number.isInteger(split.dev)) {
      ctx.addIssue({
        code: 'custom',
        path: ['dev'],
        message: `expected a fraction below 1 or a whole number of examples, got ${split.dev}`,
      });
    }
  })
  .transform((split): SplitOverride => {
    const out: SplitOverride = {};
    if (split.dev !== undefined) out.dev = split.dev;
    if (split.test !== undefined) out.test = split.test;
    if (split.seed !== undefined) out.seed = split.seed;
    const max = split['max-examples'];
    if (max !== undefined) out.maxExamples = max === 'all' ? null : max;
    return out;
  });

/**
 * `override` on top of `base`, key by key. A new `dev` drops the base's `test` (a `test` count only
 * means something beside a `dev` count, and that pair is what the override chose to replace).
 */
export function applySplit(base: SplitSpec, override: SplitOverride): SplitSpec {
  const dev = override.dev ?? base.dev;
  const test = override.test ?? (override.dev === undefined ? base.test : undefined);
  const maxExamples = override.maxExamples === undefined ? base.maxExamples : override.maxExamples;
  return {
    dev,
    ...(test !== undefined ? { test } : {}),
    seed: override.seed ?? base.seed,
    ...(maxExamples !== null && maxExamples !== undefined ? { maxExamples } : {}),
  };
}

export const SplitSchema = SplitOverrideSchema.transform((split) => applySplit(DEFAULT_SPLIT, split));

/** Text prompts need every one of these; a .prompt.yml with testData and a string evaluator brings its own. */
export const KEYS_FOR_TEXT_PROMPTS = ['dataset', 'input', 'target', 'scorer'] as const;

export const PromptEntrySchema = strictObject({
  files: GlobList,
  dataset: insideRepo('a dataset path').optional(),
  input: FieldList.optional(),
  target: FieldName.optional(),
  template: z.string().optional(),
  system: z.string().optional(),
  scorer: ScorerSchema.optional(),
  split: SplitSchema.optional(),
  model: z.string().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  // Model-graded tests (need a judge scorer; checked in buildTask, where a .prompt.yml's grader is known).
  compare: z.enum(['accuracy', 'pairwise']).optional(),
  label: FieldName.optional(),
  'labelled-output': FieldName.optional(),
  samples: z.number().int().min(1).max(MAX_SAMPLES).optional(),
})
  .superRefine((entry, ctx) => {
    checkTemplates(entry, ctx);
    if ((entry.label === undefined) !== (entry['labelled-output'] === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [entry.label === undefined ? 'labelled-output' : 'label'],
        message:
          "label and labelled-output go together: label names the field with a person's grade, labelled-output the field with the answer they graded",
      });
    }
    // Catch a missing dataset at load time when no glob can match a .prompt.yml; otherwise buildTask does.
    if (entry.files.some(mayMatchPromptYml)) return;
    for (const key of KEYS_FOR_TEXT_PROMPTS) {
      if (entry[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: [], message: missingForText(key) });
      }
    }
  })
  .transform(({ split, 'labelled-output': labelledOutput, label, ...entry }) => ({
    ...entry,
    ...(label !== undefined && labelledOutput !== undefined
      ? { calibration: { label, output: labelledOutput } }
      : {}),
    split: split ?? { ...DEFAULT_SPLIT },
  }));

export const ConfigFileSchema = strictObject({
  prompts: z.array(PromptEntrySchema).min(1),
});

export type ConfigFileInput = z.input<typeof ConfigFileSchema>;
export type ConfigFile = z.output<typeof ConfigFileSchema>;
export type ParsedPromptEntry = z.output<typeof PromptEntrySchema>;

export function missingForText(key: string): string {
  return `missing key "${key}" (text prompts need ${KEYS_FOR_TEXT_PROMPTS.join(', ')}; only a .prompt.yml with testData and a string evaluator can do without)`;
}

/** False only when the glob's last segment ends in a literal extension other than .yml/.yaml. */
function mayMatchPromptYml(glob: string): boolean {
  const extension = /\.([A-Za-z0-9]+)$/.exec(glob)?.[1];
  return extension === undefined || /^ya?ml$/i.test(extension);
}

function checkTemplates(
  entry: { input?: string[]; template?: string; system?: string },
  ctx: z.core.$RefinementCtx<unknown>,
): void {
  if (entry.template === undefined && entry.system === undefined) return;
  const input = entry.input ?? [];
  if (
    entry.template !== undefined &&
    !placeholdersIn(entry.template, entry.system).includes(PROMPT_PLACEHOLDER)
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['template'],
      message: 'must contain {{prompt}} (in template or system)',
    });
  }
  for (const key of ['template', 'system'] as const) {
    for (const name of placeholdersIn(entry[key])) {
      if (name === PROMPT_PLACEHOLDER || input.includes(name)) continue;
      const known = input.length > 0 ? `input fields are ${input.join(', ')}` : 'no input fields are set';
      ctx.addIssue({ code: 'custom', path: [key], message: `unknown placeholder {{${name}}}: ${known}` });
    }
  }
}
