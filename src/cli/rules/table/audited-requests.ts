/** The audited calls of one request (its Lumos task URL), for `explain --request`. */
import { type AuditedCall, readAuditedCall } from '../../../audit/audited-call';
import { tableError } from '../../shared/table-error';
import type { RulesTables } from './rules-tables';
import { scanItemPages } from './scan-items';

/** A scan: the audit is keyed by app and time, and a task URL names no app; explain is rare and interactive. */
export async function auditedCallsOf(db: RulesTables, auditTable: string, taskUrl: string): Promise<AuditedCall[]> {
  const calls: AuditedCall[] = [];
  try {
    const input = { TableName: auditTable, FilterExpression: 'request_task_url = :url', ExpressionAttributeValues: { ':url': taskUrl } };
    for await (const page of scanItemPages(db.documents, input)) {
      for (const item of page.items) {
        const call = readAuditedCall(item);
        if (call.ok) calls.push(call.call);
      }
    }
  } catch (error) {
    throw tableError(error, `reading the audit table ${auditTable}`, db.where);
  }
  return calls.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}
