/**
 * The `http` provisioner as an admin writes it in a provisioning rule: separate provision and
 * deprovision requests, a Secrets Manager secret whose value is sent as a header, and
 * placeholders filled from the payload (README "HTTP provisioner").
 */
import * as z from 'zod';

/** Every placeholder a URL, header or body template may use. `{custom_fields.<name>}` too. */
export const HTTP_PLACEHOLDERS = [
  'target.email',
  'target.given_name',
  'target.family_name',
  'app.id',
  'app.instance_id',
  'app.label',
  'permission.value',
  'permission.label',
  'access_length',
  'request_task_url',
] as const;

const PLACEHOLDER = /\{([^{}]+)\}/g;

function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)]
    .map((match) => match[1] as string)
    .filter((name) => !(HTTP_PLACEHOLDERS as readonly string[]).includes(name) && !/^custom_fields\.[^{}]+$/.test(name));
}

const template = z.string().superRefine((value, ctx) => {
  const unknown = unknownPlaceholders(value);
  if (unknown.length > 0) {
    ctx.addIssue({ code: 'custom', message: `unknown placeholder ${unknown.map((name) => `{${name}}`).join(', ')}; use ${HTTP_PLACEHOLDERS.map((name) => `{${name}}`).join(', ')} or {custom_fields.<name>}` });
  }
});

/** Scheme and host are fixed text, so a payload value can never choose where a request goes. */
const url = template.superRefine((value, ctx) => {
  const match = /^(https?):\/\/([^/?#]*)/.exec(value);
  if (!match) {
    ctx.addIssue({ code: 'custom', message: 'expected an absolute URL such as https://api.example.com/...' });
    return;
  }
  const [, scheme, authority] = match as unknown as [string, string, string];
  if (authority.includes('{')) ctx.addIssue({ code: 'custom', message: 'placeholders are not allowed in the host' });
  if (authority.includes('@')) ctx.addIssue({ code: 'custom', message: 'credentials in the URL are not allowed; put them in the secret' });
  const host = authority.replace(/:\d+$/, '').toLowerCase();
  if (scheme === 'http' && !['localhost', '127.0.0.1', '[::1]'].includes(host)) {
    ctx.addIssue({ code: 'custom', message: 'use https (plain http only for localhost)' });
  }
});

/** A JSON body template: strings anywhere in it may hold placeholders. */
type JsonTemplate = string | number | boolean | null | JsonTemplate[] | { [key: string]: JsonTemplate };
const jsonTemplate: z.ZodType<JsonTemplate> = z.lazy(() =>
  z.union([template, z.number(), z.boolean(), z.null(), z.array(jsonTemplate), z.record(z.string(), jsonTemplate)]),
);

export const HttpRequestSpecSchema = z
  .strictObject({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    url,
    /** Sent as JSON; absent = no body. */
    body: jsonTemplate.optional(),
    /** Extra headers (not the credential, which comes from the secret). */
    headers: z.record(z.string(), template).optional(),
  })
  .refine((spec) => !(spec.method === 'GET' && spec.body !== undefined), { message: 'a GET request cannot carry a body', path: ['body'] });
export type HttpRequestSpec = z.infer<typeof HttpRequestSpecSchema>;

export const HttpProvisionerSchema = z.strictObject({
  type: z.literal('http'),
  /** Secrets Manager secret name; must start with the deployment's connector prefix. */
  secret: z.string().trim().min(1),
  provision: HttpRequestSpecSchema,
  deprovision: HttpRequestSpecSchema,
  /** A short name for messages ("Licence API"); default: the provision URL's host. */
  name: z.string().trim().min(1).optional(),
});
export type HttpProvisionerSpec = z.infer<typeof HttpProvisionerSchema>;

/**
 * The connector secret's value: the header to send and the hosts it may be sent to, so a rule
 * can never ship a credential to a host the secret's owner did not allow.
 */
export const ConnectorSecretSchema = z.strictObject({
  header: z.string().trim().min(1),
  value: z.string().min(1),
  allowed_hosts: z.array(z.string().trim().toLowerCase().min(1)).min(1),
});
export type ConnectorSecret = z.infer<typeof ConnectorSecretSchema>;
