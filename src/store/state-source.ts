import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Deadline } from '../kernel/deadline';
import { logger } from '../kernel/logger';
import { sameEmail } from '../lumos/email';
import type { ScheduleSource, Shift, TrainingRecord } from '../rules/facts';
import type { ShiftLookup } from '../rules/lookups';
import { storeCall } from './call';
import { normaliseInstant } from './iso-instant';
import { queryAll } from './query-all';
import { CachedScheduleSources } from './schedule-sources';
import { shiftPartition, shiftPersonPrefix, shiftSortKey, trainingPartition } from './state-keys';

/** A shift as read, with the source that synced it (absent: written by hand or imported). */
export interface StoredShift extends Shift {
  source?: string;
  escalation_level?: number;
}

/** A training record as read, with the source that synced it (absent: written by hand or imported). */
export interface StoredTraining extends TrainingRecord {
  source?: string;
}

/** On-call shifts and training records that admins or sync jobs write. */
export interface StateSource {
  /** Shifts of each (schedule, person) that started by `now`, newest first. */
  shifts(lookups: readonly ShiftLookup[], now: Date, deadline: Deadline): Promise<StoredShift[]>;
  /** Every training record of each person: one read per person, whatever the number of courses. */
  trainings(emails: readonly string[], deadline: Deadline): Promise<StoredTraining[]>;
  /** The sources syncing these schedules, with when each last succeeded (cached: src/store/schedule-sources.ts). */
  scheduleSources(schedules: readonly string[], deadline: Deadline): Promise<ScheduleSource[]>;
}

/** Offsets reach +14:00: a shift keyed by its local start may sort up to 14 h after its UTC start. */
const LATEST_OFFSET_MS = 14 * 3_600_000;
const SHIFTS_READ = 25;

export class DynamoStateSource implements StateSource {
  private readonly reported = new Set<string>();
  private readonly sources: CachedScheduleSources;

  /** `statusCacheMs`: how long the sources' status is kept, as long as the rules (RULE_CACHE_SECONDS). */
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    statusCacheMs = 15_000,
  ) {
    this.sources = new CachedScheduleSources(client, tableName, statusCacheMs);
  }

  scheduleSources(schedules: readonly string[], deadline: Deadline): Promise<ScheduleSource[]> {
    return this.sources.forSchedules(schedules, deadline);
  }

  async shifts(lookups: readonly ShiftLookup[], now: Date, deadline: Deadline): Promise<StoredShift[]> {
    const lists = await Promise.all(lookups.map((lookup) => this.shiftsOf(lookup, now, deadline)));
    return lists.flat();
  }

  /**
   * One query per person and schedule: the latest shifts that started by now (sort keys end in
   * the start time), so past shifts that TTL has not yet removed, or future ones a sync job wrote
   * ahead, never crowd out the current one. The range reaches 14 h ahead for keys written with
   * an offset; times are then compared as instants.
   */
  private async shiftsOf({ schedule, email }: ShiftLookup, now: Date, deadline: Deadline): Promise<StoredShift[]> {
    const latest = new Date(now.getTime() + LATEST_OFFSET_MS).toISOString();
    const page = await storeCall(`reading on-call shifts of ${schedule}`, deadline, (abortSignal) =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
          ExpressionAttributeValues: { ':pk': shiftPartition(schedule), ':first': shiftPersonPrefix(email), ':last': shiftSortKey(email, latest) },
          ScanIndexForward: false,
          Limit: SHIFTS_READ,
        }),
        { abortSignal },
      ),
    );
    return (page.Items ?? []).flatMap((item) => {
      const startsAt = instantOf(item.starts_at);
      const endsAt = instantOf(item.ends_at);
      const problem =
        startsAt === null ? 'starts_at is not an ISO-8601 instant' : endsAt === null ? 'ends_at is not an ISO-8601 instant' : otherPerson(item, email);
      if (problem || startsAt === null || endsAt === null) return this.unreadable(item, problem ?? '');
      return [{ schedule, email, starts_at: startsAt, ends_at: endsAt, ...originOf(item), ...escalationOf(item) }];
    });
  }

  async trainings(emails: readonly string[], deadline: Deadline): Promise<StoredTraining[]> {
    const lists = await Promise.all(emails.map((email) => this.trainingsOf(email, deadline)));
    return lists.flat();
  }

  /** Every course of the person (one page in practice; later pages are read too). */
  private async trainingsOf(email: string, deadline: Deadline): Promise<StoredTraining[]> {
    const items = await queryAll(
      this.client,
      { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': trainingPartition(email) } },
      'reading training records',
      deadline,
    );
    return items.flatMap((item) => {
      const training = trainingOf(item, email);
      return typeof training === 'string' ? this.unreadable(item, training) : [training];
    });
  }

  /** A state item that cannot count is left out, and said once per container, not on every call. */
  private unreadable(item: Record<string, unknown>, problem: string): [] {
    const key = `${String(item.pk)}\n${String(item.sk)}`;
    if (!this.reported.has(key)) {
      if (this.reported.size >= MAX_REPORTED) this.reported.clear();
      this.reported.add(key);
      logger.warn('state item ignored: it cannot be read', { pk: String(item.pk), sk: String(item.sk), problem });
    }
    return [];
  }
}

const MAX_REPORTED = 1_000;

/** A `source` that is there but not text (`null` pasted from a listing, a number): no source covers it. */
export const UNREADABLE_SOURCE = '(source not text)';

/**
 * `source` when the item has one: a hand-written item (no `source` at all) reads as before. One
 * that is there but not text is taken as synced by no known source, so it never counts as a
 * hand-written shift (on_call is then undecided), as the sync and the imports already treat it.
 */
function originOf(item: Record<string, unknown>): { source?: string } {
  if (item.source === undefined) return {};
  return { source: typeof item.source === 'string' ? item.source : UNREADABLE_SOURCE };
}

function escalationOf(item: Record<string, unknown>): { escalation_level?: number } {
  const level = item.escalation_level;
  return typeof level === 'number' && Number.isInteger(level) && level >= 1 ? { escalation_level: level } : {};
}

/** The item as a training record of the person, or why it cannot count. */
function trainingOf(item: Record<string, unknown>, email: string): StoredTraining | string {
  if (typeof item.sk !== 'string') return 'sk (the course) is not text';
  const completedAt = instantOf(item.completed_at);
  if (completedAt === null) return 'completed_at is not an ISO-8601 instant';
  // Absent or null: the completion does not expire.
  const expires = item.expires_at === undefined || item.expires_at === null ? undefined : item.expires_at;
  const expiresAt = expires === undefined ? null : instantOf(expires);
  if (expires !== undefined && expiresAt === null) return 'expires_at is not an ISO-8601 instant';
  const other = otherPerson(item, email);
  if (other !== null) return other;
  return { email, course: item.sk, completed_at: completedAt, expires_at: expiresAt, ...originOf(item) };
}

function instantOf(value: unknown): string | null {
  return typeof value === 'string' ? normaliseInstant(value) : null;
}

/** The item's own `email`, when it has one, must be the person asked about (compared as in the payload). */
function otherPerson(item: Record<string, unknown>, email: string): string | null {
  if (item.email === undefined) return null;
  if (typeof item.email !== 'string') return 'email is not text';
  return sameEmail(item.email, email) ? null : `email ${JSON.stringify(item.email)} is not the person its key names`;
}
