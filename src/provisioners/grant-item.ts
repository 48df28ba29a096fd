/**
 * The ledger item for one (app instance, person, permission), the pure arithmetic of the
 * requests that hold it, and its lifecycle (README "The grants ledger"). Access is removed
 * only when no still-active hold remains, so ending one request never ends access another
 * one still grants. No clock here: every function takes `now`.
 *
 * Lifecycle: `held` → `revoking` (written before the target is called) → `removed`, or
 * `pending_removal` when the target call failed. A `revoking` past `revoking_until` (its
 * deprovisioner is gone) reads as `pending_removal`. The ledger is the lock: nothing removes
 * access at the target without first moving the item out of `held` by a version-checked write.
 */
import type { ProvisionerSpec } from './provisioner-spec';
import type { GrantTarget } from './provisioner';

export interface Hold {
  granted_at: string;
  /** ISO time the hold ends; null = unlimited. */
  expires_at: string | null;
  request_task_url: string | null;
}

export type GrantState = 'held' | 'revoking' | 'pending_removal' | 'removed';

export interface GrantItem {
  /** `instance_id` when Lumos sends one, else `app_id`. */
  app_instance: string;
  /** `<email>#<permission value>` */
  subject_permission: string;
  app_id: string;
  instance_id: string | null;
  email: string;
  permission: string;
  permission_label: string | null;
  granted_at: string;
  /** Absent on items written before states existed: those read as `held`. */
  state?: GrantState;
  /** `revoking` only: after this ISO time the deprovisioner is presumed gone (read as `pending_removal`). */
  revoking_until?: string;
  /** `pending_removal` only: what the target said when the removal failed. */
  removal_error?: string;
  /** `removed` only: when the target confirmed the access gone. */
  removed_at?: string;
  /** The latest end of any hold; null while any hold is unlimited. For `removed`, when it went. */
  expires_at: string | null;
  /**
   * Epoch seconds DynamoDB may delete the item after, set only once the access is gone: a week
   * past `removed_at`, or for a held `ledger` grant (the item is the access) a week past `expires_at`.
   */
  ttl?: number;
  /** Keyed by the request (its task URL; one key for calls that name none). Empty unless `held`. */
  holds: Record<string, Hold>;
  rule_id: string;
  /** What carried out the grant, so the same is reversed whatever happened to the rule since. */
  provisioner: ProvisionerSpec;
  version: number;
  updated_at: string;
}

export interface GrantKey {
  app_instance: string;
  subject_permission: string;
}

export const UNNAMED_REQUEST = '(no request named)';
const TTL_GRACE_SECONDS = 7 * 86_400;
/** The last instant whose ISO form has a four-digit year, so ISO strings still compare as text. */
const LATEST_ISO_MS = Date.parse('9999-12-31T23:59:59.999Z');

export function grantKey(target: Pick<GrantTarget, 'app' | 'target' | 'permission'>): GrantKey {
  return {
    app_instance: target.app.instance_id ?? target.app.id,
    subject_permission: `${target.target.email}#${target.permission.value}`,
  };
}

export function requestKey(target: Pick<GrantTarget, 'request_task_url'>): string {
  return target.request_task_url ?? UNNAMED_REQUEST;
}

export function isActive(hold: Hold, now: Date): boolean {
  return hold.expires_at === null || Date.parse(hold.expires_at) > now.getTime();
}

/** The state as readers must take it: none recorded is `held`; an expired `revoking` is `pending_removal`. */
export function stateOf(item: GrantItem, now: Date): GrantState {
  const state = item.state ?? 'held';
  if (state !== 'revoking') return state;
  const until = item.revoking_until === undefined ? Number.NaN : Date.parse(item.revoking_until);
  // An unreadable deadline cannot prove anyone is still removing: take it as abandoned.
  return Number.isFinite(until) && until > now.getTime() ? 'revoking' : 'pending_removal';
}

/**
 * Does the person hold the permission now, as far as the ledger knows? `removed` is absent;
 * `revoking` and `pending_removal` still count (the access may still exist in the target);
 * `held` counts while some hold is active.
 */
export function holdsAccess(item: GrantItem | null, now: Date): boolean {
  if (item === null) return false;
  const state = stateOf(item, now);
  if (state === 'removed') return false;
  if (state !== 'held') return true;
  return Object.values(item.holds).some((hold) => isActive(hold, now));
}

/**
 * When a hold of `accessLength` seconds from `now` ends. Never throws: a length too large for a
 * date is capped at the year 9999, and a non-finite one is unlimited (the schema bounds it anyway).
 */
export function holdEnd(now: Date, accessLength: number | null): string | null {
  if (accessLength === null || !Number.isFinite(accessLength)) return null;
  return new Date(Math.max(now.getTime(), Math.min(LATEST_ISO_MS, now.getTime() + accessLength * 1000))).toISOString();
}

type ItemBase = Omit<GrantItem, 'expires_at' | 'ttl' | 'revoking_until' | 'removal_error' | 'removed_at'>;

/** The item without the attributes that belong to one state only, or are recomputed on each write. */
function baseOf(item: GrantItem): ItemBase {
  const { expires_at: _expires, ttl: _ttl, revoking_until: _until, removal_error: _error, removed_at: _removed, ...base } = item;
  return base;
}

const ttlAfter = (iso: string): number => Math.floor(Date.parse(iso) / 1000) + TTL_GRACE_SECONDS;

/**
 * Recomputes `expires_at` and `ttl` from the holds. Only a `ledger` grant gets a TTL while held:
 * there the item is the access, gone once expired. Access in a target system is gone only once
 * a removal is confirmed, so the item must not vanish before.
 */
function withExpiry(item: ItemBase): GrantItem {
  const ends = Object.values(item.holds).map((hold) => hold.expires_at);
  const expiresAt = ends.includes(null) || ends.length === 0 ? null : (ends as string[]).reduce((latest, end) => (end > latest ? end : latest));
  return { ...item, expires_at: expiresAt, ...(expiresAt === null || item.provisioner.type !== 'ledger' ? {} : { ttl: ttlAfter(expiresAt) }) };
}

/**
 * The grant with this request's hold added, in state `held`. From nothing or `removed`: a new
 * grant by this rule and provisioner (the version continues the removed item's, so the write is
 * conditional on it). From `held`: one more hold; the first rule and provisioner stay. From
 * `revoking`/`pending_removal`: held again by this request alone, the recorded provisioner kept
 * (the caller grants through it first: the access may or may not still exist).
 */
export function withHold(existing: GrantItem | null, target: GrantTarget, ruleId: string, provisioner: ProvisionerSpec, now: Date): GrantItem {
  const at = now.toISOString();
  const hold: Hold = { granted_at: at, expires_at: holdEnd(now, target.access_length), request_task_url: target.request_task_url };
  const holds = { [requestKey(target)]: hold };
  const state = existing === null ? null : stateOf(existing, now);
  if (existing === null || state === 'removed') {
    return withExpiry({
      ...grantKey(target),
      app_id: target.app.id,
      instance_id: target.app.instance_id,
      email: target.target.email,
      permission: target.permission.value,
      permission_label: target.permission.label,
      granted_at: at,
      state: 'held',
      holds,
      rule_id: ruleId,
      provisioner,
      version: (existing?.version ?? 0) + 1,
      updated_at: at,
    });
  }
  const kept = state === 'held';
  return withExpiry({
    ...baseOf(existing),
    state: 'held',
    granted_at: kept ? existing.granted_at : at,
    holds: kept ? { ...existing.holds, ...holds } : holds,
    version: existing.version + 1,
    updated_at: at,
  });
}

/**
 * Releases a request's hold. With no request named, or when no active hold remains, the
 * access goes (`remove`); otherwise the grant stays with the other holds.
 */
export function withoutHold(item: GrantItem, request: string | null, now: Date): { remove: true } | { remove: false; item: GrantItem } {
  if (request === null) return { remove: true };
  const holds = Object.fromEntries(Object.entries(item.holds).filter(([key]) => key !== request));
  if (!Object.values(holds).some((hold) => isActive(hold, now))) return { remove: true };
  return { remove: false, item: withExpiry({ ...baseOf(item), state: 'held', holds, version: item.version + 1, updated_at: now.toISOString() }) };
}

/**
 * Written before the target is asked to remove the access: no hold is left, and until
 * `until` other calls wait for the outcome. No TTL: the access is not gone yet.
 */
export function asRevoking(item: GrantItem, until: Date, now: Date): GrantItem {
  return { ...baseOf(item), state: 'revoking', revoking_until: until.toISOString(), expires_at: item.expires_at, holds: {}, version: item.version + 1, updated_at: now.toISOString() };
}

/** The target confirmed the access gone: kept as a tombstone (for the version) until its TTL. */
export function asRemoved(item: GrantItem, now: Date): GrantItem {
  const at = now.toISOString();
  return { ...baseOf(item), state: 'removed', removed_at: at, expires_at: at, ttl: ttlAfter(at), holds: {}, version: item.version + 1, updated_at: at };
}

/** The target's removal failed: the access may still exist, so no TTL; the next deprovisioning retries it. */
export function asPendingRemoval(item: GrantItem, error: string, now: Date): GrantItem {
  return { ...baseOf(item), state: 'pending_removal', removal_error: error, expires_at: item.expires_at, holds: {}, version: item.version + 1, updated_at: now.toISOString() };
}
