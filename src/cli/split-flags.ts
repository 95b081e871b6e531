// The split flags of `lpo eval` and `lpo optimize`: the config file's `split:` keys, spelled as flags
// and validated by the same schema. Without a config, nothing caps a run: the user named the data.
import { applySplit, SplitOverrideSchema, type SplitOverride } from '../config/schema.js';
import { ConfigError } from '../core/errors.js';
import type { EvalTask, SplitSpec } from '../core/types.js';

export const SPLIT_FLAGS = {
  'max-examples': { type: 'string' },
  dev: { type: 'string' },
  test: { type: 'string' },
  'split-seed': { type: 'string' },
} as const;

export const SPLIT_HELP = `  --dev <fraction|count> share of rows in dev (below 1), or a dev count (default 0.5)
  --test <count>         test count, beside a dev count
  --split-seed <n>       seed of the split (default 1)
  --max-examples <n|all> cap on each split (default: none without a config; the config's otherwise)`;

/** What a run without a config scores: every row, half each way. */
const STANDALONE_SPLIT: SplitSpec = { dev: 0.5, seed: 1 };

type SplitValues = {
  'max-examples'?: string | undefined;
  dev?: string | undefined;
  test?: string | undefined;
  'split-seed'?: string | undefined;
};

const FLAG_OF: Record<string, string> = {
  dev: '--dev',
  test: '--test',
  seed: '--split-seed',
  'max-examples': '--max-examples',
};

function numberFlag(raw: string, flag: string): number {
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(value)) {
    throw new ConfigError(`${flag}: expected a number, got "${raw}"`);
  }
  return value;
}

export function splitOverride(values: SplitValues): SplitOverride {
  const raw: Record<string, unknown> = {};
  if (values.dev !== undefined) raw['dev'] = numberFlag(values.dev, '--dev');
  if (values.test !== undefined) raw['test'] = numberFlag(values.test, '--test');
  if (values['split-seed'] !== undefined) raw['seed'] = numberFlag(values['split-seed'], '--split-seed');
  const max = values['max-examples'];
  if (max !== undefined)
    raw['max-examples'] = max.trim() === 'all' ? 'all' : numberFlag(max, '--max-examples');
  const parsed = SplitOverrideSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${FLAG_OF[String(issue.path[0])] ?? '--dev'}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * The flags on top of each task's split: the config entry's, or, for a run without a config, the
 * uncapped STANDALONE_SPLIT. The result is checked here, so a bad combination fails before any read.
 */
export function withSplitFlags(tasks: EvalTask[], values: SplitValues, standalone: boolean): EvalTask[] {
  const override = splitOverride(values);
  return tasks.map((task) => {
    const split = applySplit(standalone ? STANDALONE_SPLIT : task.split, override);
    if (split.dev < 1 && split.test !== undefined) {
      throw new ConfigError(
        `--test: needs a dev count (--dev 50 --test 50), not a fraction (dev ${split.dev})`,
      );
    }
    return { ...task, split };
  });
}
