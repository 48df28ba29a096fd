/**
 * Removing or cutting shifts written by hand or imported, never synced ones. `remove-shift`'s
 * delete is conditional on the item having no `source`; `import-shifts --replace` removes or
 * cuts only a shift still exactly as it read it (no `source`, the same times and import marks),
 * so a shift a sync or another import wrote meanwhile under the same key stays.
 */
import { DeleteCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Deadline } from '../kernel/deadline';
import { conditionalWrite } from './condition-failure';
import { queryAll } from './query-all';
import { shiftPartition } from './state-keys';
import type { ExistingItem, ItemKey } from './synced-state-store';

/** The attributes that say who wrote a shift and what it covers: a change to any means someone wrote it since. */
const AS_READ_FIELDS = ['source', 'synced_at', 'starts_at', 'ends_at', 'imported_by', 'imported_at'] as const;
type AsReadField = (typeof AS_READ_FIELDS)[number];

/** A shift of a schedule's partition, with each of its `AS_READ_FIELDS` as stored (absent ones absent, any type). */
export interface ShiftAsRead extends ExistingItem {
  asRead: Partial<Record<AsReadField, unknown>>;
}

/** True when it was deleted; false when it was gone or a sync's item by now. */
export async function deleteHandWrittenShift(client: DynamoDBDocumentClient, tableName: string, key: ItemKey, deadline: Deadline): Promise<boolean> {
  return conditionalWrite('deleting a hand-written shift', deadline, (abortSignal) =>
    client.send(
      new DeleteCommand({
        TableName: tableName,
        Key: { pk: key.pk, sk: key.sk },
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#source)',
        ExpressionAttributeNames: { '#source': 'source' },
      }),
      { abortSignal },
    ),
  );
}

/** Every shift of a schedule's partition, hand-written and synced, each as stored (consistent read). */
export async function shiftsAsRead(client: DynamoDBDocumentClient, tableName: string, schedule: string, deadline: Deadline): Promise<ShiftAsRead[]> {
  const names = Object.fromEntries(AS_READ_FIELDS.map((field) => [`#${field}`, field]));
  const items = await queryAll(
    client,
    {
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': shiftPartition(schedule) },
      ProjectionExpression: ['pk', 'sk', ...Object.keys(names)].join(', '),
      ExpressionAttributeNames: names,
      ConsistentRead: true,
    },
    `reading the shifts of ${schedule}`,
    deadline,
  );
  return items.flatMap(shiftAsRead);
}

/** The item as a shift with its `AS_READ_FIELDS`; none when its key is not text. */
function shiftAsRead(item: Record<string, unknown>): ShiftAsRead[] {
  if (typeof item.pk !== 'string' || typeof item.sk !== 'string') return [];
  const shift: ShiftAsRead = { pk: item.pk, sk: item.sk, asRead: {} };
  for (const field of AS_READ_FIELDS) {
    const value = item[field];
    if (value !== undefined) keepAsRead(shift, field, value);
  }
  return [shift];
}

function keepAsRead(shift: ShiftAsRead, field: AsReadField, value: unknown): void {
  shift.asRead[field] = value;
  // Any `source` at all makes the shift a sync's, whatever its type.
  if (field === 'source') shift.source = typeof value === 'string' ? value : '?';
  else if (typeof value === 'string' && (field === 'synced_at' || field === 'starts_at' || field === 'ends_at')) shift[field] = value;
}

/** Deletes a hand-written shift only while it is exactly as read; false when it changed or went meanwhile. */
export async function deleteShiftAsRead(client: DynamoDBDocumentClient, tableName: string, shift: ShiftAsRead, deadline: Deadline): Promise<boolean> {
  const condition = asReadCondition(shift);
  return conditionalWrite('removing a hand-written shift', deadline, (abortSignal) =>
    client.send(new DeleteCommand({ TableName: tableName, Key: { pk: shift.pk, sk: shift.sk }, ...condition }), { abortSignal }),
  );
}

/**
 * Ends a hand-written shift at `endsAt` (its key, the person and start, unchanged; its TTL with
 * the new end) only while it is exactly as read; false when it changed or went meanwhile.
 */
export async function cutShiftAsRead(
  client: DynamoDBDocumentClient,
  tableName: string,
  shift: ShiftAsRead,
  endsAt: Date,
  deadline: Deadline,
): Promise<boolean> {
  const condition = asReadCondition(shift);
  return conditionalWrite('cutting a hand-written shift', deadline, (abortSignal) =>
    client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: shift.pk, sk: shift.sk },
        UpdateExpression: 'SET #ends_at = :cut_end, #ttl = :cut_ttl',
        ...condition,
        ExpressionAttributeNames: { ...condition.ExpressionAttributeNames, '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ...condition.ExpressionAttributeValues,
          ':cut_end': endsAt.toISOString(),
          ':cut_ttl': Math.floor(endsAt.getTime() / 1000),
        },
      }),
      { abortSignal },
    ),
  );
}

/** Still there, still without a `source`, and every other `AS_READ_FIELDS` attribute as it was read. */
function asReadCondition(shift: ShiftAsRead): {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
} {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const terms = ['attribute_exists(pk)', 'attribute_not_exists(#source)', 'attribute_not_exists(#synced_at)'];
  names['#source'] = 'source';
  names['#synced_at'] = 'synced_at';
  for (const field of AS_READ_FIELDS) {
    if (field === 'source' || field === 'synced_at') continue;
    names[`#${field}`] = field;
    const value = shift.asRead[field];
    if (value === undefined) terms.push(`attribute_not_exists(#${field})`);
    else {
      terms.push(`#${field} = :${field}`);
      values[`:${field}`] = value;
    }
  }
  // DynamoDB refuses an empty map of values.
  return {
    ConditionExpression: terms.join(' AND '),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length === 0 ? {} : { ExpressionAttributeValues: values }),
  };
}
