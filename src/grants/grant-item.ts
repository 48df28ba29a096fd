/**
 * The ledger item for one (app instance, person, permission), its key, and how a stored item is
 * read: every item read from the grants table is parsed here, once, at the boundary
 * (`readGrant`), so the code past it works on a grant it can trust, and an item that no longer
 * reads as one is named with why, never half-used. Its lifecycle is src/grants/lifecycle.ts; the
 * writes that move it, src/grants/transitions.ts.
 */
import * as z from 'zod/mini';
import { WebhookError } from '../kernel/errors';
import { formatPath } from '../kernel/issue-path';
import { addIssue } from '../kernel/zod-setup';
import type { Entitlement } from '../provisioners/entitlement';
import type { ItemRecord } from '../store/item-codec';
import { GRANT_STATES } from './lifecycle';
import { RecordedProvisionerSchema } from './recorded-provisioner';

const HoldSchema = z.object({
  granted_at: z.string(),
  /** ISO time the hold ends; null = unlimited. */
  expires_at: z.nullable(z.string()),
  request_task_url: z.nullable(z.string()),
});
export type Hold = z.output<typeof HoldSchema>;

/**
 * Holds are keyed by task URLs, outside values: the map is checked entry by entry and built with
 * no prototype, as the item codec reads it, since zod's own record would lose a `__proto__` key
 * (it assigns each key), and with it a hold that keeps access.
 */
const HoldsSchema = z.pipe(
  z.unknown(),
  z.transform((value, ctx): Record<string, Hold> => {
    const holds = Object.create(null) as Record<string, Hold>;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      addIssue(ctx, 'expected a map of holds');
      return holds;
    }
    const entries = value as Record<string, unknown>;
    for (const key of Object.keys(entries)) {
      const hold = HoldSchema.safeParse(entries[key]);
      if (hold.success) holds[key] = hold.data;
      else for (const issue of hold.error.issues) addIssue(ctx, issue.message, [key, ...issue.path]);
    }
    return holds;
  }),
);

const text = z.string();
const nullableText = z.nullable(z.string());

const grantShape = {
  /** `instance_id` when Lumos sends one, else `app_id`. */
  app_instance: text,
  /** `<email>#<permission value>` */
  subject_permission: text,
  app_id: text,
  instance_id: z._default(nullableText, null),
  email: text,
  permission: text,
  permission_label: z._default(nullableText, null),
  granted_at: text,
  /** Absent on items written before states existed: those read as `held`. */
  state: z.optional(z.enum(GRANT_STATES)),
  /** `granting` only: after this ISO time the provisioner is presumed gone (read as `pending_removal`). */
  granting_until: z.optional(text),
  /** `revoking` only: after this ISO time the deprovisioner is presumed gone (read as `pending_removal`). */
  revoking_until: z.optional(text),
  /** `pending_removal` only: why the access may still exist (a removal that failed, or a grant whose outcome is unknown). */
  removal_error: z.optional(text),
  /** `revoking` and `pending_removal`: removals tried and failed so far (kept across the retries of one removal). */
  removal_attempts: z.optional(z.number()),
  /** `pending_removal` only: the expiry sweeper tries again from this ISO time (exponential backoff, capped). */
  next_attempt_at: z.optional(text),
  /** `revoking` and `pending_removal`: since when the access should be gone (its expiry, or when its removal was first asked for). */
  removal_due_at: z.optional(text),
  /** `removed` by hand (`lumos-state resolve`): who closed the pending removal, and why. */
  resolved_by: z.optional(text),
  resolved_reason: z.optional(text),
  /** `removed` only: when the target confirmed the access gone. */
  removed_at: z.optional(text),
  /** The latest end of any hold; null while any hold is unlimited. For `removed`, when it went. */
  expires_at: nullableText,
  /** Epoch seconds DynamoDB may delete the item after, set only once the access is gone (`removed`): a week past `removed_at`. */
  ttl: z.optional(z.number()),
  /** Keyed by the request (its task URL; one key for calls that name none). Empty unless `held` or `granting`. */
  holds: HoldsSchema,
  rule_id: text,
  /** What carried out the grant, so the same is reversed whatever happened to the rule since. */
  provisioner: RecordedProvisionerSchema,
  version: z.number(),
  updated_at: text,
};

/** The attributes this version knows: the item's type. */
const GrantItemSchema = z.object(grantShape);
export type GrantItem = z.output<typeof GrantItemSchema>;

/**
 * How a stored item is read: attributes this version does not know (the `due` index's, written
 * again from the item on every write; a newer version's) are carried through a rewrite unchanged.
 */
const StoredGrantSchema = z.looseObject(grantShape);

export interface GrantKey {
  app_instance: string;
  subject_permission: string;
}

/** A stored item: the grant it holds, or its key and why it is not one. */
export type GrantRead = { ok: true; grant: GrantItem } | { ok: false; key: GrantKey; problem: string };

export function readGrant(item: ItemRecord): GrantRead {
  const parsed = StoredGrantSchema.safeParse(item);
  if (parsed.success) return { ok: true, grant: parsed.data };
  const problem = parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`).join('; ');
  return { ok: false, key: keyOf(item), problem };
}

/** The item as a grant; an item that is not one is thrown as an `UnreadableGrantError`. */
export function readableGrant(item: ItemRecord): GrantItem {
  const read = readGrant(item);
  if (read.ok) return read.grant;
  throw new UnreadableGrantError(read.key, read.problem);
}

/** The key of a stored item, whatever else it holds (the table's keys are always strings). */
function keyOf(item: ItemRecord): GrantKey {
  const part = (value: unknown) => (typeof value === 'string' ? value : '');
  return { app_instance: part(item.app_instance), subject_permission: part(item.subject_permission) };
}

/**
 * A grants table item that does not read as a grant (edited by hand, or broken): nothing acts on
 * it until it is fixed. A bug or a bad edit, not an outage: the failure's reason is `internal_error`.
 */
export class UnreadableGrantError extends WebhookError {
  override name = 'UnreadableGrantError';

  constructor(
    readonly key: GrantKey,
    readonly problem: string,
  ) {
    super(`grant ${key.app_instance}/${key.subject_permission} is not a readable grant item: ${problem}`);
  }
}

/**
 * The permission of an app-level grant (Lumos's "provisioning to app": an empty `permissions`
 * list). Its key is `<email>#`, which no permission can form: the payload refuses empty values.
 */
export const APP_ITSELF = '';

export function grantKey(entitlement: Pick<Entitlement, 'app' | 'person' | 'permission'>): GrantKey {
  return {
    app_instance: entitlement.app.instance_id ?? entitlement.app.id,
    subject_permission: `${entitlement.person.email}#${entitlement.permission.value}`,
  };
}
