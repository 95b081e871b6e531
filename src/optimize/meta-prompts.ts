import { readFileSync } from 'node:fs';
import { fillPlaceholders } from '../config/placeholders.js';

// Literal `new URL(..., import.meta.url)` calls, one per file: the bundler copies each one next to
// dist/index.js and rewrites the path, so the meta-prompts ship inside dist/.
const FILES = {
  'apo-gradient': new URL('../../prompts/apo-gradient.md', import.meta.url),
  'lpo-global': new URL('../../prompts/lpo-global.md', import.meta.url),
  'lpo-identify': new URL('../../prompts/lpo-identify.md', import.meta.url),
  'lpo-propose': new URL('../../prompts/lpo-propose.md', import.meta.url),
  'lpo-paraphrase': new URL('../../prompts/lpo-paraphrase.md', import.meta.url),
  'ape-resample': new URL('../../prompts/ape-resample.md', import.meta.url),
  'ape-identify': new URL('../../prompts/ape-identify.md', import.meta.url),
  'pe2-reflect': new URL('../../prompts/pe2-reflect.md', import.meta.url),
  'pe2-rewrite': new URL('../../prompts/pe2-rewrite.md', import.meta.url),
  'pe2-identify': new URL('../../prompts/pe2-identify.md', import.meta.url),
  'pe2-propose': new URL('../../prompts/pe2-propose.md', import.meta.url),
} as const;

export type MetaPromptName = keyof typeof FILES;
export const META_PROMPTS = Object.keys(FILES) as MetaPromptName[];

const loaded = new Map<MetaPromptName, string>();

/** The template without its header comment (which documents it for people, not for the model). */
export function metaPrompt(name: MetaPromptName): string {
  let text = loaded.get(name);
  if (text === undefined) {
    text = readFileSync(FILES[name], 'utf8')
      .replace(/^<!--[\s\S]*?-->\s*/, '')
      .trimEnd();
    loaded.set(name, text);
  }
  return text;
}

/** Fills a meta-prompt in one pass; values (prompts, model outputs) are never re-expanded. */
export function renderMetaPrompt(name: MetaPromptName, values: Record<string, string>): string {
  return fillPlaceholders(metaPrompt(name), (key) => values[key]);
}
