/**
 * One result per permission, and the one reply they add up to: success only if every
 * permission succeeded; otherwise a message listing what succeeded and what failed, so an
 * admin's re-run (idempotent) finishes the rest.
 */
import { auditBase, failureReason, type CallContext } from '../http/pipeline';
import type { ParsedRequest } from '../lumos/payload';
import { replies, type Reply } from '../lumos/replies';
import type { RuleTrace } from '../rules/pre-approval';
import { logger } from '../runtime/logger';
import type { FailureReason } from '../runtime/metrics';
import type { AuditSink } from '../store/audit-sink';

export type PermissionStatus =
  | 'granted'
  | 'already_granted'
  | 'hold_added'
  | 'removed'
  | 'hold_released'
  | 'not_granted'
  | 'no_rule'
  | 'failed';

export interface PermissionResult {
  permission: string;
  status: PermissionStatus;
  rule_id?: string;
  provisioner?: string;
  /** For `failed` and `no_rule`: why, naming the target system; for the others: what happened. */
  detail: string;
  /** `failed` only, when the work could not run for a cause of ours (the store, the deadline) rather than the target's: counted as that, not as a target failure. */
  reason?: FailureReason;
}

/**
 * One permission's work, failing alone: an error it throws (the store down, the deadline
 * passed) becomes its own `failed` result, so the other permissions' results, and what they did
 * at their targets, are never lost with it. Any `granting`/`revoking` mark it left expires into a
 * pending removal.
 */
export async function failingAlone(
  kind: 'provisioning' | 'deprovisioning',
  base: Omit<PermissionResult, 'status' | 'detail'>,
  work: () => Promise<PermissionResult>,
): Promise<PermissionResult> {
  try {
    return await work();
  } catch (error) {
    const reason = failureReason(error);
    logger.error('a permission could not be completed', { kind, permission: base.permission, reason, error: error instanceof Error ? error.name : typeof error });
    return { ...base, status: 'failed', detail: `could not run (${reason})`, reason };
  }
}

const label = (results: PermissionResult[]) => results.map((result) => result.permission).join(', ');

export function provisioningReply(results: PermissionResult[], appLabel: string): Reply {
  const failed = results.filter((result) => result.status === 'failed');
  const uncovered = results.filter((result) => result.status === 'no_rule');
  const done = results.filter((result) => result.status !== 'failed' && result.status !== 'no_rule');
  const doneNote = done.length > 0 ? ` Done: ${label(done)}.` : '';
  if (failed.length > 0) {
    const why = failed.map((result) => `${result.permission} (${result.detail})`).join('; ');
    const rest = uncovered.length > 0 ? ` No rule covers: ${label(uncovered)}.` : '';
    return replies.provisioningFailed(`Provisioning failed for ${why}.${doneNote}${rest}`);
  }
  if (uncovered.length > 0) {
    return replies.noProvisioningAction(`No provisioning rule covers ${label(uncovered)} in ${appLabel}; it needs to be provisioned by hand.${doneNote}`);
  }
  return replies.provisioned();
}

export function deprovisioningReply(results: PermissionResult[]): Reply {
  const failed = results.filter((result) => result.status === 'failed');
  if (failed.length === 0) return replies.deprovisioned();
  const done = results.filter((result) => result.status !== 'failed');
  const why = failed.map((result) => `${result.permission} (${result.detail})`).join('; ');
  return replies.deprovisioningFailed(`Deprovisioning failed for ${why}.${done.length > 0 ? ` Done: ${label(done)}.` : ''}`);
}

/**
 * The audit item of a (de)provisioning call. What was done is done: an unwritten audit item is
 * logged, never turned into a failure reply that would make Lumos open a needless manual task.
 */
export async function recordOutcome(
  audit: AuditSink,
  kind: 'provisioning' | 'deprovisioning',
  parsed: ParsedRequest,
  call: CallContext,
  reply: Reply,
  results: PermissionResult[],
  trace: RuleTrace[],
  at: Date,
): Promise<void> {
  const response = reply.body?.response;
  const record = {
    ...auditBase(kind, parsed, call),
    decision: typeof response === 'string' ? response : kind === 'provisioning' ? 'PROVISIONED' : 'DEPROVISIONED',
    status_code: reply.statusCode,
    reason: results.map((result) => `${result.permission}: ${result.status}`).join('; ') || 'nothing to do',
    ...(typeof reply.body?.message === 'string' ? { message: reply.body.message } : {}),
    results,
    trace,
    latency_ms: Date.now() - call.receivedAt,
  };
  try {
    await audit.record(record, at, call.deadline);
  } catch {
    logger.error('audit item could not be written', { kind, app_id: record.app_id, decision: record.decision });
  }
}
