/**
 * The requests that hold a grant, and what they add up to. Access is removed only when no
 * still-active hold remains, so ending one request never ends access another one still grants.
 * No clock here: every function takes `now`.
 */
import type { Entitlement } from '../provisioners/entitlement';
import type { GrantItem, Hold } from './grant-item';
import { grantStateAt } from './lifecycle';

export const UNNAMED_REQUEST = '(no request named)';
/** The last instant whose ISO form has a four-digit year, so ISO strings still compare as text. */
const LATEST_ISO_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** The key of this request's hold. */
export function requestKey(entitlement: Pick<Entitlement, 'request_task_url'>): string {
  return entitlement.request_task_url ?? UNNAMED_REQUEST;
}

export function isActive(hold: Hold, now: Date): boolean {
  return hold.expires_at === null || Date.parse(hold.expires_at) > now.getTime();
}

/**
 * When a hold of `accessLength` seconds from `now` ends. Never throws: a length too large for a
 * date is capped at the year 9999, and a non-finite one is unlimited (the schema bounds it anyway).
 */
export function holdEnd(now: Date, accessLength: number | null): string | null {
  if (accessLength === null || !Number.isFinite(accessLength)) return null;
  return new Date(Math.max(now.getTime(), Math.min(LATEST_ISO_MS, now.getTime() + accessLength * 1000))).toISOString();
}

/** When the last of the holds ends: null while any is unlimited, or when there are none. */
export function latestEnd(holds: Record<string, Hold>): string | null {
  const ends = Object.values(holds).map((hold) => hold.expires_at);
  if (ends.length === 0) return null;
  let latest = '';
  for (const end of ends) {
    if (end === null) return null;
    // ISO-8601 UTC times compare as text: the latest is the greatest string.
    if (end > latest) latest = end;
  }
  return latest;
}

/**
 * Does the person hold the permission now, as far as the ledger knows? `removed` is absent;
 * `granting`, `revoking` and `pending_removal` count (the access may exist in the target);
 * `held` counts while some hold is active.
 */
export function holdsAccess(item: GrantItem | null, now: Date): boolean {
  if (item === null) return false;
  const state = grantStateAt(item, now);
  if (state === 'removed') return false;
  if (state !== 'held') return true;
  return Object.values(item.holds).some((hold) => isActive(hold, now));
}
