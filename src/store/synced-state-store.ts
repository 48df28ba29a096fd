/**
 * The sync run's reads and writes of shift and training items in the state table: what a
 * schedule's partition holds, puts that never land on an item of another origin, and deletes
 * that only remove an item exactly as the run saw it. Every write is a single conditional call
 * (no batch writes: a batch cannot carry a condition).
 */
import { BatchGetCommand, DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Deadline } from '../kernel/deadline';
import { StoreUnavailableError } from '../kernel/errors';
import { storeCall } from './call';
import { conditionalWrite } from './condition-failure';
import { queryAll } from './query-all';
import type { ShiftItem } from './shift-item';
import { shiftPartition } from './state-keys';
import type { TrainingItem } from './training-item';

export interface ItemKey {
  pk: string;
  sk: string;
}

/** A state item as the sync sees it: its key, who wrote it and when, and a shift's times. */
export interface ExistingItem extends ItemKey {
  source?: string;
  synced_at?: string;
  starts_at?: string;
  ends_at?: string;
}

export interface SyncedStateStore {
  /** Every item of a schedule's partition (kept small by TTL: ended shifts expire). */
  shiftsOf(schedule: string, deadline: Deadline): Promise<ExistingItem[]>;
  /**
   * Puts the item unless its key holds an item of another origin (hand-written, imported, or
   * another source's): false when it does, and that item is left as it was.
   */
  putUnlessOtherOrigin(item: ShiftItem | TrainingItem, sourceId: string, deadline: Deadline): Promise<boolean>;
  /** The items among these keys that exist (the imports' check). */
  existing(keys: readonly ItemKey[], deadline: Deadline): Promise<ExistingItem[]>;
  /** Deletes the item if it still has this source and `synced_at`; false when it changed meanwhile. */
  deleteIfUnchanged(item: ExistingItem & { source: string; synced_at: string }, deadline: Deadline): Promise<boolean>;
}

const GET_BATCH = 100;
const UNPROCESSED_ATTEMPTS = 8;
const PROJECTION = { ProjectionExpression: 'pk, sk, #source, synced_at, starts_at, ends_at', ExpressionAttributeNames: { '#source': 'source' } };

export class DynamoSyncedStateStore implements SyncedStateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async shiftsOf(schedule: string, deadline: Deadline): Promise<ExistingItem[]> {
    const items = await queryAll(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': shiftPartition(schedule) },
        ConsistentRead: true,
        ...PROJECTION,
      },
      `reading the shifts of ${schedule}`,
      deadline,
    );
    return items.flatMap(existingItem);
  }

  async putUnlessOtherOrigin(item: ShiftItem | TrainingItem, sourceId: string, deadline: Deadline): Promise<boolean> {
    return conditionalWrite(`writing a synced item of source ${sourceId}`, deadline, (abortSignal) =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...item },
          ConditionExpression: 'attribute_not_exists(pk) OR #source = :self',
          ExpressionAttributeNames: { '#source': 'source' },
          ExpressionAttributeValues: { ':self': sourceId },
        }),
        { abortSignal },
      ),
    );
  }

  async existing(keys: readonly ItemKey[], deadline: Deadline): Promise<ExistingItem[]> {
    const found: ExistingItem[] = [];
    for (let start = 0; start < keys.length; start += GET_BATCH) {
      let pending: Record<string, unknown>[] = keys.slice(start, start + GET_BATCH).map(({ pk, sk }) => ({ pk, sk }));
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt >= UNPROCESSED_ATTEMPTS) throw new StoreUnavailableError('DynamoDB left keys unread while reading state items');
        if (attempt > 0) await this.sleep(backoffMs(attempt, deadline));
        const keysNow = pending;
        const reply = await storeCall('reading state items', deadline, (abortSignal) =>
          this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keysNow, ConsistentRead: true, ...PROJECTION } } }), {
            abortSignal,
          }),
        );
        found.push(...(reply.Responses?.[this.tableName] ?? []).flatMap(existingItem));
        pending = reply.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return found;
  }

  /**
   * Conditional on the source and the exact `synced_at` the run read: a sync run that overlaps
   * this one and wrote the item again since (it is still on call there) keeps it.
   */
  async deleteIfUnchanged(item: ExistingItem & { source: string; synced_at: string }, deadline: Deadline): Promise<boolean> {
    return conditionalWrite(`deleting a synced item of source ${item.source}`, deadline, (abortSignal) =>
      this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: item.pk, sk: item.sk },
          ConditionExpression: '#source = :source AND synced_at = :synced',
          ExpressionAttributeNames: { '#source': 'source' },
          ExpressionAttributeValues: { ':source': item.source, ':synced': item.synced_at },
        }),
        { abortSignal },
      ),
    );
  }
}

/** 50 ms doubling, never past the deadline. */
function backoffMs(attempt: number, deadline: Deadline): number {
  return Math.min(50 * 2 ** (attempt - 1), Math.max(0, deadline.remainingMs() - 100));
}

function existingItem(item: Record<string, unknown>): ExistingItem[] {
  if (typeof item.pk !== 'string' || typeof item.sk !== 'string') return [];
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const found: ExistingItem = { pk: item.pk, sk: item.sk };
  for (const [field, value] of [
    ['source', text(item.source)],
    ['synced_at', text(item.synced_at)],
    ['starts_at', text(item.starts_at)],
    ['ends_at', text(item.ends_at)],
  ] as const) {
    if (value !== undefined) found[field] = value;
  }
  return [found];
}
