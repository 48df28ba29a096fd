/**
 * A grant's lifecycle in the ledger, as one state machine (docs/provisioning.md, "The grants
 * ledger"): its states, the moves allowed between them, and the state an item is in at a given
 * time. The ledger is the lock: nothing calls a target system without first writing `granting` or
 * `revoking` by a version-checked write, so no access exists at a target without a record that
 * may say so. Every write of the lifecycle (src/grants/transitions.ts) checks its move here.
 */
import { WebhookError } from '../kernel/errors';

export const GRANT_STATES = ['held', 'granting', 'revoking', 'pending_removal', 'removed'] as const;
export type GrantState = (typeof GRANT_STATES)[number];

/** Where a move starts: a grant's state, or no item at all. */
export type GrantOrigin = GrantState | 'absent';

/**
 * The moves, from the state an item is in when it is written over (`grantStateAt` at the write's
 * time, so a `granting` or `revoking` past its time moves as the `pending_removal` it reads as).
 */
export const GRANT_TRANSITIONS: Readonly<Record<GrantOrigin, readonly GrantState[]>> = {
  // A first grant: `granting` before its target is called, or `held` at once when the item is the access (`ledger`).
  absent: ['granting', 'held'],
  // Another hold added or one released; granted again after a late removal; a removal begun; one that could not begin left to the sweeper.
  held: ['held', 'granting', 'revoking', 'pending_removal'],
  // The target confirmed (`held`), refused (back to `removed` or `pending_removal`), or never answered (`pending_removal`).
  granting: ['held', 'removed', 'pending_removal'],
  // The target confirmed the access gone, or the removal failed.
  revoking: ['removed', 'pending_removal'],
  // Held again by a new request, granted again, removed again (by a deprovisioning, the sweeper, or by hand), or failed again.
  pending_removal: ['held', 'granting', 'revoking', 'pending_removal', 'removed'],
  // A new grant over the tombstone (its version continues); or a removal that raced a late grant and may not have taken.
  removed: ['held', 'granting', 'pending_removal'],
};

export function canMove(from: GrantOrigin, to: GrantState): boolean {
  return GRANT_TRANSITIONS[from].includes(to);
}

/** A write the lifecycle does not allow: a caller skipped a step (a bug), so nothing is written. */
export class GrantTransitionError extends WebhookError {
  override name = 'GrantTransitionError';

  constructor(
    readonly from: GrantOrigin,
    readonly to: GrantState,
  ) {
    super(`a grant cannot move from ${from} to ${to}`);
  }
}

/** Throws unless the lifecycle allows `from` → `to`. */
export function checkMove(from: GrantOrigin, to: GrantState): void {
  if (!canMove(from, to)) throw new GrantTransitionError(from, to);
}

/** What the state of an item is told from: its recorded state and the times its marks run out. */
export interface StateMarks {
  /** Absent on items written before states existed: those read as `held`. */
  state?: GrantState;
  granting_until?: string;
  revoking_until?: string;
}

/**
 * The state an item is in at `now`, as readers must take it: none recorded is `held`; a
 * `granting` or `revoking` past its time is `pending_removal` (the call that marked it is gone,
 * and the access may exist).
 */
export function grantStateAt(item: StateMarks, now: Date): GrantState {
  const state = item.state ?? 'held';
  if (state === 'granting') return isLive(item.granting_until, now) ? 'granting' : 'pending_removal';
  if (state === 'revoking') return isLive(item.revoking_until, now) ? 'revoking' : 'pending_removal';
  return state;
}

/** An unreadable deadline cannot prove anyone is still at work: taken as abandoned. */
function isLive(until: string | undefined, now: Date): boolean {
  const end = until === undefined ? Number.NaN : Date.parse(until);
  return Number.isFinite(end) && end > now.getTime();
}
