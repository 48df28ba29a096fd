import type { ParsedRequest } from '../lumos/payload';
import type { RequestFacts } from '../rules/facts';

/** The request as the rule engine reads it: plain facts taken from the payload. */
export function requestFacts({ payload, subject }: ParsedRequest): RequestFacts {
  return {
    appId: payload.application.app_id,
    permissions: payload.permissions.map((permission) => permission.value),
    target: subject,
    requester: payload.requester_user?.email ?? null,
    accessLength: payload.access_length,
    customFields: payload.custom_fields,
  };
}
