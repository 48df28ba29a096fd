import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Deadline } from '../kernel/deadline';
import { conditionalWrite } from '../store/condition-failure';
import { encodeItem } from '../store/item-codec';
import { getItem, queryItems } from '../store/item-reads';
import { withDueAttributes } from './due-index';
import type { GrantItem, GrantKey } from './grant-item';

/**
 * The entitlement ledger. Every write is a put conditional on the version read, so concurrent
 * calls never lose a hold and a state change (granting → held, held → revoking → removed /
 * pending_removal) is the lock that orders calls to the target system. Items are never deleted here: a removed
 * grant stays as a tombstone (until its TTL) so the next grant's write is conditional on it too.
 * Holds are keyed by task URL, an outside value: items go through the item codec
 * (src/store/item-codec.ts), which keeps every key, `__proto__` and `constructor` included.
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
    const item = await getItem(
      this.client,
      this.tableName,
      { app_instance: key.app_instance, subject_permission: key.subject_permission },
      'reading the grants ledger',
      deadline,
    );
    return item as GrantItem | null;
  }

  async ofSubject(appInstance: string, email: string, deadline: Deadline): Promise<GrantItem[]> {
    const items = await queryItems(
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
    // The index attributes follow from the item on every write, so the sweeper's index never goes stale.
    const encoded = encodeItem(withDueAttributes(item));
    return conditionalWrite('writing the grants ledger', deadline, (abortSignal) =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: encoded,
          ...(previousVersion === null
            ? { ConditionExpression: 'attribute_not_exists(app_instance)' }
            : { ConditionExpression: 'version = :previous', ExpressionAttributeValues: encodeItem({ ':previous': previousVersion }) }),
        }),
        { abortSignal },
      ),
    );
  }
}
