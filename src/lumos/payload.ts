/**
 * The Lumos inline-webhook payload, shared by all four kinds (CONTRACT.md, "Payload" and
 * "Parsing rules"). Strict on the fields we act on, lenient on everything else: unknown keys
 * are stripped, never rejected, because Lumos may add fields at any time.
 */
import * as z from 'zod';

// "required" reads better than zod's "expected string, received undefined" in a 422 or a rule error.
z.config({ customError: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'required' : undefined) });

export const WEBHOOK_KINDS = ['pre_approval', 'request_validation', 'provisioning', 'deprovisioning'] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

/** `source` values Lumos documents; anything else is accepted and logged. */
export const DOCUMENTED_SOURCES: ReadonlySet<string> = new Set([
  'MICROSOFT_OAUTH', 'MICROSOFT_GCC', 'GSUITE_OAUTH', 'OKTA', 'MANUAL',
  'ONELOGIN', 'ATLASSIAN', 'GOOGLE_CLOUD', 'LUMOS_INTEGRATION', 'JUMPCLOUD',
]);
export const DOCUMENTED_PERMISSION_TYPES: ReadonlySet<string> = new Set(['PERMISSION']);

const optionalText = z.string().nullish();

/** Emails are compared trimmed and lower-cased; a blank one counts as absent. */
const email = z
  .string()
  .max(320, 'email longer than 320 characters')
  .nullish()
  .transform((value) => {
    const normalised = value?.trim().toLowerCase();
    return normalised ? normalised : null;
  });

const person = z
  .object({ email, given_name: optionalText, family_name: optionalText })
  .nullish();

const account = z
  .object({ email, username: optionalText, given_name: optionalText, family_name: optionalText })
  .nullish();

const permission = z.object({
  value: z.string().trim().min(1, 'permission value must be a non-empty string'),
  label: optionalText,
  type: optionalText,
  source: optionalText,
});

/** Seconds; absent or null means unlimited. A numeric string is accepted too. */
const accessLength = z
  .union([
    z.number(),
    z.string().trim().regex(/^\d+(\.\d+)?$/, 'access_length must be a number of seconds').transform(Number),
  ])
  .nullish()
  .transform((value) => value ?? null)
  .pipe(z.number().nonnegative('access_length must not be negative').nullable());

export type CustomFieldValue = string | string[];

/**
 * Intake answers, keyed by prompt. Lumos sends an object (or null; its docs print Python's
 * `None`, so the string "None" means null too); a list of `{prompt, response}` is accepted.
 */
const customFields = z
  .union([
    z.literal('None').transform(() => null),
    z.null(),
    z.record(z.string(), z.unknown()),
    z.array(z.object({ prompt: z.string(), response: z.unknown() })).transform((entries) =>
      Object.fromEntries(entries.map((entry) => [entry.prompt, entry.response])),
    ),
  ])
  .optional()
  .transform((fields): Record<string, CustomFieldValue> => normaliseCustomFields(fields ?? null));

function normaliseCustomFields(fields: Record<string, unknown> | null): Record<string, CustomFieldValue> {
  // No prototype: a field named "constructor" is just a field (zod drops "__proto__" itself).
  const result: Record<string, CustomFieldValue> = Object.create(null) as Record<string, CustomFieldValue>;
  for (const [name, value] of Object.entries(fields ?? {})) {
    const normalised = toFieldValue(value);
    if (normalised !== null) result[name] = normalised;
  }
  return result;
}

/** Strings as they are; numbers and booleans as text; a list one level deep; anything else as JSON. */
function toFieldValue(value: unknown): CustomFieldValue | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(scalarText);
  return scalarText(value);
}

function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // Nested values are kept as text (never recursed into), so depth cannot exhaust the stack.
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

export const LumosPayloadSchema = z.object({
  application: z.object({
    // Also an audit partition key: DynamoDB caps keys at 2,048 bytes.
    app_id: z.string().trim().min(1, 'app_id must be a non-empty string').max(256, 'app_id longer than 256 characters'),
    instance_id: optionalText,
    user_friendly_label: optionalText,
  }),
  permissions: z.array(permission),
  requester_user: person,
  target_user: person,
  account,
  user: person,
  access_length: accessLength,
  request_comment: optionalText,
  request_task_url: optionalText,
  custom_fields: customFields,
});

export type LumosPayload = z.infer<typeof LumosPayloadSchema>;
export type LumosPermission = LumosPayload['permissions'][number];

/** Kinds that may fall back to the requester when no subject is named (CONTRACT.md). */
const REQUESTER_FALLBACK: ReadonlySet<WebhookKind> = new Set(['pre_approval', 'request_validation']);

/** Whose access this is: target_user, else account, else user (else requester where allowed). */
export function subjectEmail(payload: LumosPayload, kind: WebhookKind): string | null {
  const named = payload.target_user?.email ?? payload.account?.email ?? payload.user?.email ?? null;
  if (named !== null || !REQUESTER_FALLBACK.has(kind)) return named;
  return payload.requester_user?.email ?? null;
}

/** Values of `source` / `type` that Lumos does not document, for a log line. */
export function undocumentedPermissionTags(payload: LumosPayload): string[] {
  const tags = new Set<string>();
  for (const { source, type } of payload.permissions) {
    if (source && !DOCUMENTED_SOURCES.has(source)) tags.add(`source=${source}`);
    if (type && !DOCUMENTED_PERMISSION_TYPES.has(type)) tags.add(`type=${type}`);
  }
  return [...tags];
}

export interface PayloadIssue {
  path: string;
  message: string;
}

/** Zod issues as `{path, message}` with readable paths such as `permissions[0].value`. */
export function toPayloadIssues(error: z.ZodError): PayloadIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text ? `.${String(segment)}` : String(segment);
  }
  return text || '(root)';
}

export interface ParsedRequest {
  payload: LumosPayload;
  /** Lower-cased email of the person whose access this is. */
  subject: string;
}

export type ParseOutcome = { ok: true; request: ParsedRequest } | { ok: false; issues: PayloadIssue[] };

/** Schema plus the kind-specific rules: permissions may be empty only when deprovisioning; a subject is required. */
export function parsePayload(body: unknown, kind: WebhookKind): ParseOutcome {
  const parsed = LumosPayloadSchema.safeParse(body);
  if (!parsed.success) return { ok: false, issues: toPayloadIssues(parsed.error) };
  const payload = parsed.data;
  const issues: PayloadIssue[] = [];
  if (payload.permissions.length === 0 && kind !== 'deprovisioning') {
    issues.push({ path: 'permissions', message: 'at least one permission is required' });
  }
  const subject = subjectEmail(payload, kind);
  if (subject === null) {
    const where = REQUESTER_FALLBACK.has(kind)
      ? 'target_user, account, user or requester_user'
      : 'target_user, account or user';
    issues.push({ path: 'target_user.email', message: `no subject email: expected one in ${where}` });
  }
  if (issues.length > 0 || subject === null) return { ok: false, issues };
  return { ok: true, request: { payload, subject } };
}
