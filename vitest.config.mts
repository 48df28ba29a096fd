import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure units and the CDK templates) never starts DynamoDB Local, so
 * `npm run test:unit` is quick; `dynamodb` (integration, end-to-end and property tests, which
 * call the real pipelines) shares one DynamoDB Local per run. `npm test` runs both.
 */
const shared = {
  testTimeout: 60_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
  // The timeout tests force a garbage collection between a call's start and its expected end.
  execArgv: ['--expose-gc'],
  // A worker runs file after file on modules it loaded once (the AWS SDK and the CDK library take
  // seconds to load); what a file changes in the process is put back after it (file-isolation.ts).
  isolate: false,
  // Every random choice comes from one seed (TEST_SEED), so a run can be repeated.
  setupFiles: ['test/support/file-isolation.ts', 'test/support/seeded-runs.ts'],
  // Logs stay out of the test output; tests that check log content raise the level themselves.
  env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', LOG_LEVEL: 'SILENT' },
};

export default defineConfig({
  test: {
    // Many files wait on sockets, child processes and timers rather than the CPU, so more workers
    // than cores (vitest's default is one fewer than the cores) keep both cores busy.
    maxWorkers: 3,
    // `npm run test:coverage` (CI): line coverage of the product code; the floor is the measured
    // figure rounded down to 5 %, so a change that drops it below fails the run.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts', 'lib/**/*.ts'],
      reporter: ['text-summary'],
      thresholds: { lines: 90 },
    },
    projects: [
      { test: { ...shared, name: 'unit', include: ['test/unit/**/*.test.ts', 'test/infra/**/*.test.ts'] } },
      {
        test: {
          ...shared,
          name: 'dynamodb',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/property/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
