/**
 * One result per permission, and the one reply they add up to: success only if every
 * permission succeeded; otherwise a message listing what succeeded and what failed, so an
 * admin's re-run (idempotent) finishes the rest.
 */

import type { PermissionResult } from '../audit/record';
import type { AuditEntry } from '../audit/writer';
import { APP_ITSELF } from '../grants/grant-item';
import { failureReason } from '../kernel/errors';
import { logger } from '../kernel/logger';
import { type Reply, replies } from '../lumos/replies';
import type { RuleTrace } from '../rules/trace';

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
    logger.error('a permission could not be completed', {
      kind,
      permission: base.permission,
      reason,
      error: error instanceof Error ? error.name : typeof error,
    });
    return { ...base, status: 'failed', detail: `could not run (${reason})`, reason };
  }
}

/** How a permission is named in a message: an app-level grant has none. */
const named = (permission: string) => (permission === APP_ITSELF ? 'the app itself' : permission);
const label = (results: PermissionResult[]) => results.map((result) => named(result.permission)).join(', ');

export function provisioningReply(results: PermissionResult[], appLabel: string): Reply {
  const failed = results.filter((result) => result.status === 'failed');
  const uncovered = results.filter((result) => result.status === 'no_rule');
  const done = results.filter((result) => result.status !== 'failed' && result.status !== 'no_rule');
  const doneNote = done.length > 0 ? ` Done: ${label(done)}.` : '';
  if (failed.length > 0) {
    const why = failed.map((result) => `${named(result.permission)} (${result.detail})`).join('; ');
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
  const why = failed.map((result) => `${named(result.permission)} (${result.detail})`).join('; ');
  return replies.deprovisioningFailed(`Deprovisioning failed for ${why}.${done.length > 0 ? ` Done: ${label(done)}.` : ''}`);
}

/** The audit entry of a (de)provisioning call: what happened to each permission. */
export function outcomeEntry(kind: 'provisioning' | 'deprovisioning', reply: Reply, results: PermissionResult[], trace: RuleTrace[]): AuditEntry {
  const response = reply.body?.response;
  return {
    decision: typeof response === 'string' ? response : kind === 'provisioning' ? 'PROVISIONED' : 'DEPROVISIONED',
    reason: results.map((result) => `${named(result.permission)}: ${result.status}`).join('; ') || 'nothing to do',
    ...(typeof reply.body?.message === 'string' ? { message: reply.body.message } : {}),
    results,
    trace,
  };
}
