import { Deadline } from '../runtime/deadline';

/** Kept back from a target-system call so its outcome can still be written to the ledger and answered. */
export const LEDGER_WRITE_RESERVE_MS = 750;

/**
 * The deadline for one call to a target system: the call's own, less the reserve. A target
 * that takes all of its time then still leaves room to record what happened, rather than
 * leaving a grant made but unrecorded, or a removal made but still marked in progress.
 */
export function targetDeadline(deadline: Deadline): Deadline {
  return new Deadline(Math.max(0, deadline.remainingMs() - LEDGER_WRITE_RESERVE_MS));
}
