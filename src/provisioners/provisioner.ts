/**
 * What a provisioner acts on (one permission for one person) and what it reports. Provisioners
 * carry out a grant or its removal in a target system; the ledger records every grant either way.
 */
import type { CustomFieldValue } from '../lumos/payload';

export interface GrantTarget {
  app: { id: string; instance_id: string | null; label: string | null };
  permission: { value: string; label: string | null };
  /** The subject: whose access this is (never the requester). */
  target: { email: string; given_name: string | null; family_name: string | null };
  custom_fields: Record<string, CustomFieldValue>;
  /** Seconds; null = unlimited. */
  access_length: number | null;
  request_task_url: string | null;
}

/**
 * `message` names the target system and what went wrong, never a secret or a response body.
 * `maybeApplied`: no answer came after the request may have reached the target (a timeout, a
 * dropped connection), so the change may have been made; without it the target answered, or the
 * request was never sent, and nothing changed.
 */
export type ProvisionerOutcome = { ok: true } | { ok: false; message: string; maybeApplied?: true };
