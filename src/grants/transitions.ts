/**
 * The writes of a grant's lifecycle (src/grants/lifecycle.ts): each builds the item as it is to be
 * written over the one read, and checks its move against the lifecycle's transitions first. No
 * clock here: every function takes `now`.
 *
 * Nothing, `removed` or `pending_removal` → `granting` (written before the target is asked to
 * grant) → `held`; or back to what it was when the target refused, or `pending_removal` when its
 * answer never came (the grant may have been made). `held` → `revoking` (written before the
 * target is asked to remove) → `removed`, or `pending_removal` when the removal failed.
 */

import type { Entitlement } from '../provisioners/entitlement';
import type { ProvisionerSpec } from '../rules/provisioner-spec';
import { type GrantItem, grantKey, type Hold } from './grant-item';
import { holdEnd, isActive, latestEnd, requestKey } from './holds';
import { checkMove, type GrantOrigin, type GrantState, grantStateAt } from './lifecycle';

const TTL_GRACE_SECONDS = 7 * 86_400;
/** The sweeper's retries of a failed removal: 1 minute, doubling, at most an hour apart. */
export const REMOVAL_RETRY_BASE_MS = 60_000;
export const REMOVAL_RETRY_CAP_MS = 3_600_000;

/** Where a write over `item` starts: its state at `now`, or no item. */
function originOf(item: GrantItem | null, now: Date): GrantOrigin {
  return item === null ? 'absent' : grantStateAt(item, now);
}

/** `next`, once the lifecycle allows the move to its state from `over`'s. */
function moved(over: GrantItem | null, next: GrantItem, now: Date): GrantItem {
  checkMove(originOf(over, now), next.state ?? 'held');
  return next;
}

type StateOnly =
  | 'granting_until'
  | 'revoking_until'
  | 'removal_error'
  | 'removed_at'
  | 'removal_attempts'
  | 'next_attempt_at'
  | 'removal_due_at'
  | 'resolved_by'
  | 'resolved_reason';
type ItemBase = Omit<GrantItem, 'expires_at' | 'ttl' | StateOnly>;

/** The item without the attributes that belong to one state only, or are recomputed on each write. */
function baseOf(item: GrantItem): ItemBase {
  const {
    expires_at: _expires,
    ttl: _ttl,
    granting_until: _granting,
    revoking_until: _revoking,
    removal_error: _error,
    removed_at: _removed,
    removal_attempts: _attempts,
    next_attempt_at: _next,
    removal_due_at: _due,
    resolved_by: _by,
    resolved_reason: _reason,
    ...base
  } = item;
  return base;
}

/**
 * Since when the access should be gone: kept from an earlier removal; else the grant's expiry
 * when it has passed (the sweeper's case), else now (a deprovisioning, or a grant's lost answer).
 */
function removalDueAt(item: GrantItem, now: Date): string {
  if (item.removal_due_at !== undefined) return item.removal_due_at;
  if (item.expires_at !== null && Date.parse(item.expires_at) <= now.getTime()) return item.expires_at;
  return now.toISOString();
}

/** When a removal that failed `attempts` times is tried again: 1 minute, doubling, at most an hour. */
export function nextRemovalAttempt(attempts: number, now: Date): string {
  const delay = Math.min(REMOVAL_RETRY_CAP_MS, REMOVAL_RETRY_BASE_MS * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
  return new Date(now.getTime() + delay).toISOString();
}

const ttlAfter = (iso: string): number => Math.floor(Date.parse(iso) / 1000) + TTL_GRACE_SECONDS;

/**
 * Recomputes `expires_at` from the holds. No TTL while held, whatever the provisioner: the access
 * (or, for a `ledger` grant, the item itself) is gone only once a removal is confirmed and
 * audited, by deprovisioning or the expiry sweeper; `asRemoved` sets the TTL then.
 */
function withExpiry(item: ItemBase): GrantItem {
  return { ...item, expires_at: latestEnd(item.holds) };
}

/**
 * The grant with this request's hold added, in state `held`. From nothing or `removed`: a new
 * grant by this rule and provisioner (the version continues the removed item's, so the write is
 * conditional on it). From `held`: one more hold; the first rule and provisioner stay. From
 * `pending_removal` (an expired `granting`/`revoking` included): held again by this request
 * alone, the recorded provisioner kept (the caller grants through it first: the access may or
 * may not still exist). A live `granting`/`revoking` is never passed: callers wait for it.
 */
export function withHold(existing: GrantItem | null, entitlement: Entitlement, ruleId: string, provisioner: ProvisionerSpec, now: Date): GrantItem {
  const at = now.toISOString();
  const hold: Hold = { granted_at: at, expires_at: holdEnd(now, entitlement.access_length), request_task_url: entitlement.request_task_url };
  const holds = { [requestKey(entitlement)]: hold };
  const state = originOf(existing, now);
  if (existing === null || state === 'removed') {
    const fresh = withExpiry({
      ...grantKey(entitlement),
      app_id: entitlement.app.id,
      instance_id: entitlement.app.instance_id,
      email: entitlement.person.email,
      permission: entitlement.permission.value,
      permission_label: entitlement.permission.label,
      granted_at: at,
      state: 'held',
      holds,
      rule_id: ruleId,
      provisioner,
      version: (existing?.version ?? 0) + 1,
      updated_at: at,
    });
    return moved(existing, fresh, now);
  }
  const kept = state === 'held';
  return moved(
    existing,
    withExpiry({
      ...baseOf(existing),
      state: 'held',
      granted_at: kept ? existing.granted_at : at,
      holds: kept ? { ...existing.holds, ...holds } : holds,
      version: existing.version + 1,
      updated_at: at,
    }),
    now,
  );
}

/**
 * Releases a request's hold. With no request named, or when no active hold remains, the
 * access goes (`remove`); otherwise the grant stays with the other holds.
 */
export function withoutHold(item: GrantItem, request: string | null, now: Date): { remove: true } | { remove: false; item: GrantItem } {
  if (request === null) return { remove: true };
  const holds = Object.fromEntries(Object.entries(item.holds).filter(([key]) => key !== request));
  if (!Object.values(holds).some((hold) => isActive(hold, now))) return { remove: true };
  const kept = withExpiry({ ...baseOf(item), state: 'held', holds, version: item.version + 1, updated_at: now.toISOString() });
  return { remove: false, item: moved(item, kept, now) };
}

/**
 * Written before the target is asked to remove the access: no hold is left, and until
 * `until` other calls wait for the outcome. No TTL: the access is not gone yet.
 */
export function asRevoking(item: GrantItem, until: Date, now: Date): GrantItem {
  return moved(
    item,
    {
      ...baseOf(item),
      state: 'revoking',
      revoking_until: until.toISOString(),
      removal_due_at: removalDueAt(item, now),
      ...(item.removal_attempts === undefined ? {} : { removal_attempts: item.removal_attempts }),
      expires_at: item.expires_at,
      holds: {},
      version: item.version + 1,
      updated_at: now.toISOString(),
    },
    now,
  );
}

/** The target confirmed the access gone: kept as a tombstone (for the version) until its TTL. */
export function asRemoved(item: GrantItem, now: Date): GrantItem {
  const at = now.toISOString();
  return moved(
    item,
    { ...baseOf(item), state: 'removed', removed_at: at, expires_at: at, ttl: ttlAfter(at), holds: {}, version: item.version + 1, updated_at: at },
    now,
  );
}

/**
 * A pending removal closed by hand: an admin removed the access some other way and says who and
 * why. Removed from then on, like a removal the target confirmed.
 */
export function asResolvedByHand(item: GrantItem, by: string, reason: string, now: Date): GrantItem {
  return { ...asRemoved(item, now), resolved_by: by, resolved_reason: reason };
}

/**
 * The access may exist and nobody is granting it: a removal failed, or a grant's answer never
 * came (it may have been made). No TTL; the expiry sweeper removes it from `next_attempt_at`
 * (backing off with each failed attempt), or the next deprovisioning does first.
 */
export function asPendingRemoval(item: GrantItem, error: string, now: Date): GrantItem {
  const attempts = (item.removal_attempts ?? 0) + 1;
  return moved(
    item,
    {
      ...baseOf(item),
      state: 'pending_removal',
      removal_error: error,
      removal_attempts: attempts,
      next_attempt_at: nextRemovalAttempt(attempts, now),
      removal_due_at: removalDueAt(item, now),
      expires_at: item.expires_at,
      holds: {},
      version: item.version + 1,
      updated_at: now.toISOString(),
    },
    now,
  );
}

/**
 * Written over `over` (null: nothing yet) before the target is asked to grant: `next` is the grant
 * as it will stand once the target confirms (from `withHold`, or a held grant being granted
 * again), its holds kept so a reader sees who asked. Until `until` other calls wait for the
 * outcome; after it the mark reads as `pending_removal`. No TTL: the access may come to exist
 * while nothing else records it.
 */
export function asGranting(next: GrantItem, over: GrantItem | null, until: Date, now: Date): GrantItem {
  return moved(
    over,
    { ...baseOf(next), state: 'granting', granting_until: until.toISOString(), expires_at: next.expires_at, updated_at: now.toISOString() },
    now,
  );
}

/** The target confirmed the grant: held by the holds the mark carried, expiry and TTL recomputed. */
export function asHeld(granting: GrantItem, now: Date): GrantItem {
  return moved(granting, withExpiry({ ...baseOf(granting), state: 'held', version: granting.version + 1, updated_at: now.toISOString() }), now);
}

/**
 * The target refused the grant (it answered, so nothing was granted): the item as it was before
 * the mark, one version on. Nothing before is kept as `removed` with a TTL (the next grant's
 * write is then conditional on it); `removed` comes back as it was; anything else was a pending
 * removal (the access may exist from before) and stays one.
 */
export function asGrantRefused(granting: GrantItem, previous: GrantItem | null, now: Date): GrantItem {
  if (previous === null) return asRemoved(granting, now);
  if (previous.state === 'removed') return moved(granting, { ...previous, version: granting.version + 1, updated_at: now.toISOString() }, now);
  // The earlier removal's attempts and due time carry on: it is the same removal, still owed.
  const owed = {
    ...granting,
    ...(previous.removal_attempts === undefined ? {} : { removal_attempts: previous.removal_attempts }),
    ...(previous.removal_due_at === undefined ? {} : { removal_due_at: previous.removal_due_at }),
  };
  return asPendingRemoval(owed, previous.removal_error ?? unfinished(previous.state), now);
}

function unfinished(state: GrantState | undefined): string {
  return state === 'granting' ? 'an earlier grant did not record its outcome in time' : 'an earlier removal did not record its outcome in time';
}
