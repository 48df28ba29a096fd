/**
 * An import's write of one hand-written shift or training record: a put only where no synced
 * item holds the key. The import checks first, but a sync run may write the key between that
 * check and this put; an unconditional put would turn the synced item into a hand-written one
 * that the sync never deletes and that counts even while its source is stale. A hand-written
 * item under the key is replaced, as an import means to.
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Deadline } from '../kernel/deadline';
import { storeCall } from './call';
import { isConditionFailure } from './condition-failure';
import type { ShiftItem } from './shift-item';
import type { TrainingItem } from './training-item';

/** Written, or left to the source that synced the key (its id as stored, when it is text). */
export type HandWrittenPut = { written: true } | { written: false; source: string | null };

export async function putHandWritten(
  client: DynamoDBDocumentClient,
  tableName: string,
  item: ShiftItem | TrainingItem,
  deadline: Deadline,
): Promise<HandWrittenPut> {
  return storeCall('writing a hand-written state item', deadline, async (abortSignal) => {
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...item },
          ConditionExpression: 'attribute_not_exists(pk) OR attribute_not_exists(#source)',
          ExpressionAttributeNames: { '#source': 'source' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
        { abortSignal },
      );
      return { written: true };
    } catch (error) {
      if (error instanceof Error && isConditionFailure(error)) return { written: false, source: sourceOf(error) };
      throw error;
    }
  });
}

/** The refused item comes back in DynamoDB's own form (the document client does not convert errors). */
function sourceOf(error: Error): string | null {
  const old = (error as { Item?: Record<string, unknown> }).Item;
  const source = old?.source;
  if (typeof source === 'object' && source !== null && 'S' in source && typeof source.S === 'string') return source.S;
  return null;
}
