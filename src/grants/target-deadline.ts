import { Deadline } from '../kernel/deadline';
import { DeadlineExceededError } from '../kernel/errors';
import type { ProvisionerOutcome } from '../provisioners/provisioner';
import type { ProvisionerSpec } from '../rules/provisioner-spec';
import { type RecordedProvisioner, recordedProvisionerName, UNREADABLE_PROVISIONER } from './recorded-provisioner';

/** Kept back from a target-system call so its outcome can still be written to the ledger and answered. */
export const LEDGER_WRITE_RESERVE_MS = 750;

/**
 * How long past this call's deadline a `granting` or `revoking` mark holds others off: by the
 * deadline our target call has been abandoned and our last write made; the grace covers a target
 * still finishing the request and clocks of other containers a little apart.
 */
export const MARK_GRACE_MS = 2_000;

/**
 * The deadline for one call to a target system: the call's own, less the reserve. A target
 * that takes all of its time then still leaves room to record what happened, rather than
 * leaving a grant made but unrecorded, or a removal made but still marked in progress.
 */
export function targetDeadline(deadline: Deadline): Deadline {
  return new Deadline(Math.max(0, deadline.remainingMs() - LEDGER_WRITE_RESERVE_MS));
}

/** Whether a target call could still be made: checked before a mark is written, so none is written for nothing. */
export function hasTargetTime(deadline: Deadline): boolean {
  return deadline.remainingMs() > LEDGER_WRITE_RESERVE_MS;
}

/** Until when a mark written now holds other calls off. */
export function markUntil(deadline: Deadline, now: Date): Date {
  return new Date(now.getTime() + deadline.remainingMs() + MARK_GRACE_MS);
}

/**
 * One call to a target system inside `targetDeadline`, through the provisioner recorded on the
 * grant. No time left is thrown before anything is sent, so it becomes a failure that changed
 * nothing rather than an error that ends the call; an unreadable provisioner is never called
 * (the failure says what an admin does about it).
 */
export async function atTarget(
  recorded: RecordedProvisioner,
  deadline: Deadline,
  call: (spec: ProvisionerSpec, deadline: Deadline) => Promise<ProvisionerOutcome>,
): Promise<ProvisionerOutcome> {
  if (recorded.type === 'unreadable') return { ok: false, message: UNREADABLE_PROVISIONER };
  try {
    return await call(recorded, targetDeadline(deadline));
  } catch (error) {
    if (error instanceof DeadlineExceededError) return { ok: false, message: `${recordedProvisionerName(recorded)}: not called, no time left` };
    throw error;
  }
}
