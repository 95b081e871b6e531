// The owner's ceilings on a review run, from the workflow's inputs (or `lpo review`'s flags). The
// pull request controls the config, the prompts and the datasets; it does not control these, so
// every number the config asks for is held under them.
import { ConfigError } from '../core/errors.js';
import { parsePositiveInt } from './settings.js';

/** Longer answers are rare for eval and optimizer requests; a config asking more is held to this. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;
/** Per split: enough for a decisive paired test, small enough that a PR cannot make a run cost a fortune. */
export const DEFAULT_MAX_EXAMPLES = 1000;

export interface RunLimits {
  /** Models a config or prompt file may name besides the task and optimizer models. */
  allowedModels: string[];
  maxOutputTokens: number;
  /** Examples per split, whatever the config's split asks. */
  maxExamples: number;
}

export type LimitKey = 'allowed-models' | 'max-output-tokens' | 'max-examples';

/** Comma- or newline-separated, as a YAML block scalar in `with:` gives it. */
function modelList(raw: string | undefined, what: string): string[] {
  if (!raw) return [];
  const models = raw
    .split(/[,\n]/)
    .map((m) => m.trim())
    .filter(Boolean);
  for (const model of models) {
    if (/\s/.test(model)) throw new ConfigError(`${what}: "${model}" is not a model name`);
  }
  return models;
}

export function parseLimits(
  get: (key: LimitKey) => string | undefined,
  name: (key: LimitKey) => string,
): RunLimits {
  const int = (key: LimitKey, fallback: number) => {
    const raw = get(key);
    return raw ? parsePositiveInt(raw, name(key)) : fallback;
  };
  return {
    allowedModels: modelList(get('allowed-models'), name('allowed-models')),
    maxOutputTokens: int('max-output-tokens', DEFAULT_MAX_OUTPUT_TOKENS),
    maxExamples: int('max-examples', DEFAULT_MAX_EXAMPLES),
  };
}
