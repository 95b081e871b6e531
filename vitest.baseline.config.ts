import { defineConfig } from 'vitest/config';

// Three tiers, all run by `npm test`; `npm run test:unit` runs the first alone.
// - unit: pure stages, in-process (local HTTP servers at most), no child processes;
// - cli: the CLI as its own process, through the simulator and the fake GitHub;
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
];
const E2E = [
  'test/**/*.e2e.test.ts',
  'test/conformance/**/*.test.ts',
  'test/package/**/*.test.ts',
  'test/readme/**/*.test.ts',
];

const shared = { testTimeout: 30_000, hookTimeout: 30_000 };

export default defineConfig({
  test: {
    // Rebuilds dist/ first when src/ changed: several suites run the bundles, not the sources.
    globalSetup: ['test/global-setup.ts'],
    projects: [
      { test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...CLI, ...E2E], ...shared } },
      { test: { name: 'cli', include: CLI, ...shared } },
      { test: { name: 'e2e', include: E2E, ...shared } },
    ],
  },
});
