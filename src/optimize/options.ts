import { parsePositiveInt } from '../config/settings.js';
import { ConfigError } from '../core/errors.js';
import { DEFAULT_OPTIONS, type OptimizeOptions } from './types.js';

/** The optimizer's settings, named alike as CLI flags (`--max-calls`) and Action inputs (`max-calls`). */
export const OPTIMIZE_KEYS = [
  'method',
  'mode',
  'search',
  'steps',
  'beam',
  'candidates',
  'max-edit-words',
  'max-calls',
  'max-tokens',
  'seed',
] as const;

export type OptimizeKey = (typeof OPTIMIZE_KEYS)[number];

function oneOf<T extends string>(
  raw: string | undefined,
  allowed: readonly T[],
  name: string,
  fallback: T,
): T {
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name}: expected ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

/**
 * `get` returns a setting's raw text (undefined when unset); `name` says how the user spells it,
 * so errors read `--steps: …` on the command line and `input steps: …` in the Action.
 */
export function parseOptimizeOptions(
  get: (key: OptimizeKey) => string | undefined,
  name: (key: OptimizeKey) => string,
): OptimizeOptions {
  const int = (key: OptimizeKey, fallback: number) => {
    const raw = get(key);
    return raw === undefined ? fallback : parsePositiveInt(raw, name(key));
  };
  const options: OptimizeOptions = {
    method: oneOf(get('method'), ['ape', 'apo', 'pe2'], name('method'), DEFAULT_OPTIONS.method),
    mode: oneOf(get('mode'), ['local', 'global'], name('mode'), DEFAULT_OPTIONS.mode),
    search: oneOf(get('search'), ['beam', 'pareto'], name('search'), DEFAULT_OPTIONS.search),
    steps: int('steps', DEFAULT_OPTIONS.steps),
    beam: int('beam', DEFAULT_OPTIONS.beam),
    candidates: int('candidates', DEFAULT_OPTIONS.candidates),
    maxEditWords: int('max-edit-words', DEFAULT_OPTIONS.maxEditWords),
    maxCalls: int('max-calls', DEFAULT_OPTIONS.maxCalls),
    seed: int('seed', DEFAULT_OPTIONS.seed),
  };
  const maxTokens = get('max-tokens');
  if (maxTokens !== undefined) options.maxTokens = parsePositiveInt(maxTokens, name('max-tokens'));
  return options;
}
