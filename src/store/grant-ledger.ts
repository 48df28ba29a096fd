import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Deadline } from '../kernel/deadline';
import { storeCall } from './call';
import { withDueAttributes } from './grant-due';
import type { GrantItem, GrantKey } from './grant-item';
import { queryAll } from './query-all';

/**
 * The entitlement ledger. Every write is a put conditional on the version read, so concurrent
 * calls never lose a hold and a state change (granting → held, held → revoking → removed /
 * pending_removal) is the lock that orders calls to the target system. Items are never deleted here: a removed
 * grant stays as a tombstone (until its TTL) so the next grant's write is conditional on it too.
 */
export interface GrantLedger {
  get(key: GrantKey, deadline: Deadline): Promise<GrantItem | null>;
  /** Every grant of one person in one app instance, `removed` ones left out (a `granting` one is in: it may exist). */
  ofSubject(appInstance: string, email: string, deadline: Deadline): Promise<GrantItem[]>;
  /** `previousVersion` null: create only if absent. Resolves false when someone else wrote first. */
  save(item: GrantItem, previousVersion: number | null, deadline: Deadline): Promise<boolean>;
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
    const items = await queryAll(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'app_instance = :app AND begins_with(subject_permission, :person)',
        ExpressionAttributeValues: { ':app': appInstance, ':person': `${email}#` },
        ConsistentRead: true,
      },
      'reading the grants ledger',
      deadline,
    );
    return (items as unknown as GrantItem[]).filter((item) => item.state !== 'removed');
  }

  async save(item: GrantItem, previousVersion: number | null, deadline: Deadline): Promise<boolean> {
    try {
      await storeCall('writing the grants ledger', deadline, (abortSignal) =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            // The index attributes follow from the item on every write, so the sweeper's index never goes stale.
            Item: withDueAttributes(item),
            ...(previousVersion === null
              ? { ConditionExpression: 'attribute_not_exists(app_instance)' }
              : { ConditionExpression: 'version = :previous', ExpressionAttributeValues: { ':previous': previousVersion } }),
          }),
          { abortSignal },
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

/** The condition failed (another call wrote first), whether or not the store call wrapped the SDK's error. */
function isConditionFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 3; current = current.cause, depth += 1) {
    if (current instanceof ConditionalCheckFailedException || current.name === 'ConditionalCheckFailedException') return true;
  }
  return false;
}
