import type { Entitlement } from '../provisioners/entitlement';
import type { GrantItem } from './grant-item';

/**
 * What a provisioner acts on when no payload came with the work (the expiry sweeper): the app,
 * person and permission the grant records. Names and custom fields are not kept on grants, so a
 * deprovision template that uses them gets empty values (docs/provisioning.md, "Expiry").
 */
export function entitlementOfGrant(grant: GrantItem): Entitlement {
  return {
    app: { id: grant.app_id, instance_id: grant.instance_id ?? null, label: null },
    permission: { value: grant.permission, label: grant.permission_label ?? null },
    person: { email: grant.email, given_name: null, family_name: null },
    custom_fields: {},
    access_length: null,
    request_task_url: null,
  };
}
