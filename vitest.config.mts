import { configDefaults, defineConfig } from 'vitest/config';

/**
 * `unit` (pure units and the CDK templates) never starts DynamoDB Local, so `npm run test:unit`
 * is quick; `dynamodb` (integration, end-to-end and property tests, which call the real
 * pipelines) shares one DynamoDB Local per run. `npm test` runs both. The timeout tests of each
 * (`unit-timeouts`, `dynamodb-timeouts`) run in fresh processes of their own: they time a call
 * against its bound, most after forcing a garbage collection between its start and its expected
 * end, and a collection of a heap other files filled would take part of that time.
 */
const TIMEOUT_TESTS = {
  unit: [
    'test/unit/kernel/timed-call.test.ts',
    'test/unit/store/outside-call-timeouts.test.ts',
    'test/unit/sync/source-timeouts.test.ts',
    'test/unit/sync/ics-expansion.property.test.ts',
  ],
  dynamodb: [
    'test/integration/provisioners/http-provisioner-timeouts.test.ts',
    'test/integration/services/expiry-sweeper-timeouts.test.ts',
    'test/integration/sync/outside-calls.test.ts',
    'test/integration/sync/stalling-calendar.test.ts',
  ],
};

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
const unit = ['test/unit/**/*.test.ts', 'test/infra/**/*.test.ts'];
const dynamodb = { ...shared, globalSetup: ['test/support/global-setup.ts'] };

export default defineConfig({
  test: {
    // One worker per core: vitest's default (one fewer) ran one file at a time on two cores. More
    // workers than cores measured no faster: each loads the AWS SDK and the CDK library anew.
    maxWorkers: '100%',
    // `npm run test:coverage` (CI): line coverage of the product code; the floor is the measured
    // figure rounded down to 5 %, so a change that drops it below fails the run.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts', 'lib/**/*.ts'],
      reporter: ['text-summary'],
      thresholds: { lines: 90 },
    },
    projects: [
      { test: { ...shared, name: 'unit', include: unit, exclude: [...configDefaults.exclude, ...TIMEOUT_TESTS.unit] } },
      { test: { ...shared, name: 'unit-timeouts', include: TIMEOUT_TESTS.unit, isolate: true } },
      {
        test: {
          ...dynamodb,
          name: 'dynamodb',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/property/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...TIMEOUT_TESTS.dynamodb],
        },
      },
      { test: { ...dynamodb, name: 'dynamodb-timeouts', include: TIMEOUT_TESTS.dynamodb, isolate: true } },
    ],
  },
});
