import { defineConfig } from 'vitest/config';

// Two projects, as in the style guide: unit tests touch no network and run in parallel;
// integration and contract tests talk to a real Redis and to the simulators over loopback.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary.reporter.ts'],
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
    ],
  },
});
