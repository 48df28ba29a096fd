/**
 * The Lumos inline-webhook payload, shared by all four kinds (docs/contract.md, "Payload" and
 * "Parsing rules"). Strict on the fields we act on, lenient on everything else: unknown keys
 * are stripped, never rejected, because Lumos may add fields at any time.
 */
import * as z from 'zod/mini';
import { formatPath } from '../kernel/issue-path';
import { emailProblem, normaliseEmail } from './email';
import '../kernel/zod-setup';

export const WEBHOOK_KINDS = ['pre_approval', 'request_validation', 'provisioning', 'deprovisioning'] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

/** `source` values Lumos documents; anything else is accepted and logged. */
export const DOCUMENTED_SOURCES: ReadonlySet<string> = new Set([
  'MICROSOFT_OAUTH',
  'MICROSOFT_GCC',
  'GSUITE_OAUTH',
  'OKTA',
  'MANUAL',
  'ONELOGIN',
  'ATLASSIAN',
  'GOOGLE_CLOUD',
  'LUMOS_INTEGRATION',
  'JUMPCLOUD',
]);
export const DOCUMENTED_PERMISSION_TYPES: ReadonlySet<string> = new Set(['PERMISSION']);

/** DynamoDB caps a sort key at 1,024 bytes and a partition key at 2,048 (UTF-8). */
export const MAX_SORT_KEY_BYTES = 1_024;
export const MAX_EMAIL_BYTES = 320;
/** app_id and instance_id become partition keys (rules, audit, grants). */
const MAX_APP_KEY_BYTES = 1_024;
/** The request's task URL names its hold in the grants ledger. */
const MAX_TASK_URL_BYTES = 2_048;
/** Ten years: longer is not time-bound access, and later dates overflow. */
export const MAX_ACCESS_LENGTH_SECONDS = 10 * 365.25 * 86_400;

export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

const bounded = <T extends z.ZodMiniType<string>>(schema: T, limit: number, what: string) =>
  schema.check(z.refine((value) => utf8Bytes(value) <= limit, { message: `${what} longer than ${limit} bytes (UTF-8)` }));

/** A non-empty string once trimmed. */
const trimmedText = (message: string) => z.string().check(z.trim(), z.minLength(1, message));

/** An empty (or blank) optional string is absent. */
const optionalText = z.pipe(
  z.nullish(z.string()),
  z.transform((value) => (value === undefined || value === null || value.trim() === '' ? null : value)),
);

/**
 * Emails are compared trimmed with ASCII letters lower-cased (src/lumos/email.ts); a blank one
 * counts as absent. Whether one is well-formed is checked where it is used (the subject, the
 * requester), so an address nobody reads never refuses a call.
 */
const email = z.pipe(
  z.nullish(z.string()),
  z.transform((value) => {
    const normalised = value === undefined || value === null ? '' : normaliseEmail(value);
    return normalised ? normalised : null;
  }),
);

const person = z.nullish(z.object({ email, given_name: optionalText, family_name: optionalText }));

const account = z.nullish(z.object({ email, username: optionalText, given_name: optionalText, family_name: optionalText }));

const permission = z.object({
  value: bounded(trimmedText('permission value must be a non-empty string'), MAX_SORT_KEY_BYTES, 'permission value'),
  label: optionalText,
  type: optionalText,
  source: optionalText,
});

/** Seconds; absent or null means unlimited. A numeric string is accepted too. */
const accessLength = z.pipe(
  z.pipe(
    z.nullish(
      z.union([z.number(), z.pipe(z.string().check(z.trim(), z.regex(/^\d+(\.\d+)?$/, 'access_length must be a number of seconds')), z.transform(Number))]),
    ),
    z.transform((value) => value ?? null),
  ),
  z.nullable(
    z
      .number()
      .check(
        z.nonnegative('access_length must not be negative'),
        z.maximum(MAX_ACCESS_LENGTH_SECONDS, `access_length above 10 years (${MAX_ACCESS_LENGTH_SECONDS} s)`),
      ),
  ),
);

export type CustomFieldValue = string | string[];

/**
 * Intake answers, keyed by prompt. Lumos sends an object (or null; its docs print Python's
 * `None`, so the string "None" means null too); a list of `{prompt, response}` is accepted.
 */
const customFields = z.pipe(
  z.optional(
    z.union([
      z.pipe(
        z.literal('None'),
        z.transform(() => null),
      ),
      z.null(),
      z.record(z.string(), z.unknown()),
      z.pipe(
        z.array(z.object({ prompt: z.string(), response: z.unknown() })),
        z.transform((entries) => Object.fromEntries(entries.map((entry) => [entry.prompt, entry.response]))),
      ),
    ]),
  ),
  z.transform((fields): Record<string, CustomFieldValue> => normaliseCustomFields(fields ?? null)),
);

function normaliseCustomFields(fields: Record<string, unknown> | null): Record<string, CustomFieldValue> {
  // No prototype: a field named "constructor" is just a field (zod drops "__proto__" itself).
  const result: Record<string, CustomFieldValue> = Object.create(null) as Record<string, CustomFieldValue>;
  for (const [name, value] of Object.entries(fields ?? {})) {
    // A field with no name is no question: no rule can name it, and DynamoDB keeps no empty key (its audit item would be lost).
    if (name === '') continue;
    const normalised = toFieldValue(value);
    if (normalised !== null) result[name] = normalised;
  }
  return result;
}

/**
 * Strings as they are; numbers and booleans as text; a list one level deep; anything else as
 * JSON. A blank answer (or a list of only blank ones) is no answer: the field is absent.
 */
function toFieldValue(value: unknown): CustomFieldValue | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) {
    const answers = value
      .filter((entry) => entry !== null && entry !== undefined)
      .map(scalarText)
      .filter((text) => text.trim() !== '');
    return answers.length > 0 ? answers : null;
  }
  const text = scalarText(value);
  return text.trim() === '' ? null : text;
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
    app_id: bounded(trimmedText('app_id must be a non-empty string'), MAX_APP_KEY_BYTES, 'app_id'),
    // Absent when blank, so the grant falls back to app_id rather than an empty key.
    instance_id: optionalText.check(
      z.refine((value) => value === null || utf8Bytes(value) <= MAX_APP_KEY_BYTES, {
        message: `instance_id longer than ${MAX_APP_KEY_BYTES} bytes (UTF-8)`,
      }),
    ),
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

export type LumosPayload = z.output<typeof LumosPayloadSchema>;
export type LumosPermission = LumosPayload['permissions'][number];

/** Kinds that may fall back to the requester when no subject is named (docs/contract.md, "Parsing rules"). */
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
export function toPayloadIssues(error: z.core.$ZodError): PayloadIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

export interface ParsedRequest {
  payload: LumosPayload;
  /** Normalised email of the person whose access this is (src/lumos/email.ts). */
  subject: string;
}

/** `ignored`: fields a deprovisioning call could not use and went on without (for a log line). */
export type ParseOutcome = { ok: true; request: ParsedRequest; ignored: PayloadIssue[] } | { ok: false; issues: PayloadIssue[] };

/**
 * Schema plus the kind-specific rules (an empty `permissions` list is a request for the app
 * itself, Lumos's "provisioning to app", for every kind); the
 * subject must be a well-formed email, and so must the requester where rules may ask about it;
 * each grant's sort key (`<subject>#<permission>`) must fit DynamoDB's 1,024 bytes.
 *
 * Deprovisioning refuses only what makes it impossible (the app, a permission, the subject):
 * Lumos never retries, so a 422 there would leave access in place. Any other field it cannot
 * use is dropped, and reported in `ignored`.
 */
export function parsePayload(body: unknown, kind: WebhookKind): ParseOutcome {
  const lenient = kind === 'deprovisioning';
  const ignored: PayloadIssue[] = [];
  const parsed = safeParseSchema(body, lenient, ignored);
  if (!parsed.success) return { ok: false, issues: toPayloadIssues(parsed.error) };
  const payload = parsed.data;
  const issues: PayloadIssue[] = [];
  const subject = subjectEmail(payload, kind);
  if (subject === null) {
    const where = REQUESTER_FALLBACK.has(kind) ? 'target_user, account, user or requester_user' : 'target_user, account or user';
    issues.push({ path: 'target_user.email', message: `no subject email: expected one in ${where}` });
  } else {
    checkSubject(payload, subject, issues);
  }
  // The task URL names the request's hold in the ledger. Deprovisioning only looks a hold up by it,
  // so there any text works: dropping it would make the call "name no request" and remove all.
  if (!lenient) issues.push(...taskUrlIssues(payload.request_task_url));
  checkRequester(payload, lenient, issues, ignored);
  if (issues.length > 0 || subject === null) return { ok: false, issues };
  return { ok: true, request: { payload, subject }, ignored };
}

/** The schema's reading; when lenient, after dropping (into `ignored`) the optional fields that failed. */
function safeParseSchema(body: unknown, lenient: boolean, ignored: PayloadIssue[]): ReturnType<(typeof LumosPayloadSchema)['safeParse']> {
  let parsed = LumosPayloadSchema.safeParse(body);
  // Each round drops the fields that failed; dropping one never makes another fail, so two suffice.
  for (let round = 0; lenient && !parsed.success && round < 3; round += 1) {
    const paths = parsed.error.issues.map((issue) => issue.path);
    if (paths.some(isEssentialToDeprovisioning)) break;
    ignored.push(...toPayloadIssues(parsed.error));
    parsed = LumosPayloadSchema.safeParse(withoutPaths(body, paths));
  }
  return parsed;
}

/** The subject is a well-formed email, short enough for a key with each permission. */
function checkSubject(payload: LumosPayload, subject: string, issues: PayloadIssue[]): void {
  const problem = emailProblem(subject) ?? (utf8Bytes(subject) > MAX_EMAIL_BYTES ? `email longer than ${MAX_EMAIL_BYTES} bytes (UTF-8)` : null);
  if (problem) issues.push({ path: subjectPath(payload, subject), message: problem });
  payload.permissions.forEach((entry, index) => {
    const keyBytes = utf8Bytes(`${subject}#${entry.value}`);
    if (keyBytes > MAX_SORT_KEY_BYTES) {
      issues.push({
        path: `permissions[${index}].value`,
        message: `too long for this subject: "<email>#<permission>" is ${keyBytes} bytes, at most ${MAX_SORT_KEY_BYTES}`,
      });
    }
  });
}

/** A malformed requester email: an issue, or for deprovisioning an ignored field (the email dropped). */
function checkRequester(payload: LumosPayload, lenient: boolean, issues: PayloadIssue[], ignored: PayloadIssue[]): void {
  const requester = payload.requester_user?.email ?? null;
  const requesterProblem = requester === null ? null : emailProblem(requester);
  if (requesterProblem) {
    const issue = { path: 'requester_user.email', message: requesterProblem };
    // Rules of the other kinds may ask about the requester; deprovisioning never does.
    if (lenient && payload.requester_user) {
      ignored.push(issue);
      payload.requester_user = { ...payload.requester_user, email: null };
    } else if (!lenient) issues.push(issue);
  }
}

/** Why a task URL cannot name a hold: too long for the ledger item (any text is a key: src/store/item-codec.ts). */
function taskUrlIssues(url: string | null): PayloadIssue[] {
  if (url === null) return [];
  if (utf8Bytes(url) > MAX_TASK_URL_BYTES) return [{ path: 'request_task_url', message: `request_task_url longer than ${MAX_TASK_URL_BYTES} bytes (UTF-8)` }];
  return [];
}

/** Where the subject came from, for the 422's path. */
function subjectPath(payload: LumosPayload, subject: string): string {
  for (const holder of ['target_user', 'account', 'user', 'requester_user'] as const) {
    if (payload[holder]?.email === subject) return `${holder}.email`;
  }
  return 'target_user.email';
}

/** The app, the permissions' values and whoever may hold the subject's email. */
function isEssentialToDeprovisioning(path: readonly PropertyKey[]): boolean {
  const [top, second, third] = path;
  if (top === 'application') return second === undefined || second === 'app_id' || second === 'instance_id';
  if (top === 'permissions') return typeof second !== 'number' || third === undefined || third === 'value';
  if (top === 'target_user' || top === 'account' || top === 'user') return second === undefined || second === 'email';
  return top === undefined;
}

/** The optional field an issue lies in: a top-level one, or one attribute of a person, the app or a permission. */
function fieldOf(path: readonly PropertyKey[]): readonly PropertyKey[] {
  const [top] = path;
  if (top === 'permissions') return path.slice(0, 3);
  if (top === 'application' || top === 'target_user' || top === 'account' || top === 'user' || top === 'requester_user') return path.slice(0, 2);
  return path.slice(0, 1);
}

/**
 * The body without the optional fields these issues lie in. Only the objects along each path
 * are copied (the caller's body is left alone), never a whole value: one may be nested deeper
 * than a recursive copy could go.
 */
function withoutPaths(body: unknown, issuePaths: ReadonlyArray<readonly PropertyKey[]>): unknown {
  let copy = body;
  for (const path of issuePaths.map(fieldOf)) copy = without(copy, path);
  return copy;
}

function without(value: unknown, path: readonly PropertyKey[]): unknown {
  const [head, ...rest] = path;
  if (head === undefined || typeof value !== 'object' || value === null || !Object.hasOwn(value, head)) return value;
  const copy: Record<PropertyKey, unknown> = Array.isArray(value)
    ? ([...(value as unknown[])] as unknown as Record<PropertyKey, unknown>)
    : { ...(value as Record<PropertyKey, unknown>) };
  if (rest.length === 0) {
    // A dropped list entry would shift the others: only object fields are removed.
    if (!Array.isArray(value)) delete copy[head];
  } else {
    copy[head] = without(copy[head], rest);
  }
  return copy;
}
