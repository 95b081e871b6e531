/**
 * A mistake the user can fix (bad config, bad dataset row, bad input). Shown as one plain line,
 * without a stack trace. Anything else that escapes is a bug and is reported with its stack.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
