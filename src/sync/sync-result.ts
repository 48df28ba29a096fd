/**
 * What one fetch from a source gives the sync: the normalised shifts or training records, how
 * many items were skipped and why, and which schedules (or courses) could not be read whole.
 * Completeness is per schedule: only a page or listing that could not be read makes its schedules
 * incomplete, and only there does the sync keep shifts that vanished. An item skipped for its
 * own value never does: deleting a vanished shift can only refuse access, never grant it. A
 * failed run returns nothing, with the reason.
 */
import { MAX_SHIFT_MS } from '../store/shift-item';

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

/** Why a page or listing could not be read: the schedules it lists are incomplete for the run. */
export const PAGE_SKIP_REASONS = [
  /** A response page was not the documented JSON. */
  'page_unparseable',
  /** A page was larger than the body bound. */
  'page_too_large',
  /** The pages went on past the bound on pages per run. */
  'too_many_pages',
] as const;
export type PageSkipReason = (typeof PAGE_SKIP_REASONS)[number];

/** Why an item (or a page) was left out. Item skips are counted and shown; only page skips make a schedule incomplete. */
export const SKIP_REASONS = [
  ...PAGE_SKIP_REASONS,
  /** An entry of a page that is not an object at all. */
  'entry_unparseable',
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
  /** A shift longer than a synced or imported shift may be (MAX_SHIFT_DAYS). */
  'too_long',
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
  /** `complete` when every schedule (course) was read whole, `partial` when some could not be, `failed` when nothing could. */
  status: SyncStatus;
  /** Empty when the run failed. */
  items: T[];
  /** The schedules (courses) a page or listing of which could not be read; every one when the run failed. */
  incomplete: string[];
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
  private readonly incomplete = new Set<string>();
  /** Counted by the HTTP layer. */
  requests = 0;
  /** Pages that parsed: a run where none did while some could not be read has read nothing and fails. */
  pagesRead = 0;

  constructor(
    private readonly keyOf: (item: T) => string,
    /** Two items with one key as the items to keep: the first keeps the key, any others are added in turn. */
    private readonly merge: (kept: T, next: T) => T[],
    /** Why an item may not be kept whatever its source says (a shift too long), or null. */
    private readonly check: (item: T) => SkipReason | null = () => null,
  ) {}

  add(item: T): void {
    const problem = this.check(item);
    if (problem !== null) {
      this.skip(problem);
      return;
    }
    const key = this.keyOf(item);
    const kept = this.items.get(key);
    if (kept === undefined) {
      this.items.set(key, item);
      return;
    }
    const [first, ...rest] = this.merge(kept, item);
    if (first !== undefined) this.items.set(key, first);
    for (const other of rest) this.add(other);
  }

  /** An item reader's outcome: the item, why it was skipped, or null for an item that is rightly left out. */
  take(outcome: T | SkipReason | null): void {
    if (outcome === null) return;
    if (typeof outcome === 'string') this.skip(outcome);
    else this.add(outcome);
  }

  /** An item left out for its own value: counted, and no schedule is the less complete for it. */
  skip(reason: SkipReason, count = 1): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + count;
  }

  /** A page or listing that could not be read: the schedules (courses) it lists are incomplete. */
  unreadable(reason: PageSkipReason, names: readonly string[]): void {
    this.skip(reason);
    for (const name of names) this.incomplete.add(name);
  }

  get skippedCount(): number {
    return Object.values(this.skipped).reduce((sum, count) => sum + (count ?? 0), 0);
  }

  result(): SyncRun<T> {
    if (this.pagesRead === 0 && this.incomplete.size > 0) {
      return this.failed(new SourceFetchError('unparseable', 'no page of the response could be read'));
    }
    return {
      status: this.incomplete.size > 0 ? 'partial' : 'complete',
      items: [...this.items.values()],
      incomplete: [...this.incomplete],
      skipped: { ...this.skipped },
      requests: this.requests,
    };
  }

  /** A failed run has read no schedule whole, whatever `incomplete` says. */
  failed(error: SourceFetchError): SyncRun<T> {
    return {
      status: 'failed',
      items: [],
      incomplete: [...this.incomplete],
      skipped: { ...this.skipped },
      failure: { reason: error.reason, message: error.message },
      requests: this.requests,
    };
  }
}

/**
 * Shifts keyed as the state table keys them, none longer than an imported shift may be. Of two
 * with one start, the nearer escalation level keeps its own end, and the other only what it
 * holds beyond that end, as a shift of its own: a merge never stretches a level over a longer
 * shift at another level. An unknown level counts as the farthest.
 */
export function shiftCollector(): RunCollector<SyncedShift> {
  return new RunCollector<SyncedShift>(
    (shift) => `${shift.schedule}\n${shift.email}\n${shift.starts_at}`,
    (kept, next) => {
      const [near, far] = levelRank(next) < levelRank(kept) ? [next, kept] : [kept, next];
      if (levelRank(near) === levelRank(far)) return [near.ends_at >= far.ends_at ? near : far];
      // ISO instants in UTC sort as text.
      if (far.ends_at <= near.ends_at) return [near];
      return [near, { ...far, starts_at: near.ends_at }];
    },
    (shift) => (Date.parse(shift.ends_at) - Date.parse(shift.starts_at) > MAX_SHIFT_MS ? 'too_long' : null),
  );
}

function levelRank(shift: SyncedShift): number {
  return shift.escalation_level ?? Number.POSITIVE_INFINITY;
}

/** Training records keyed as the state table keys them; of two, the later completion. */
export function trainingCollector(): RunCollector<SyncedTraining> {
  return new RunCollector<SyncedTraining>(
    (record) => `${record.email}\n${record.course}`,
    (kept, next) => [next.completed_at > kept.completed_at ? next : kept],
  );
}
