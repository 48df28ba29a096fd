/** What every source fetcher is given, and the one place a run's failure becomes its result. */
import type { Deadline } from '../kernel/deadline';
import type { SyncWindow } from './hostile-values';
import type { FetchFunction } from './source-http';
import { type RunCollector, SourceFetchError, type SyncRun } from './sync-result';

export interface FetchRunOptions {
  /** The shifts to fetch: those overlapping [from, to) (the sync uses an hour ago to 24 hours ahead). */
  window: SyncWindow;
  deadline: Deadline;
  /** Default: the global fetch. */
  fetch?: FetchFunction;
  /** Default: a timer; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Largest response body read, in bytes (default 5 MiB). */
  maxBodyBytes?: number;
  /** Most pages read per listing before the run is cut short as partial (default 100). */
  maxPages?: number;
  /** Longest a calendar feed's parse may take, whatever is left of the run (default 30 s). */
  maxCalendarParseMs?: number;
}

/**
 * A real feed parses in well under a second; one that takes longer is stuck in a recurrence rule.
 * Ending it early gives the CPU back to the other sources (a 512 MB function has a third of a core).
 */
export const DEFAULT_MAX_CALENDAR_PARSE_MS = 30_000;

export const DEFAULT_MAX_PAGES = 100;

/** Runs the fetch; a SourceFetchError fails the run with its reason, anything else is a bug and is thrown. */
export async function collectRun<T extends object>(collector: RunCollector<T>, fetchAll: () => Promise<void>, requests: () => number): Promise<SyncRun<T>> {
  try {
    await fetchAll();
  } catch (error) {
    collector.requests = requests();
    if (error instanceof SourceFetchError) return collector.failed(error);
    throw error;
  }
  collector.requests = requests();
  return collector.result();
}

/** JSON from a page's text, or undefined when it does not parse. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
