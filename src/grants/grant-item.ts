/**
 * The ledger item for one (app instance, person, permission), the pure arithmetic of the
 * requests that hold it, and its lifecycle (docs/provisioning.md, "The grants ledger"). Access is removed
 * only when no still-active hold remains, so ending one request never ends access another
 * one still grants. No clock here: every function takes `now`.
 *
 * Lifecycle: nothing/`removed`/`pending_removal` → `granting` (written before the target is
 * asked to grant) → `held`; or back to what it was when the target refused, or
 * `pending_removal` when its answer never came (the grant may have been made). `held` →
 * `revoking` (written before the target is asked to remove) → `removed`, or `pending_removal`
 * when the removal failed. A `granting` past `granting_until`, or a `revoking` past
 * `revoking_until` (the call that wrote it is gone), reads as `pending_removal`. The ledger is
 * the lock: nothing calls a target system without first writing `granting` or `revoking` by a
 * version-checked write, so no access exists at a target without a record that may say so.
 */
import type { ProvisionerSpec } from '../rules/provisioner-spec';
import type { GrantTarget } from '../store/grant-target';

export interface Hold {
  granted_at: string;
  /** ISO time the hold ends; null = unlimited. */
  expires_at: string | null;
  request_task_url: string | null;
}

export type GrantState = 'held' | 'granting' | 'revoking' | 'pending_removal' | 'removed';

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
  /** `granting` only: after this ISO time the provisioner is presumed gone (read as `pending_removal`). */
  granting_until?: string;
  /** `revoking` only: after this ISO time the deprovisioner is presumed gone (read as `pending_removal`). */
  revoking_until?: string;
  /** `pending_removal` only: why the access may still exist (a removal that failed, or a grant whose outcome is unknown). */
  removal_error?: string;
  /** `revoking` and `pending_removal`: removals tried and failed so far (kept across the retries of one removal). */
  removal_attempts?: number;
  /** `pending_removal` only: the expiry sweeper tries again from this ISO time (exponential backoff, capped). */
  next_attempt_at?: string;
  /** `revoking` and `pending_removal`: since when the access should be gone (its expiry, or when its removal was first asked for). */
  removal_due_at?: string;
  /** `removed` by hand (`lumos-state resolve`): who closed the pending removal, and why. */
  resolved_by?: string;
  resolved_reason?: string;
  /** `removed` only: when the target confirmed the access gone. */
  removed_at?: string;
  /** The latest end of any hold; null while any hold is unlimited. For `removed`, when it went. */
  expires_at: string | null;
  /** Epoch seconds DynamoDB may delete the item after, set only once the access is gone (`removed`): a week past `removed_at`. */
  ttl?: number;
  /** Keyed by the request (its task URL; one key for calls that name none). Empty unless `held` or `granting`. */
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
/**
 * The permission of an app-level grant (Lumos's "provisioning to app": an empty `permissions`
 * list). Its key is `<email>#`, which no permission can form: the payload refuses empty values.
 */
export const APP_ITSELF = '';
const TTL_GRACE_SECONDS = 7 * 86_400;
/** The sweeper's retries of a failed removal: 1 minute, doubling, at most an hour apart. */
export const REMOVAL_RETRY_BASE_MS = 60_000;
export const REMOVAL_RETRY_CAP_MS = 3_600_000;
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

/**
 * The state as readers must take it: none recorded is `held`; a `granting` or `revoking` past its
 * time is `pending_removal` (the call that marked it is gone, and the access may exist).
 */
export function stateOf(item: GrantItem, now: Date): GrantState {
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

/**
 * Does the person hold the permission now, as far as the ledger knows? `removed` is absent;
 * `granting`, `revoking` and `pending_removal` count (the access may exist in the target);
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
  const ends = Object.values(item.holds).map((hold) => hold.expires_at);
  // ISO-8601 UTC times compare as text: the latest is the greatest string (Math.max takes numbers).
  // biome-ignore lint/complexity/useMathMinMax: these are strings
  const expiresAt = ends.includes(null) || ends.length === 0 ? null : (ends as string[]).reduce((latest, end) => (end > latest ? end : latest));
  return { ...item, expires_at: expiresAt };
}

/**
 * The grant with this request's hold added, in state `held`. From nothing or `removed`: a new
 * grant by this rule and provisioner (the version continues the removed item's, so the write is
 * conditional on it). From `held`: one more hold; the first rule and provisioner stay. From
 * `pending_removal` (an expired `granting`/`revoking` included): held again by this request
 * alone, the recorded provisioner kept (the caller grants through it first: the access may or
 * may not still exist). A live `granting`/`revoking` is never passed: callers wait for it.
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
  return {
    ...baseOf(item),
    state: 'revoking',
    revoking_until: until.toISOString(),
    removal_due_at: removalDueAt(item, now),
    ...(item.removal_attempts === undefined ? {} : { removal_attempts: item.removal_attempts }),
    expires_at: item.expires_at,
    holds: {},
    version: item.version + 1,
    updated_at: now.toISOString(),
  };
}

/** The target confirmed the access gone: kept as a tombstone (for the version) until its TTL. */
export function asRemoved(item: GrantItem, now: Date): GrantItem {
  const at = now.toISOString();
  return { ...baseOf(item), state: 'removed', removed_at: at, expires_at: at, ttl: ttlAfter(at), holds: {}, version: item.version + 1, updated_at: at };
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
  return {
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
  };
}

/**
 * Written before the target is asked to grant: `next` is the grant as it will stand once the
 * target confirms (from `withHold`, or a held grant being granted again), its holds kept so a
 * reader sees who asked. Until `until` other calls wait for the outcome; after it the mark reads
 * as `pending_removal`. No TTL: the access may come to exist while nothing else records it.
 */
export function asGranting(next: GrantItem, until: Date, now: Date): GrantItem {
  return { ...baseOf(next), state: 'granting', granting_until: until.toISOString(), expires_at: next.expires_at, updated_at: now.toISOString() };
}

/** The target confirmed the grant: held by the holds the mark carried, expiry and TTL recomputed. */
export function asHeld(granting: GrantItem, now: Date): GrantItem {
  return withExpiry({ ...baseOf(granting), state: 'held', version: granting.version + 1, updated_at: now.toISOString() });
}

/**
 * The target refused the grant (it answered, so nothing was granted): the item as it was before
 * the mark, one version on. Nothing before is kept as `removed` with a TTL (the next grant's
 * write is then conditional on it); `removed` comes back as it was; anything else was a pending
 * removal (the access may exist from before) and stays one.
 */
export function asGrantRefused(granting: GrantItem, previous: GrantItem | null, now: Date): GrantItem {
  if (previous === null) return asRemoved(granting, now);
  if (previous.state === 'removed') return { ...previous, version: granting.version + 1, updated_at: now.toISOString() };
  // The earlier removal's attempts and due time carry on: it is the same removal, still owed.
  const owed = { ...granting, ...pick(previous, 'removal_attempts'), ...pick(previous, 'removal_due_at') };
  return asPendingRemoval(owed, previous.removal_error ?? unfinished(previous), now);
}

function pick<K extends 'removal_attempts' | 'removal_due_at'>(item: GrantItem, key: K): Pick<GrantItem, K> | Record<string, never> {
  return item[key] === undefined ? {} : ({ [key]: item[key] } as Pick<GrantItem, K>);
}

function unfinished(previous: GrantItem): string {
  return previous.state === 'granting' ? 'an earlier grant did not record its outcome in time' : 'an earlier removal did not record its outcome in time';
}
