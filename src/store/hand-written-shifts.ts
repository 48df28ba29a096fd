/**
 * Removing shifts written by hand or imported, never synced ones: the delete is conditional on
 * the item having no `source`, so a shift a sync wrote meanwhile under the same key stays (the
 * sync owns it and deletes it itself when its source drops it).
 */
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Deadline } from '../kernel/deadline';
import { storeCall } from './call';
import type { ItemKey } from './synced-state-store';

/** True when it was deleted; false when it was gone or a sync's item by now. */
export async function deleteHandWrittenShift(client: DynamoDBDocumentClient, tableName: string, key: ItemKey, deadline: Deadline): Promise<boolean> {
  return storeCall('deleting a hand-written shift', deadline, async (abortSignal) => {
    try {
      await client.send(
        new DeleteCommand({
          TableName: tableName,
          Key: { pk: key.pk, sk: key.sk },
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#source)',
          ExpressionAttributeNames: { '#source': 'source' },
        }),
        { abortSignal },
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  });
}
