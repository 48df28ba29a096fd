/**
 * The one writer of audit items: every call's item is built here, with the call's one instant
 * (`call.at`), and here alone lives the rule that an approval nobody can later explain is not
 * given. Anything else the call did stands without its item: the failure is logged, never
 * turned into a reply that would make Lumos open a needless manual task.
 */
import type { CallContext } from '../kernel/call';
import type { Deadline } from '../kernel/deadline';
import { AuditWriteError, failureReason } from '../kernel/errors';
import { logger } from '../kernel/logger';
import type { ParsedRequest, WebhookKind } from '../lumos/payload';
import { LUMOS_RESPONSE, type Reply, replies } from '../lumos/replies';
import { type AuditRecord, type AuditSink, auditBase, type JobKind } from './record';

/** What the caller says of the call; the writer adds whose call it was, the status, the time and the latency. */
export type AuditEntry = Omit<AuditRecord, keyof ReturnType<typeof auditBase> | 'status_code' | 'latency_ms'>;

/** Writes the call's audit item and returns the reply to send: the one given, unless it approved and the item is lost. */
export async function auditCall(sink: AuditSink, kind: WebhookKind, parsed: ParsedRequest, call: CallContext, reply: Reply, entry: AuditEntry): Promise<Reply> {
  const record: AuditRecord = { ...auditBase(kind, parsed, call), ...entry, status_code: reply.statusCode, latency_ms: Date.now() - call.receivedAt };
  try {
    await sink.record(record, call.at, call.deadline);
    return reply;
  } catch (error) {
    logger.error('audit item could not be written', {
      kind,
      request_id: call.requestId,
      app_id: record.app_id,
      decision: record.decision,
      reason: failureReason(error),
      // Ours, naming what failed: the store, or another item already at the key.
      detail: error instanceof AuditWriteError ? error.message : undefined,
    });
    return entry.decision === LUMOS_RESPONSE.PREAPPROVED ? replies.notPreApproved({ reason: 'audit_unavailable' }) : reply;
  }
}

/** What a ledger job says of one grant it acted on: no payload and no reply, so the grant names whose access it was. */
export type JobEntry = Omit<AuditRecord, 'kind' | 'status_code' | 'latency_ms' | 'trace' | 'requester' | 'request_task_url'>;

/**
 * Writes the audit item of a ledger job's work on one grant (the expiry sweeper's removal, a
 * removal resolved by hand), in the same table and shape as a call's, findable by subject. Throws
 * when it cannot be written: the job decides what that costs.
 */
export async function auditJob(sink: AuditSink, kind: JobKind, entry: JobEntry, at: Date, startedAt: number, deadline: Deadline): Promise<void> {
  const record: AuditRecord = { kind, requester: null, request_task_url: null, trace: [], ...entry, latency_ms: Date.now() - startedAt };
  await sink.record(record, at, deadline);
}
