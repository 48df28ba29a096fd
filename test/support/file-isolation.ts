/**
 * Test files share a worker and its loaded modules (`isolate: false` in vitest.config.mts), so
 * what one file changes in the process must not reach the next: after each file, its
 * environment variables, stubs, spies and fake timers are put back as they were before it.
 */
import { afterAll, vi } from 'vitest';

const before = { ...process.env };

afterAll(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
  for (const name of Object.keys(process.env)) if (!(name in before)) delete process.env[name];
  Object.assign(process.env, before);
});
