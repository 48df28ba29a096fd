import type { ParsedRequest } from '../lumos/payload';
import type { Entitlement } from '../provisioners/entitlement';
import { APP_ITSELF } from './grant-item';

/** What a provisioner acts on for one permission of this request. */
export function entitlementOf({ payload, subject }: ParsedRequest, permission: { value: string; label: string | null }): Entitlement {
  const person = payload.target_user ?? payload.account ?? payload.user;
  return {
    app: { id: payload.application.app_id, instance_id: payload.application.instance_id ?? null, label: payload.application.user_friendly_label ?? null },
    permission,
    person: { email: subject, given_name: person?.given_name ?? null, family_name: person?.family_name ?? null },
    custom_fields: payload.custom_fields,
    access_length: payload.access_length,
    request_task_url: payload.request_task_url ?? null,
  };
}

/** One entitlement per permission; none named is the app itself (one app-level grant). */
export function entitlementsOf(parsed: ParsedRequest): Entitlement[] {
  if (parsed.payload.permissions.length === 0) return [entitlementOf(parsed, { value: APP_ITSELF, label: null })];
  return parsed.payload.permissions.map((permission) => entitlementOf(parsed, { value: permission.value, label: permission.label ?? null }));
}
