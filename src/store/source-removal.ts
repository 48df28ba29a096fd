/**
 * What a state source left in the state table, found and removed for `lumos-state remove-source`:
 * its source item, its status, and every shift and training record whose `source` is its id.
 * Shifts live under one partition per schedule, so a shift source's are a Query of each schedule
 * it covered; training records live under one partition per person, so finding a source's takes
 * a Scan of the table filtered on `source` (an admin's occasional command, not a request path).
 * Every delete of a state item is conditional on its `source` still being the id: an item another
 * origin wrote under the key meanwhile stays.
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Deadline } from '../kernel/deadline';
import { storeCall } from './call';
import { conditionalWrite } from './condition-failure';
import { queryAll } from './query-all';
import { SOURCE_STATUS_PARTITION, SOURCES_PARTITION } from './source-store';
import { scheduleOfPartition, shiftPartition, trainingPartition } from './state-keys';
import type { ItemKey } from './synced-state-store';

const SHIFT_PREFIX = shiftPartition('');
const TRAINING_PREFIX = trainingPartition('');

/** The source item and its status as stored (either may be gone; a removal mark reads as none), unchecked. */
export interface SourceRecords {
  item: Record<string, unknown> | null;
  status: Record<string, unknown> | null;
}

export async function sourceRecords(client: DynamoDBDocumentClient, tableName: string, id: string, deadline: Deadline): Promise<SourceRecords> {
  const read = (pk: string) =>
    storeCall(`reading ${pk} / ${id}`, deadline, (abortSignal) =>
      client.send(new GetCommand({ TableName: tableName, Key: { pk, sk: id }, ConsistentRead: true }), { abortSignal }),
    );
  const [item, status] = await Promise.all([read(SOURCES_PARTITION), read(SOURCE_STATUS_PARTITION)]);
  // A removal mark is no status: the source was removed before (a run of a source added again since clears it).
  const live = status.Item !== undefined && !(status.Item.present === false && status.Item.removed_at !== undefined) ? status.Item : null;
  return { item: item.Item ?? null, status: live };
}

/** The keys of the source's shifts in one schedule's partition. */
export async function syncedShiftsIn(client: DynamoDBDocumentClient, tableName: string, id: string, schedule: string, deadline: Deadline): Promise<ItemKey[]> {
  const items = await queryAll(
    client,
    {
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: '#source = :id',
      ProjectionExpression: 'pk, sk',
      ExpressionAttributeNames: { '#source': 'source' },
      ExpressionAttributeValues: { ':pk': shiftPartition(schedule), ':id': id },
      ConsistentRead: true,
    },
    `reading the shifts of ${schedule}`,
    deadline,
  );
  return items.flatMap(keyOf);
}

/** The keys of every shift and training record of the source, wherever they are: one Scan of the table, page by page. */
export async function syncedItemsAnywhere(client: DynamoDBDocumentClient, tableName: string, id: string, deadline: Deadline): Promise<ItemKey[]> {
  const keys: ItemKey[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await storeCall('scanning the state table', deadline, (abortSignal) =>
      client.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: '#source = :id AND (begins_with(pk, :shifts) OR begins_with(pk, :training))',
          ProjectionExpression: 'pk, sk',
          ExpressionAttributeNames: { '#source': 'source' },
          ExpressionAttributeValues: { ':id': id, ':shifts': SHIFT_PREFIX, ':training': TRAINING_PREFIX },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
        { abortSignal },
      ),
    );
    keys.push(...(page.Items ?? []).flatMap(keyOf));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return keys;
}

/** Whether the key is a shift's (else a training record's). */
export function isShiftKey(key: ItemKey): boolean {
  return scheduleOfPartition(key.pk) !== null;
}

/** The schedule a shift's partition is for. */
export function scheduleOf(key: ItemKey): string {
  return scheduleOfPartition(key.pk) ?? '';
}

/** True when deleted; false when it was gone or another origin's by now. */
export function deleteItemOfSource(client: DynamoDBDocumentClient, tableName: string, key: ItemKey, id: string, deadline: Deadline): Promise<boolean> {
  return conditionalWrite(`deleting an item of source ${id}`, deadline, (abortSignal) =>
    client.send(
      new DeleteCommand({
        TableName: tableName,
        Key: { pk: key.pk, sk: key.sk },
        ConditionExpression: '#source = :id',
        ExpressionAttributeNames: { '#source': 'source' },
        ExpressionAttributeValues: { ':id': id },
      }),
      { abortSignal },
    ),
  );
}

/** Deletes the source item; true when there was one to delete. */
export async function deleteSourceItem(client: DynamoDBDocumentClient, tableName: string, id: string, deadline: Deadline): Promise<boolean> {
  const reply = await storeCall(`deleting ${SOURCES_PARTITION} / ${id}`, deadline, (abortSignal) =>
    client.send(new DeleteCommand({ TableName: tableName, Key: { pk: SOURCES_PARTITION, sk: id }, ReturnValues: 'ALL_OLD' }), { abortSignal }),
  );
  return reply.Attributes !== undefined;
}

/**
 * Replaces the source's status with a removal mark (`present: false`, `removed_at`, `removed_by`)
 * rather than deleting it: a sync run that started before the removal and is still under way
 * cannot record a status that brings the source back (src/store/source-store.ts only records a
 * run that started after `removed_at`), and what it still writes counts for nothing. True when
 * there was a status.
 */
export async function markSourceRemoved(
  client: DynamoDBDocumentClient,
  tableName: string,
  id: string,
  by: string,
  at: Date,
  deadline: Deadline,
): Promise<boolean> {
  const reply = await storeCall(`marking ${SOURCE_STATUS_PARTITION} / ${id} removed`, deadline, (abortSignal) =>
    client.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: SOURCE_STATUS_PARTITION, sk: id, present: false, removed_at: at.toISOString(), removed_by: by },
        ReturnValues: 'ALL_OLD',
      }),
      { abortSignal },
    ),
  );
  return reply.Attributes !== undefined && !(reply.Attributes.present === false && reply.Attributes.removed_at !== undefined);
}

function keyOf(item: Record<string, unknown>): ItemKey[] {
  return typeof item.pk === 'string' && typeof item.sk === 'string' ? [{ pk: item.pk, sk: item.sk }] : [];
}
