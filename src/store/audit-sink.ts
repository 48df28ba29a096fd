import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord, AuditSink } from '../audit/record';
import type { Deadline } from '../kernel/deadline';
import { AuditWriteError } from '../kernel/errors';
import { encodeItem } from './item-codec';
import { putNewItem } from './put-new-item';

/** Keep one item well under DynamoDB's 400 KB even with many rules and long request values. */
const MAX_TRACE_ENTRIES = 100;
const MAX_DETAIL_LENGTH = 500;

const shorten = (text: string) => (text.length > MAX_DETAIL_LENGTH ? `${text.slice(0, MAX_DETAIL_LENGTH - 1)}…` : text);

/**
 * Append-only: the functions may only PutItem here, and a put never replaces an item. Written
 * through the item codec (src/store/item-codec.ts): intake field names are keys of the recorded
 * facts, and any name is kept.
 */
export class DynamoAuditSink implements AuditSink {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  async record(record: AuditRecord, at: Date, deadline: Deadline): Promise<void> {
    const iso = at.toISOString();
    const item = {
      ...record,
      trace: record.trace.slice(0, MAX_TRACE_ENTRIES).map((entry) => ({ ...entry, detail: shorten(entry.detail) })),
      at: `${iso}#${record.request_id}`,
      recorded_at: iso,
      ttl: Math.floor(at.getTime() / 1000) + this.retentionDays * 86_400,
    };
    let outcome: Awaited<ReturnType<typeof putNewItem>>;
    try {
      outcome = await putNewItem(this.client, this.tableName, encodeItem(item), 'app_id', 'writing the audit item', deadline);
    } catch (error) {
      throw new AuditWriteError('the audit item could not be written', { cause: error });
    }
    // The same item already there is this put landing twice (an SDK retry): written once, as asked.
    if (outcome.status === 'conflict') {
      throw new AuditWriteError("another audit item already holds this item's key (app_id and at); it was left as it was, and this one is not written");
    }
  }
}
