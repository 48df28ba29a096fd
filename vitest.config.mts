import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure units and the CDK templates) never starts DynamoDB Local, so
 * `npx vitest run --project unit` is quick; `dynamodb` (integration, end-to-end and property
 * tests, which call the real pipelines) shares one DynamoDB Local per run. `npm test` runs both.
 */
const shared = {
  testTimeout: 60_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
  // The timeout tests force a garbage collection between a call's start and its expected end.
  execArgv: ['--expose-gc'],
  // Logs stay out of the test output; tests that check log content raise the level themselves.
  env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', LOG_LEVEL: 'SILENT' },
};

export default defineConfig({
  test: {
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
