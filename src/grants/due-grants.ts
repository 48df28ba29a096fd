import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Deadline } from '../kernel/deadline';
import { queryItemPages } from '../store/item-reads';
import { DUE_AT_ATTRIBUTE, DUE_INDEX, dueBuckets } from './due-index';
import { type GrantItem, type GrantKey, readGrant } from './grant-item';

/**
 * One grant the index has due: the grant as the index holds it, or, when its item does not read
 * as a grant, its key, why, and the time the index has it due (so it still counts as overdue).
 */
export type DueEntry = { grant: GrantItem } | UnreadableDue;

export interface UnreadableDue {
  key: GrantKey;
  problem: string;
  due_at: string;
}

/**
 * What the expiry sweeper (and `lumos-state grants`) reads: the grants due by `now`, from the
 * grants table's sparse `due` index (src/grants/due-index.ts). Apart from the ledger, so the
 * webhook functions, which never read the index, do not bundle it. Read through the item codec,
 * as the ledger is: every hold, whatever its task URL.
 */
export interface DueGrants {
  /** Page by page, earliest due first per bucket, as the index has them (eventually consistent): read each again before acting on it. */
  due(now: Date, deadline: Deadline): AsyncIterable<DueEntry[]>;
}

export class DynamoDueGrants implements DueGrants {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async *due(now: Date, deadline: Deadline): AsyncGenerator<DueEntry[]> {
    for (const bucket of dueBuckets()) {
      const query = {
        TableName: this.tableName,
        IndexName: DUE_INDEX,
        KeyConditionExpression: 'due_bucket = :bucket AND due_at <= :now',
        ExpressionAttributeValues: { ':bucket': bucket, ':now': now.toISOString() },
      };
      for await (const page of queryItemPages(this.client, query, 'reading the grants due', deadline)) {
        if (page.length === 0) continue;
        yield page.map((item): DueEntry => {
          const read = readGrant(item);
          if (read.ok) return { grant: read.grant };
          const dueAt = item[DUE_AT_ATTRIBUTE];
          return { key: read.key, problem: read.problem, due_at: typeof dueAt === 'string' ? dueAt : '' };
        });
      }
    }
  }
}
