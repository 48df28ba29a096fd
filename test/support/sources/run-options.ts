/** The window, deadline and recorded waits the source tests share. */
import { Deadline } from '../../../src/kernel/deadline';
import type { FetchRunOptions } from '../../../src/sync/fetch-run';

/** "Now" in the source tests; the window runs from an hour before to 24 hours after. */
export const NOW = Date.parse('2026-11-29T12:00:00Z');
export const WINDOW = { from: new Date(NOW - 3_600_000), to: new Date(NOW + 24 * 3_600_000) };

export const at = (offsetHours: number): string => new Date(NOW + offsetHours * 3_600_000).toISOString();

/** Options whose retries wait for nothing; `waits` records how long they would have. */
export function runOptions(overrides: Partial<FetchRunOptions> = {}): FetchRunOptions & { waits: number[] } {
  const waits: number[] = [];
  return {
    window: WINDOW,
    deadline: new Deadline(20_000),
    sleep: async (ms) => {
      waits.push(ms);
    },
    waits,
    ...overrides,
  };
}
