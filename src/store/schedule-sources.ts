/**
 * Which sources sync each schedule, and when each last read it whole: read from the status items
 * the sync run writes (src/store/source-store.ts), one Query, cached as long as the rules are, so
 * a warm call reads no more than before. A status item that does not read as the sync run writes
 * it names no schedule (it makes nothing stale, and nothing fresh); one whose source item is gone
 * (`present: false`) names none either, so the shifts it synced count for nothing.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Deadline } from '../kernel/deadline';
import { sourceIsStale } from '../rules/evaluation';
import type { ScheduleSource } from '../rules/facts';
import { queryAll } from './query-all';
import { SOURCE_STATUS_PARTITION, type SourceStatus } from './source-store';

/** As the source item's default (src/sync/source-item.ts). */
const DEFAULT_STALE_AFTER_MINUTES = 30;

/**
 * Each covered schedule's last complete read: this run's start for those it read whole, else what
 * the status said (a status without the map has none: until read whole, a schedule is stale).
 * An overlapping run that recorded after this one's start was read can only be missed, which
 * makes a schedule look older, never fresher.
 */
export function schedulesCompleteAfter(
  last: SourceStatus | undefined,
  covered: readonly string[],
  complete: readonly string[],
  startedAt: Date,
): Record<string, string> {
  const before = last?.schedules_complete;
  const read = new Set(complete);
  const map: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const schedule of covered) {
    const earlier = before !== null && typeof before === 'object' && Object.hasOwn(before, schedule) ? before[schedule] : undefined;
    if (read.has(schedule)) map[schedule] = startedAt.toISOString();
    else if (typeof earlier === 'string') map[schedule] = earlier;
  }
  return map;
}

/** The schedules of a status whose synced shifts do not count at `now`, as the functions judge them. */
export function staleSchedules(status: SourceStatus, now: Date): string[] {
  return fromStatus({ ...status, sk: status.id })
    .filter((entry) => sourceIsStale(entry, now))
    .map((entry) => entry.schedule);
}

/**
 * Whether the functions distrust the source at `now`: a schedule of it is stale, or, for a source
 * covering no schedule (training, or one never recorded), its last success is older than
 * `stale_after`. A removed source (`present: false`) is not stale: nothing of it counts.
 */
export function statusIsStale(status: SourceStatus | undefined, now: Date): boolean {
  if (status?.present === false) return false;
  if (status !== undefined && Array.isArray(status.schedules) && status.schedules.length > 0) return staleSchedules(status, now).length > 0;
  const staleAfter = typeof status?.stale_after === 'number' && status.stale_after > 0 ? status.stale_after : DEFAULT_STALE_AFTER_MINUTES;
  return sourceIsStale({ schedule: '', source: status?.id ?? '', last_success: status?.last_success ?? null, stale_after: staleAfter }, now);
}

function fromStatus(item: Record<string, unknown>): ScheduleSource[] {
  const { sk: source, schedules, last_success: lastSuccess, stale_after: staleAfter, schedules_complete: complete, present } = item;
  if (typeof source !== 'string' || !Array.isArray(schedules) || present === false) return [];
  return schedules
    .filter((schedule): schedule is string => typeof schedule === 'string')
    .map((schedule) => ({
      schedule,
      source,
      last_success: lastCompleteRead(schedule, complete, lastSuccess),
      stale_after: typeof staleAfter === 'number' && staleAfter > 0 ? staleAfter : DEFAULT_STALE_AFTER_MINUTES,
    }));
}

/** The schedule's entry in `schedules_complete`, or null; a status written before the map existed: its last success, as then. */
function lastCompleteRead(schedule: string, complete: unknown, lastSuccess: unknown): string | null {
  if (complete === undefined) return typeof lastSuccess === 'string' ? lastSuccess : null;
  if (complete === null || typeof complete !== 'object' || !Object.hasOwn(complete, schedule)) return null;
  const at = (complete as Record<string, unknown>)[schedule];
  return typeof at === 'string' ? at : null;
}

export class CachedScheduleSources {
  private cached: { entries: ScheduleSource[]; until: number } | undefined;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cacheMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async forSchedules(schedules: readonly string[], deadline: Deadline): Promise<ScheduleSource[]> {
    const wanted = new Set(schedules);
    return (await this.all(deadline)).filter((entry) => wanted.has(entry.schedule));
  }

  private async all(deadline: Deadline): Promise<ScheduleSource[]> {
    if (this.cached && this.cached.until > this.now()) return this.cached.entries;
    const items = await queryAll(
      this.client,
      { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': SOURCE_STATUS_PARTITION } },
      'reading state source status',
      deadline,
    );
    const entries = items.flatMap(fromStatus);
    this.cached = { entries, until: this.now() + this.cacheMs };
    return entries;
  }
}
