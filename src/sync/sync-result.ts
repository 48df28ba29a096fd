/**
 * What one fetch from a source gives the sync: the normalised shifts or training records, how
 * many items were skipped and why, and whether the run was complete. Only a complete run may
 * let the sync delete what vanished; a partial run keeps what it could read; a failed run
 * returns nothing, with the reason.
 */

/** An on-call shift as the state table holds it (src/store/shift-item.ts): UTC instants, email normalised. */
export interface SyncedShift {
  schedule: string;
  email: string;
  starts_at: string;
  ends_at: string;
  /** PagerDuty's escalation level (1 = first responder). */
  escalation_level?: number;
}

/** A training record as the state table holds it (src/store/training-item.ts). */
export interface SyncedTraining {
  email: string;
  course: string;
  completed_at: string;
  expires_at?: string;
}

/** Why an item (or a page) was left out; each makes the run partial. */
export const SKIP_REASONS = [
  /** A response page was not the documented JSON (or not an iCalendar event). */
  'page_unparseable',
  /** A page was larger than the body bound. */
  'page_too_large',
  /** The pages went on past the bound on pages per run. */
  'too_many_pages',
  /** No usable email: missing, not a string, too long, or not an email address. */
  'unknown_email',
  /** A shift without an end (a permanent on-call, an event without DTEND or DURATION). */
  'no_end',
  /** A time that does not parse, has no zone, or ends before it starts. */
  'bad_time',
  /** A value of the wrong type or out of range (an escalation level of "1; drop"). */
  'bad_value',
  /** An item naming a schedule, campaign or module the source item does not map. */
  'unmapped',
  /** A recurring event with more occurrences than the bound. */
  'too_many_occurrences',
  /** A calendar event whose attendees do not name exactly one person on call. */
  'ambiguous_attendee',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** Why a run failed as a whole. */
export type SyncFailureReason =
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'network'
  | 'http_status'
  | 'host_not_allowed'
  | 'deadline_exceeded'
  | 'unparseable'
  | 'too_large'
  /** The source's secret does not parse for its type. */
  | 'misconfigured';

export type SyncStatus = 'complete' | 'partial' | 'failed';

export interface SyncRun<T> {
  status: SyncStatus;
  /** Empty when the run failed. */
  items: T[];
  skipped: Partial<Record<SkipReason, number>>;
  /** Set when the run failed: a fixed reason and a message naming the source, host and status, never a secret. */
  failure?: { reason: SyncFailureReason; message: string };
  /** HTTP requests sent, retries included. */
  requests: number;
}

/** One run's failure; fetchers throw it and `RunCollector.failed` turns it into the result. */
export class SourceFetchError extends Error {
  override name = 'SourceFetchError';

  constructor(
    readonly reason: SyncFailureReason,
    message: string,
  ) {
    super(message);
  }
}

/** Gathers one run's items and skips, deduplicated by the item's state key. */
export class RunCollector<T extends object> {
  private readonly items = new Map<string, T>();
  private readonly skipped: Partial<Record<SkipReason, number>> = {};
  /** Counted by the HTTP layer. */
  requests = 0;
  /** Pages that parsed: a run where none did has read nothing and fails. */
  pagesRead = 0;

  constructor(
    private readonly keyOf: (item: T) => string,
    /** Which of two items with one key to keep. */
    private readonly merge: (kept: T, next: T) => T,
  ) {}

  add(item: T): void {
    const key = this.keyOf(item);
    const kept = this.items.get(key);
    this.items.set(key, kept === undefined ? item : this.merge(kept, item));
  }

  /** An item reader's outcome: the item, why it was skipped, or null for an item that is rightly left out. */
  take(outcome: T | SkipReason | null): void {
    if (outcome === null) return;
    if (typeof outcome === 'string') this.skip(outcome);
    else this.add(outcome);
  }

  skip(reason: SkipReason, count = 1): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + count;
  }

  get skippedCount(): number {
    return Object.values(this.skipped).reduce((sum, count) => sum + (count ?? 0), 0);
  }

  result(): SyncRun<T> {
    if (this.pagesRead === 0 && this.skippedCount > 0) {
      return this.failed(new SourceFetchError('unparseable', 'no page of the response could be read'));
    }
    return { status: this.skippedCount > 0 ? 'partial' : 'complete', items: [...this.items.values()], skipped: { ...this.skipped }, requests: this.requests };
  }

  failed(error: SourceFetchError): SyncRun<T> {
    return { status: 'failed', items: [], skipped: { ...this.skipped }, failure: { reason: error.reason, message: error.message }, requests: this.requests };
  }
}

/** Shifts keyed as the state table keys them; of two, the later end and the lower escalation level. */
export function shiftCollector(): RunCollector<SyncedShift> {
  return new RunCollector<SyncedShift>(
    (shift) => `${shift.schedule}\n${shift.email}\n${shift.starts_at}`,
    (kept, next) => {
      const level = [kept.escalation_level, next.escalation_level].filter((value): value is number => value !== undefined);
      // ISO instants in UTC sort as text.
      const endsLater = next.ends_at > kept.ends_at;
      const merged: SyncedShift = { ...kept, ends_at: endsLater ? next.ends_at : kept.ends_at };
      if (level.length > 0) merged.escalation_level = Math.min(...level);
      else delete merged.escalation_level;
      return merged;
    },
  );
}

/** Training records keyed as the state table keys them; of two, the later completion. */
export function trainingCollector(): RunCollector<SyncedTraining> {
  return new RunCollector<SyncedTraining>(
    (record) => `${record.email}\n${record.course}`,
    (kept, next) => (next.completed_at > kept.completed_at ? next : kept),
  );
}
