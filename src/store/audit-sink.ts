import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord, AuditSink } from '../audit/record';
import type { Deadline } from '../kernel/deadline';
import { AuditWriteError } from '../kernel/errors';
import { storeCall } from './call';

/** Keep one item well under DynamoDB's 400 KB even with many rules and long request values. */
const MAX_TRACE_ENTRIES = 100;
const MAX_DETAIL_LENGTH = 500;

const shorten = (text: string) => (text.length > MAX_DETAIL_LENGTH ? `${text.slice(0, MAX_DETAIL_LENGTH - 1)}…` : text);

/** Append-only: the functions may only PutItem here. */
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
    try {
      await storeCall('writing the audit item', deadline, (abortSignal) =>
        this.client.send(new PutCommand({ TableName: this.tableName, Item: item }), { abortSignal }),
      );
    } catch (error) {
      throw new AuditWriteError('the audit item could not be written', { cause: error });
    }
  }
}
