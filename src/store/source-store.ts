/**
 * Where state sources and their sync status live in the state table (docs/state-sources.md,
 * "Where sources live"): every source item under one partition, so all sources are one Query,
 * and each source's status under another, written only by the sync run, so an admin editing a
 * source item never overwrites it and every status is one Query too.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Deadline } from '../kernel/deadline';
import { conditionalWrite } from './condition-failure';
import { queryAll } from './query-all';

/** `pk = "sources"`, `sk = <source id>`: the source items admins write. */
export const SOURCES_PARTITION = 'sources';
/** `pk = "source-status"`, `sk = <source id>`: what the last sync runs of each source did. */
export const SOURCE_STATUS_PARTITION = 'source-status';

/** A source item as stored: its id (the sort key) and its fields without the keys, unchecked. */
export interface StoredSource {
  id: string;
  fields: Record<string, unknown>;
}

export type SourceRunStatus = 'complete' | 'partial' | 'failed';

/** One source's status item (the sync run's view; its fields are what the item holds). */
export interface SourceStatus {
  id: string;
  /** When the last complete or partial run started (UTC instant). */
  last_success?: string;
  last_failure?: string;
  /** A fixed word: `unauthorized`, `secret_unavailable`, `misconfigured`, … */
  last_failure_reason?: string;
  /** Names the source, host and status; never a secret. */
  last_failure_message?: string;
  /** Minutes, copied from the source item. */
  stale_after?: number;
  /** The schedule names (shift sources) or course names (training sources) the source covers. */
  schedules?: string[];
  courses?: string[];
  last_run_started?: string;
  last_run_status?: SourceRunStatus;
  /** Items the last run returned, wrote, deleted, left as they were (another origin), skipped by reason. */
  last_run_returned?: number;
  last_run_written?: number;
  last_run_deleted?: number;
  last_run_kept?: number;
  last_run_skipped?: Record<string, number>;
  /** The schedules the last run could not read whole. */
  last_run_incomplete?: string[];
  /** Per schedule, when the last run that read it whole started: its shifts' freshness (absent on items written before it existed: `last_success` then). */
  schedules_complete?: Record<string, string>;
  /** False once the source item is gone: its synced shifts then count for nothing. Absent: present. */
  present?: boolean;
}

/** What one run of one source records. */
export interface SourceRunRecord {
  id: string;
  /** The run's start: it orders runs, so an overlapping older run never overwrites a newer one's status. */
  startedAt: Date;
  status: SourceRunStatus;
  failure?: { reason: string; message: string };
  staleAfter?: number;
  /** The names the source covers; absent when the run never got that far (a refused source). */
  covers?: { schedules: string[] } | { courses: string[] };
  counts: { returned: number; written: number; deleted: number; kept: number; skipped: Record<string, number> };
  /** The schedules this run could not read whole. */
  incomplete?: string[];
  /** The whole `schedules_complete` map to record (the last one, with this run's complete schedules at its start). */
  schedulesComplete?: Record<string, string>;
}

export interface SourceStore {
  /** Every source item, unchecked (the sync parses them). */
  listSources(deadline: Deadline): Promise<StoredSource[]>;
  /** Every source's status. */
  statuses(deadline: Deadline): Promise<SourceStatus[]>;
  /** Records a run; false when a run that started later has already recorded (this one is then left out). */
  recordRun(record: SourceRunRecord, deadline: Deadline): Promise<boolean>;
  /** Marks a status whose source item is gone (`present: false`); nothing when there is no status. */
  recordGone(id: string, deadline: Deadline): Promise<void>;
}

export class DynamoSourceStore implements SourceStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listSources(deadline: Deadline): Promise<StoredSource[]> {
    const items = await this.partition(SOURCES_PARTITION, 'reading state sources', deadline);
    return items.flatMap((item) => {
      const { pk: _pk, sk, ...fields } = item;
      return typeof sk === 'string' ? [{ id: sk, fields }] : [];
    });
  }

  async statuses(deadline: Deadline): Promise<SourceStatus[]> {
    const items = await this.partition(SOURCE_STATUS_PARTITION, 'reading state source status', deadline);
    return items.flatMap((item) => {
      const { pk: _pk, sk, ...fields } = item;
      return typeof sk === 'string' ? [{ ...(fields as Omit<SourceStatus, 'id'>), id: sk }] : [];
    });
  }

  /**
   * One conditional update: only the fields this run knows are set, so a success keeps the last
   * failure and its reason (and the other way round). The condition on `last_run_started` lets
   * two overlapping runs record in any order: the later-started run's status stays.
   */
  async recordRun(record: SourceRunRecord, deadline: Deadline): Promise<boolean> {
    const values: Record<string, unknown> = {
      ':started': record.startedAt.toISOString(),
      ':status': record.status,
      ':returned': record.counts.returned,
      ':written': record.counts.written,
      ':deleted': record.counts.deleted,
      ':kept': record.counts.kept,
      ':skipped': record.counts.skipped,
      ':present': true,
    };
    const set = [
      'present = :present',
      'last_run_started = :started',
      'last_run_status = :status',
      'last_run_returned = :returned',
      'last_run_written = :written',
      'last_run_deleted = :deleted',
      'last_run_kept = :kept',
      'last_run_skipped = :skipped',
    ];
    if (record.failure) {
      set.push('last_failure = :started', 'last_failure_reason = :reason', 'last_failure_message = :message');
      values[':reason'] = record.failure.reason;
      values[':message'] = record.failure.message;
    } else {
      set.push('last_success = :started');
    }
    if (record.staleAfter !== undefined) {
      set.push('stale_after = :stale');
      values[':stale'] = record.staleAfter;
    }
    if (record.incomplete !== undefined) {
      set.push('last_run_incomplete = :incomplete');
      values[':incomplete'] = record.incomplete;
    }
    if (record.schedulesComplete !== undefined) {
      set.push('schedules_complete = :complete');
      values[':complete'] = record.schedulesComplete;
    }
    if (record.covers !== undefined) {
      const [field, names] = 'schedules' in record.covers ? ['schedules', record.covers.schedules] : ['courses', record.covers.courses];
      set.push(`${field} = :names`);
      values[':names'] = names;
    }
    return conditionalWrite(`recording the sync status of source ${record.id}`, deadline, (abortSignal) =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: SOURCE_STATUS_PARTITION, sk: record.id },
          // A source added again after `remove-source` is a source again: its removal mark goes.
          UpdateExpression: `SET ${set.join(', ')} REMOVE removed_at, removed_by`,
          // A run that started before the source was removed (lumos-state remove-source) records nothing.
          ConditionExpression:
            '(attribute_not_exists(last_run_started) OR last_run_started <= :started) AND (attribute_not_exists(removed_at) OR removed_at < :started)',
          ExpressionAttributeValues: values,
        }),
        { abortSignal },
      ),
    );
  }

  async recordGone(id: string, deadline: Deadline): Promise<void> {
    // Refused when there is no status at all: nothing to mark.
    await conditionalWrite(`recording that source ${id} is gone`, deadline, (abortSignal) =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: SOURCE_STATUS_PARTITION, sk: id },
          UpdateExpression: 'SET present = :gone',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':gone': false },
        }),
        { abortSignal },
      ),
    );
  }

  private partition(pk: string, what: string, deadline: Deadline): Promise<Record<string, unknown>[]> {
    return queryAll(
      this.client,
      { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true },
      what,
      deadline,
    );
  }
}
