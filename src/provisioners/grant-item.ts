/**
 * The ledger item for one (app instance, person, permission), and the pure arithmetic of the
 * requests that hold it (README "The grants ledger"). Access is removed only when no
 * still-active hold remains, so ending one request never ends access another one still grants.
 */
import type { ProvisionerSpec } from './provisioner-spec';
import type { GrantTarget } from './provisioner';

export interface Hold {
  granted_at: string;
  /** ISO time the hold ends; null = unlimited. */
  expires_at: string | null;
  request_task_url: string | null;
}

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
  /** The latest end of any hold; null while any hold is unlimited. */
  expires_at: string | null;
  /** Epoch seconds DynamoDB may delete the item after: a week past `expires_at`; absent while unlimited. */
  ttl?: number;
  /** Keyed by the request (its task URL; one key for calls that name none). */
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

/** Recomputes `expires_at` and `ttl` from the holds. */
function withExpiry(item: Omit<GrantItem, 'expires_at' | 'ttl'>): GrantItem {
  const ends = Object.values(item.holds).map((hold) => hold.expires_at);
  const expiresAt = ends.includes(null) || ends.length === 0 ? null : (ends as string[]).reduce((latest, end) => (end > latest ? end : latest));
  return {
    ...item,
    expires_at: expiresAt,
    ...(expiresAt === null ? {} : { ttl: Math.floor(Date.parse(expiresAt) / 1000) + TTL_GRACE_SECONDS }),
  };
}

/** The grant with this request's hold added (a new grant when `existing` is null). */
export function withHold(existing: GrantItem | null, target: GrantTarget, ruleId: string, provisioner: ProvisionerSpec, now: Date): GrantItem {
  const at = now.toISOString();
  const hold: Hold = {
    granted_at: at,
    expires_at: target.access_length === null ? null : new Date(now.getTime() + target.access_length * 1000).toISOString(),
    request_task_url: target.request_task_url,
  };
  const base = existing ?? {
    ...grantKey(target),
    app_id: target.app.id,
    instance_id: target.app.instance_id,
    email: target.target.email,
    permission: target.permission.value,
    permission_label: target.permission.label,
    granted_at: at,
    holds: {},
    rule_id: ruleId,
    provisioner,
    version: 0,
  };
  const { expires_at: _expires, ttl: _ttl, ...rest } = base as GrantItem;
  return withExpiry({ ...rest, holds: { ...base.holds, [requestKey(target)]: hold }, version: base.version + 1, updated_at: at });
}

/**
 * Releases a request's hold. With no request named, or when no active hold remains, the
 * access goes (`remove`); otherwise the grant stays with the other holds.
 */
export function withoutHold(item: GrantItem, request: string | null, now: Date): { remove: true } | { remove: false; item: GrantItem } {
  if (request === null) return { remove: true };
  const holds = Object.fromEntries(Object.entries(item.holds).filter(([key]) => key !== request));
  if (!Object.values(holds).some((hold) => isActive(hold, now))) return { remove: true };
  const { expires_at: _expires, ttl: _ttl, ...rest } = item;
  return { remove: false, item: withExpiry({ ...rest, holds, version: item.version + 1, updated_at: now.toISOString() }) };
}
