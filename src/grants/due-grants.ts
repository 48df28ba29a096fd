import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Deadline } from '../kernel/deadline';
import { queryItemPages } from '../store/item-reads';
import { DUE_INDEX, dueBuckets } from './due-index';
import type { GrantItem } from './grant-item';

/**
 * What the expiry sweeper (and `lumos-state grants`) reads: the grants due by `now`, from the
 * grants table's sparse `due` index (src/grants/due-index.ts). Apart from the ledger, so the
 * webhook functions, which never read the index, do not bundle it. Read through the item codec,
 * as the ledger is: every hold, whatever its task URL.
 */
export interface DueGrants {
  /** Page by page, earliest due first per bucket, as the index has them (eventually consistent): read each again before acting on it. */
  due(now: Date, deadline: Deadline): AsyncIterable<GrantItem[]>;
}

export class DynamoDueGrants implements DueGrants {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async *due(now: Date, deadline: Deadline): AsyncGenerator<GrantItem[]> {
    for (const bucket of dueBuckets()) {
      const query = {
        TableName: this.tableName,
        IndexName: DUE_INDEX,
        KeyConditionExpression: 'due_bucket = :bucket AND due_at <= :now',
        ExpressionAttributeValues: { ':bucket': bucket, ':now': now.toISOString() },
      };
      for await (const page of queryItemPages(this.client, query, 'reading the grants due', deadline)) {
        if (page.length > 0) yield page as unknown as GrantItem[];
      }
    }
  }
}
