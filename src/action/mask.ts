// The Action's secret masking. The runner masks what it is told in the log it shows, but not in what the
// Action writes itself (the job summary, the report file, comments), and only the exact strings it is
// given. So every form of the key is registered with it, and the Action's own outputs pass through
// the same redactor (core/secrets.ts).
import * as core from '@actions/core';
import { Redactor, secretForms } from '../core/secrets.js';
import type { GitHubClient } from '../github/octokit.js';
import type { Logger } from '../github/types.js';

let active = new Redactor([]);

/** Registers the key and its other forms with the runner, the key itself first; before any output. */
export function maskApiKey(apiKey: string): void {
  if (!apiKey) return;
  core.setSecret(apiKey);
  for (const form of secretForms(apiKey)) if (form !== apiKey) core.setSecret(form);
  active = new Redactor([apiKey]);
}

/** Text with the key masked in every form maskApiKey registered. */
export function redact(text: string): string {
  return active.redact(text);
}

/** Plain JSON-like data (a report) with every string redacted. */
export function redactData<T>(value: T): T {
  return active.redactDeep(value);
}

/** The Actions log, redacted. */
export const logger: Logger = {
  info: (m) => core.info(redact(m)),
  warning: (m) => core.warning(redact(m)),
  debug: (m) => core.debug(redact(m)),
};

/** Fields of an Octokit request that are routing, not content. */
const ROUTING = new Set(['method', 'url', 'baseUrl', 'headers', 'mediaType', 'request']);

/** Whatever the Action sends to GitHub (comment and review bodies, inline suggestions) is redacted. */
export function redactRequests(octokit: GitHubClient): GitHubClient {
  octokit.hook.before('request', (options) => {
    const fields = options as unknown as Record<string, unknown>;
    for (const [name, value] of Object.entries(fields)) {
      if (!ROUTING.has(name)) fields[name] = active.redactDeep(value);
    }
  });
  return octokit;
}
