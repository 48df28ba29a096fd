/**
 * The audited calls of the last days, read for a replay: a parallel scan of the audit table
 * filtered on the call's time, without the traces (the replay makes its own), reporting progress
 * as pages arrive. An item that is not an audited call is counted, never guessed at.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { type AuditedCall, readAuditedCall } from '../../../audit/audited-call';
import { JOB_KINDS } from '../../../audit/record';
import { tableError } from '../../shared/table-error';
import type { RulesTables } from './rules-tables';
import { scanItemPages } from './scan-items';

/** What a replay reads of an item (everything `readAuditedCall` checks). */
const ATTRIBUTES = ['kind', 'app_id', 'at', 'subject', 'requester', 'permissions', 'decision', 'rule_id', 'results', 'facts', 'request_task_url', 'request_id'];
const SEGMENTS = 4;

export interface AuditRead {
  calls: AuditedCall[];
  unreadable: number;
}

export interface AuditProgress {
  /** Items read so far; `estimate` is DynamoDB's approximate item count of the whole table. */
  onStart?(estimate: number | undefined): void;
  onPage?(read: number): void;
}

export async function readAuditedCalls(db: RulesTables, auditTable: string, since: Date, progress: AuditProgress = {}): Promise<AuditRead> {
  const what = `reading the audit table ${auditTable}`;
  try {
    const { Table } = await db.documents.send(new DescribeTableCommand({ TableName: auditTable }));
    progress.onStart?.(Table?.ItemCount);
    const read: AuditRead = { calls: [], unreadable: 0 };
    let scanned = 0;
    const names = Object.fromEntries(ATTRIBUTES.map((attribute, index) => [`#a${index}`, attribute]));
    // One segment failing stops the others: the command reports the failure and ends, not after the whole table.
    const stop = new AbortController();
    await Promise.all(
      Array.from({ length: SEGMENTS }, async (_, segment) => {
        const input = {
          TableName: auditTable,
          Segment: segment,
          TotalSegments: SEGMENTS,
          FilterExpression: 'recorded_at >= :since',
          ProjectionExpression: Object.keys(names).join(', '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':since': since.toISOString() },
        };
        try {
          for await (const page of scanItemPages(db.documents, input, stop.signal)) {
            for (const item of page.items) {
              // A ledger job's item (the expiry sweeper, a removal resolved by hand) is no call to replay.
              if ((JOB_KINDS as readonly unknown[]).includes(item.kind)) continue;
              const call = readAuditedCall(item);
              if (call.ok) read.calls.push(call.call);
              else read.unreadable += 1;
            }
            scanned += page.scanned;
            progress.onPage?.(scanned);
          }
        } catch (error) {
          stop.abort();
          throw error;
        }
      }),
    );
    return read;
  } catch (error) {
    throw tableError(error, what, db.where);
  }
}
