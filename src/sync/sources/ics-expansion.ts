/**
 * The calendar parse (ics-parser.ts) in a worker thread, ended when its time is up. ical.js can
 * spend minutes inside one step of an RRULE that never matches
 * (`FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30`), where no check between occurrences ever runs: only
 * terminating the thread bounds it, and meanwhile the other sources go on in the main thread.
 * The result comes back as plain data.
 */
import { startWorker } from '../../kernel/worker-script';
import type { SyncWindow } from '../hostile-values';
import type { RunCollector, SkipReason, SyncedShift } from '../sync-result';

/** What the worker is given (ics-worker.ts). */
export interface IcsExpansionRequest {
  text: string;
  schedule: string;
  /** Epoch ms of the window's [from, to). */
  window: { from: number; to: number };
  /** Epoch ms after which the worker stops between events by itself (it is terminated soon after anyway). */
  endsAt: number;
}

/** What a parse gave, or that it ran out of time or memory: nothing of a half-read feed is used. */
export type IcsExpansion =
  | {
      outOfTime: false;
      /** False when the text is not an iCalendar object at all. */
      parsed: boolean;
      shifts: SyncedShift[];
      skipped: Partial<Record<SkipReason, number>>;
      /** UIDs of the events skipped as `ambiguous_attendee`, for an import to list. */
      ambiguousUids: string[];
    }
  | { outOfTime: true };

/** The feed needed more memory than the worker has: a feed no real calendar is. */
export class CalendarTooLargeError extends Error {
  override name = 'CalendarTooLargeError';
}

/**
 * The worker's heap: a feed at the 5 MiB body bound (some 40,000 events) parses in about 160 MB;
 * a hostile one cannot take more. One worker at a time, so calendars never hold more than this
 * beside the main thread of a 512 MB function, however many sources sync at once.
 */
const WORKER_HEAP_MB = 192;

/** The one worker slot: each parse waits for the one before it, within its own limit. */
let slot: Promise<void> = Promise.resolve();

/** Parses `text` in a worker thread within `limitMs` (waiting for the slot included); the thread is gone when this returns. */
export async function expandIcs(
  text: string,
  options: { schedule: string; window: SyncWindow },
  limitMs: number,
  heapMb: number = WORKER_HEAP_MB,
): Promise<IcsExpansion> {
  if (!(limitMs > 0)) return { outOfTime: true };
  const asked = Date.now();
  const previous = slot;
  let release = () => {};
  slot = new Promise<void>((resolve) => {
    release = resolve;
  });
  try {
    await previous;
    return await expandInWorker(text, options, limitMs - (Date.now() - asked), heapMb);
  } finally {
    release();
  }
}

async function expandInWorker(text: string, options: { schedule: string; window: SyncWindow }, limitMs: number, heapMb: number): Promise<IcsExpansion> {
  if (!(limitMs > 0)) return { outOfTime: true };
  const request: IcsExpansionRequest = {
    text,
    schedule: options.schedule,
    window: { from: options.window.from.getTime(), to: options.window.to.getTime() },
    endsAt: Date.now() + limitMs,
  };
  const worker = startWorker(__dirname, 'ics-worker.js', { workerData: request, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<IcsExpansion>((resolve, reject) => {
      timer = setTimeout(() => resolve({ outOfTime: true }), limitMs);
      worker.once('message', (expansion: IcsExpansion) => resolve(expansion));
      worker.once('error', (error: Error & { code?: string }) =>
        reject(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new CalendarTooLargeError('the calendar needed more memory to read than a feed may') : error),
      );
      worker.once('exit', (code) => reject(new Error(`the calendar worker stopped (exit code ${code}) before it answered`)));
    });
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}

/** A finished expansion's shifts and skips into a run's collector. */
export function collectExpansion(expansion: Extract<IcsExpansion, { outOfTime: false }>, collector: RunCollector<SyncedShift>): void {
  collector.pagesRead += 1;
  for (const shift of expansion.shifts) collector.add(shift);
  for (const [reason, count] of Object.entries(expansion.skipped)) if (count !== undefined) collector.skip(reason as SkipReason, count);
}
