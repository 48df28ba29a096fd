import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Deadline } from '../kernel/deadline';
import { conditionalWrite } from '../store/condition-failure';
import { encodeItem } from '../store/item-codec';
import { getItem, queryItems } from '../store/item-reads';
import { withDueAttributes } from './due-index';
import { type GrantItem, type GrantKey, readableGrant, readGrant } from './grant-item';
import { storedProvisioner } from './recorded-provisioner';

/** A permission the ledger records for a person: its value and, when the item says, its label. */
export interface RecordedPermission {
  value: string;
  label: string | null;
}

/**
 * The entitlement ledger. Every write is a put conditional on the version read, so concurrent
 * calls never lose a hold and a state change (granting → held, held → revoking → removed /
 * pending_removal) is the lock that orders calls to the target system. Items are never deleted here: a removed
 * grant stays as a tombstone (until its TTL) so the next grant's write is conditional on it too.
 * Holds are keyed by task URL, an outside value: items go through the item codec
 * (src/store/item-codec.ts), which keeps every key, `__proto__` and `constructor` included, and
 * every item read is parsed as a grant (src/grants/grant-item.ts).
 */
export interface GrantLedger {
  /** Throws an `UnreadableGrantError` when the item there is not a readable grant. */
  get(key: GrantKey, deadline: Deadline): Promise<GrantItem | null>;
  /**
   * The permissions of one person in one app instance that may be granted: `removed` ones left
   * out (a `granting` one is in: it may exist), and an unreadable item in too, named by its key,
   * so its permission fails alone rather than being passed over.
   */
  permissionsOf(appInstance: string, email: string, deadline: Deadline): Promise<RecordedPermission[]>;
  /** `previousVersion` null: create only if absent. Resolves false when someone else wrote first. */
  save(item: GrantItem, previousVersion: number | null, deadline: Deadline): Promise<boolean>;
}

/** The item's attributes as the table holds them: its index attributes from the item as it is now, the provisioner as recorded. */
export function storedGrant(item: GrantItem): Record<string, unknown> {
  return { ...withDueAttributes(item), provisioner: storedProvisioner(item.provisioner) };
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
    return item === null ? null : readableGrant(item);
  }

  async permissionsOf(appInstance: string, email: string, deadline: Deadline): Promise<RecordedPermission[]> {
    const prefix = `${email}#`;
    const items = await queryItems(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'app_instance = :app AND begins_with(subject_permission, :person)',
        ExpressionAttributeValues: { ':app': appInstance, ':person': prefix },
        ConsistentRead: true,
      },
      'reading the grants ledger',
      deadline,
    );
    return items.flatMap((item): RecordedPermission[] => {
      const read = readGrant(item);
      if (!read.ok) return [{ value: read.key.subject_permission.slice(prefix.length), label: null }];
      return read.grant.state === 'removed' ? [] : [{ value: read.grant.permission, label: read.grant.permission_label }];
    });
  }

  async save(item: GrantItem, previousVersion: number | null, deadline: Deadline): Promise<boolean> {
    // The index attributes follow from the item on every write, so the sweeper's index never goes stale.
    const encoded = encodeItem(storedGrant(item));
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
