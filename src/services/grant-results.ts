/**
 * One result per permission, each failing alone (the reply they add up to:
 * src/services/result-replies.ts).
 */

import type { PermissionResult } from '../audit/record';
import { failureReason } from '../kernel/errors';
import { logger } from '../kernel/logger';

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
