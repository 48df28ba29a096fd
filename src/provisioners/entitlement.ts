/**
 * One permission of one person in one app instance: what a grant in the ledger is keyed by and
 * what a provisioner acts on.
 */
import type { CustomFieldValue } from '../lumos/payload';

export interface Entitlement {
  app: { id: string; instance_id: string | null; label: string | null };
  permission: { value: string; label: string | null };
  /** The subject: whose access this is (never the requester). */
  person: { email: string; given_name: string | null; family_name: string | null };
  custom_fields: Record<string, CustomFieldValue>;
  /** Seconds; null = unlimited. */
  access_length: number | null;
  request_task_url: string | null;
}
