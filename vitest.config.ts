import { defineConfig } from 'vitest/config';

// Projects, as in the style guide: unit tests touch no network and run in parallel;
// integration and contract tests talk to a real Redis and to the simulators over loopback.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/fault-table.reporter.ts', './test/support/summary.reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/contract/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/redis.global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: 2,
        },
      },
      {
        test: {
          // Kills, restarts and outages, with real processes: one file at a time, generous timeouts.
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/redis.global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // The admin console in a real browser: Debian's Chromium driven by playwright-core (no browser download),
          // against the simulators, a real Redis and the running service. Screenshots in test-results/browser/.
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/redis.global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: 2,
        },
      },
    ],
  },
});
