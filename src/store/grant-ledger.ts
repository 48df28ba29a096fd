import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { GrantItem, GrantKey } from '../provisioners/grant-item';
import type { Deadline } from '../runtime/deadline';
import { storeCall } from './call';

/** The entitlement ledger. Writes are conditional on the version read, so concurrent calls never lose a hold. */
export interface GrantLedger {
  get(key: GrantKey, deadline: Deadline): Promise<GrantItem | null>;
  /** Every grant of one person in one app instance. */
  ofSubject(appInstance: string, email: string, deadline: Deadline): Promise<GrantItem[]>;
  /** `previousVersion` null: create only if absent. Resolves false when someone else wrote first. */
  save(item: GrantItem, previousVersion: number | null, deadline: Deadline): Promise<boolean>;
  remove(key: GrantKey, version: number, deadline: Deadline): Promise<boolean>;
}

export class DynamoGrantLedger implements GrantLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(key: GrantKey, deadline: Deadline): Promise<GrantItem | null> {
    const result = await storeCall('reading the grants ledger', deadline, (abortSignal) =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { ...key }, ConsistentRead: true }), { abortSignal }),
    );
    return (result.Item as GrantItem | undefined) ?? null;
  }

  async ofSubject(appInstance: string, email: string, deadline: Deadline): Promise<GrantItem[]> {
    const items: GrantItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await storeCall('reading the grants ledger', deadline, (abortSignal) =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'app_instance = :app AND begins_with(subject_permission, :person)',
            ExpressionAttributeValues: { ':app': appInstance, ':person': `${email}#` },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
          { abortSignal },
        ),
      );
      items.push(...((page.Items ?? []) as GrantItem[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  async save(item: GrantItem, previousVersion: number | null, deadline: Deadline): Promise<boolean> {
    return this.conditional(() =>
      storeCall('writing the grants ledger', deadline, (abortSignal) =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: item,
            ...(previousVersion === null
              ? { ConditionExpression: 'attribute_not_exists(app_instance)' }
              : { ConditionExpression: 'version = :previous', ExpressionAttributeValues: { ':previous': previousVersion } }),
          }),
          { abortSignal },
        ),
      ),
    );
  }

  async remove(key: GrantKey, version: number, deadline: Deadline): Promise<boolean> {
    return this.conditional(() =>
      storeCall('writing the grants ledger', deadline, (abortSignal) =>
        this.client.send(
          new DeleteCommand({ TableName: this.tableName, Key: { ...key }, ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': version } }),
          { abortSignal },
        ),
      ),
    );
  }

  /** True when written; false when the condition failed (another call wrote first). */
  private async conditional(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      if (error instanceof Error && error.cause instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
