import { defineConfig } from 'vitest/config';

// Three tiers, all run by `npm test`; `npm run test:unit` runs the first alone.
// - unit: pure stages, in-process (local HTTP servers at most), no child processes;
// - cli: the CLI as its own process, through the simulator and the fake GitHub (and the few other
//   suites that spawn processes, e.g. git);
// - e2e: the freshly built bundles (the Action's dist/index.js, the packed tarball, the README's
//   commands, the real datasets in ../shared/data).
const CLI = [
  'test/cli/**/*.test.ts',
  'test/bad-input/cli.test.ts',
  'test/hostile/cli.test.ts',
  'test/faults/eval-faults.test.ts',
  'test/faults/review-faults.test.ts',
  'test/llm/http-fetch-tls.test.ts',
  'test/tools/simulator/sim-keys.test.ts',
  // Commits in a throwaway repository: runs `git` as a child process.
  'test/review/deadline.test.ts',
];
const E2E = [
  'test/**/*.e2e.test.ts',
  'test/conformance/**/*.test.ts',
  'test/package/**/*.test.ts',
  'test/readme/**/*.test.ts',
];

const shared = { testTimeout: 30_000, hookTimeout: 30_000 };
// Rebuilds dist/ first when src/ changed: the e2e tier runs the bundles, not the sources (cli keeps
// it too, as before). Unit tests import src/ only, so `npm run test:unit` skips the build (25-65 s).
const buildFirst = { globalSetup: ['test/global-setup.ts'] };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...CLI, ...E2E],
          ...shared,
          // Vitest's default is one worker per core minus one: a single worker on a 2-core runner.
          // Much of this tier waits on sockets and timers (the fake GitHub, the simulator), so two
          // workers overlap that waiting. Its own group runs first; cli and e2e keep their one worker.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      { test: { name: 'cli', include: CLI, ...shared, ...buildFirst, sequence: { groupOrder: 1 } } },
      { test: { name: 'e2e', include: E2E, ...shared, ...buildFirst, sequence: { groupOrder: 1 } } },
    ],
  },
});
