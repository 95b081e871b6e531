// `{{name}}` placeholders, shared by the config checks, the .prompt.yml reader and the renderer, so
// that what is validated is exactly what is later filled.

import { ConfigError } from '../core/errors.js';

/** A field name usable as `{{name}}`; whitespace inside the braces is allowed (`{{ question }}`). */
export const FIELD_NAME = /^[A-Za-z_][\w.-]*$/;
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;

export const PROMPT_PLACEHOLDER = 'prompt';

/** Placeholder names in order of first appearance, without duplicates. */
export function placeholdersIn(...texts: (string | undefined)[]): string[] {
  const seen = new Set<string>();
  for (const text of texts) {
    if (text === undefined) continue;
    for (const match of text.matchAll(PLACEHOLDER)) seen.add(match[1]!);
  }
  return [...seen];
}

/** The whole text is one placeholder (`"{{expected}}"`, surrounding spaces allowed): its name. */
export function solePlaceholder(text: string): string | undefined {
  const match = /^\s*\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}\s*$/.exec(text);
  return match?.[1];
}

/** 1-based line of the first `{{name}}` in text, for error messages. */
export function placeholderLine(text: string, name: string): number | undefined {
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match[1] === name) return text.slice(0, match.index).split('\n').length;
  }
  return undefined;
}

/**
 * Replaces every placeholder in ONE pass over the template: a substituted value is never scanned
 * again, so a dataset row or a prompt that contains `{{x}}` reaches the model literally.
 * `lookup` returns undefined for a name it cannot fill (a row without that field): ConfigError.
 */
export function fillPlaceholders(template: string, lookup: (name: string) => string | undefined): string {
  return template.replace(PLACEHOLDER, (_whole, name: string) => {
    const value = lookup(name);
    if (value === undefined) throw new ConfigError(`placeholder {{${name}}} has no value`);
    return value;
  });
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
