/**
 * The `http` provisioner as an admin writes it in a provisioning rule: separate provision and
 * deprovision requests, a Secrets Manager secret whose value is sent as a header, and
 * placeholders filled from the payload (docs/provisioning.md, "The http provisioner"). The template syntax lives
 * here, so the rule schema and the renderer (templates.ts) read a template the same way.
 */
import * as z from 'zod/mini';
import { httpsOrLoopback } from '../kernel/https-or-loopback';
import { addIssue, type TransformContext } from '../kernel/zod-setup';

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

export function isPlaceholderName(name: string): boolean {
  return (HTTP_PLACEHOLDERS as readonly string[]).includes(name) || /^custom_fields\.[^{}]+$/.test(name);
}

/** A template cut into fixed text and placeholders; `{anything else}` stays fixed text. */
export type TemplatePart = { text: string } | { placeholder: string };

export function templateParts(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] as string;
    if (!isPlaceholderName(name)) continue;
    text += template.slice(last, match.index);
    if (text !== '') parts.push({ text });
    parts.push({ placeholder: name });
    text = '';
    last = match.index + match[0].length;
  }
  text += template.slice(last);
  if (text !== '') parts.push({ text });
  return parts;
}

/** The placeholders among the parts, written as in the template: `{app.id}`. */
export function placeholderNames(parts: TemplatePart[]): string[] {
  return parts.flatMap((part) => ('placeholder' in part ? [`{${part.placeholder}}`] : []));
}

/** One query parameter; `value` undefined = written without "=". */
export interface QueryParamTemplate {
  name: TemplatePart[];
  value: TemplatePart[] | undefined;
}

/**
 * A URL template read the way a WHATWG URL parser reads an http(s) URL, placeholders being
 * opaque: the authority ends at the first "/", "\", "?" or "#" of the fixed text, the path is
 * split at "/" and "\" (both separate segments), the query at "&" and each parameter at its
 * first "=", and "#" starts the fragment.
 */
export interface UrlTemplate {
  scheme: 'http' | 'https';
  authority: TemplatePart[];
  /** The path's segments, each its parts; none when the template has no path. */
  segments: TemplatePart[][];
  /** undefined: no "?". */
  query: QueryParamTemplate[] | undefined;
  /** undefined: no "#". */
  fragment: TemplatePart[] | undefined;
}

const SCHEME = /^(https?):\/\//;

type Component = 'authority' | 'path' | 'query name' | 'query value' | 'fragment';
/** The characters that end each component's fixed text. */
const DELIMITERS: Record<Component, RegExp> = { authority: /[/\\?#]/, path: /[/\\?#]/, 'query name': /[&=#]/, 'query value': /[&#]/, fragment: /(?!)/ };

/** Where a walk over a template's parts is: the component being read, and the parts it fills. */
interface UrlReading {
  url: UrlTemplate;
  component: Component;
  current: TemplatePart[];
  param: QueryParamTemplate | undefined;
}

/** The template's structure, or undefined when it does not start with fixed http:// or https://. */
export function parseUrlTemplate(template: string): UrlTemplate | undefined {
  const parts = templateParts(template);
  const first = parts[0];
  if (first === undefined || !('text' in first)) return undefined;
  const scheme = SCHEME.exec(first.text);
  if (!scheme) return undefined;
  const rest: TemplatePart[] = [{ text: first.text.slice(scheme[0].length) }, ...parts.slice(1)];

  // Walk the parts once, cutting fixed text at the delimiters of the component being read.
  const url: UrlTemplate = { scheme: scheme[1] as 'http' | 'https', authority: [], segments: [], query: undefined, fragment: undefined };
  const reading: UrlReading = { url, component: 'authority', current: url.authority, param: undefined };
  for (const part of rest) {
    if ('placeholder' in part) reading.current.push(part);
    else readFixedText(reading, part.text);
  }
  // "?" alone or a trailing "&" leaves a parameter with no name and no value: not a parameter.
  if (url.query) url.query = url.query.filter((item) => item.name.length > 0 || item.value !== undefined);
  return url;
}

/** Fixed text, cut at each delimiter of the component being read; each delimiter starts the next. */
function readFixedText(reading: UrlReading, fixed: string): void {
  let text = fixed;
  for (let cut = text.search(DELIMITERS[reading.component]); cut !== -1; cut = text.search(DELIMITERS[reading.component])) {
    pushText(reading, text.slice(0, cut));
    const delimiter = text[cut] as string;
    text = text.slice(cut + 1);
    startComponent(reading, delimiter);
  }
  pushText(reading, text);
}

function pushText(reading: UrlReading, text: string): void {
  if (text !== '') reading.current.push({ text });
}

/** The component a delimiter starts. */
function startComponent(reading: UrlReading, delimiter: string): void {
  const { url, param } = reading;
  if (delimiter === '#') {
    url.fragment = [];
    reading.current = url.fragment;
    reading.component = 'fragment';
  } else if (delimiter === '?') {
    url.query = [];
    startParam(reading, url.query);
  } else if (delimiter === '&' && url.query) {
    startParam(reading, url.query);
  } else if (delimiter === '=' && param) {
    // Only a parameter's first "=" is a delimiter; later ones belong to its value.
    param.value = [];
    reading.current = param.value;
    reading.component = 'query value';
  } else {
    const segment: TemplatePart[] = [];
    url.segments.push(segment);
    reading.current = segment;
    reading.component = 'path';
  }
}

function startParam(reading: UrlReading, query: QueryParamTemplate[]): void {
  const param: QueryParamTemplate = { name: [], value: undefined };
  query.push(param);
  reading.param = param;
  reading.current = param.name;
  reading.component = 'query name';
}

function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1] as string).filter((name) => !isPlaceholderName(name));
}

/** A template uses only the placeholders above. */
function checkPlaceholders(value: string, ctx: z.core.$RefinementCtx<string>): void {
  const unknown = unknownPlaceholders(value);
  if (unknown.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `unknown placeholder ${unknown.map((name) => `{${name}}`).join(', ')}; use ${HTTP_PLACEHOLDERS.map((name) => `{${name}}`).join(', ')} or {custom_fields.<name>}`,
    });
  }
}

const fixedText = (parts: TemplatePart[]): string => parts.map((part) => ('text' in part ? part.text : '')).join('');

/**
 * A URL template's scheme and host are fixed text, so a payload value can never choose where a
 * request goes; a placeholder fills one path segment's text or one query value, never a
 * parameter's name.
 */
function checkUrl(value: string, ctx: z.core.$RefinementCtx<string>): void {
  const problem = (message: string) => ctx.addIssue({ code: 'custom', message });
  const match = /^(https?):\/\/([^/\\?#]*)/.exec(value);
  const parsed = parseUrlTemplate(value);
  if (!match || !parsed) {
    problem('expected an absolute URL such as https://api.example.com/...');
    return;
  }
  const [, scheme, authority] = match as unknown as [string, string, string];
  if (authority.includes('{')) problem('placeholders are not allowed in the host');
  if (authority.includes('@')) problem('credentials in the URL are not allowed; put them in the secret');
  const host = authority.replace(/:\d+$/, '').toLowerCase();
  if (!httpsOrLoopback({ protocol: `${scheme}:`, hostname: host })) {
    problem('use https (plain http only for localhost)');
  }

  const fixed = fixedText(templateParts(value));
  // URL parsers read "\" as "/" and drop tabs and line breaks, so such text would not mean what it shows.
  if (fixed.includes('\\')) problem('a backslash is not allowed in the URL (URL parsers read it as "/")');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for.
  if (/[\u0000-\u0020\u007f]/.test(fixed)) problem('spaces and control characters are not allowed in the URL; percent-encode them (a space is %20)');
  if (parsed.fragment !== undefined) problem('a fragment (#...) is not allowed in the URL; it is never sent');
  const inNames = (parsed.query ?? []).flatMap((param) => placeholderNames(param.name));
  if (inNames.length > 0) {
    problem(`placeholders fill only query values, not names: ${inNames.join(', ')}; write name=${inNames[0]}`);
  }
}

/**
 * zod drops a "__proto__" key, and the DynamoDB unmarshaller turns one into the object's
 * prototype, so such a body or header key would silently vanish: it is refused instead.
 */
function refuseProtoKeys(value: unknown, ctx: TransformContext): unknown {
  const visit = (item: unknown, path: (string | number)[]): void => {
    if (item === null || typeof item !== 'object') return;
    if (Array.isArray(item)) {
      for (const [index, element] of item.entries()) visit(element, [...path, index]);
      return;
    }
    const prototype: unknown = Object.getPrototypeOf(item);
    if (Object.hasOwn(item, '__proto__') || (prototype !== Object.prototype && prototype !== null)) {
      addIssue(ctx, 'a key named "__proto__" cannot be sent; rename it', path);
    }
    for (const [key, element] of Object.entries(item)) visit(element, [...path, key]);
  };
  visit(value, []);
  return value;
}

/** A JSON body template: strings anywhere in it may hold placeholders. */
type JsonTemplate = string | number | boolean | null | JsonTemplate[] | { [key: string]: JsonTemplate };

/** `schema`, after refusing "__proto__" keys anywhere in the value. */
const withoutProtoKeys = <T extends z.ZodMiniType>(schema: T) => z.pipe(z.transform(refuseProtoKeys), schema);

/**
 * The schemas below are built on their first use (`z.lazy`), not at load: only a rule with an
 * http provisioner, or a connector secret being read, needs them, so a function whose rules
 * have none never pays for them at cold start (`npm run bench`).
 */
function buildSchemas() {
  const template = z.string().check(z.superRefine(checkPlaceholders));
  const url = template.check(z.superRefine(checkUrl));
  const jsonTemplate: z.ZodMiniType<JsonTemplate> = z.lazy(() =>
    z.union([template, z.number(), z.boolean(), z.null(), z.array(jsonTemplate), z.record(z.string(), jsonTemplate)]),
  );
  const trimmedText = z.string().check(z.trim(), z.minLength(1));

  const request = z
    .strictObject({
      method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
      url,
      /** Sent as JSON; absent = no body. */
      body: z.optional(withoutProtoKeys(jsonTemplate)),
      /** Extra headers (not the credential, which comes from the secret). */
      headers: z.optional(withoutProtoKeys(z.record(z.string(), template))),
    })
    .check(z.refine((spec) => !(spec.method === 'GET' && spec.body !== undefined), { message: 'a GET request cannot carry a body', path: ['body'] }));

  const provisioner = z.strictObject({
    type: z.literal('http'),
    /** Secrets Manager secret name; must start with the deployment's connector prefix. */
    secret: trimmedText,
    provision: request,
    deprovision: request,
    /** A short name for messages ("Licence API"); default: the provision URL's host. */
    name: z.optional(trimmedText),
  });

  /**
   * The connector secret's value: the header to send and the hosts it may be sent to, so a rule
   * can never ship a credential to a host the secret's owner did not allow.
   */
  const connectorSecret = z.strictObject({
    header: trimmedText,
    value: z.string().check(z.minLength(1)),
    allowed_hosts: z.array(z.string().check(z.trim(), z.toLowerCase(), z.minLength(1))).check(z.minLength(1)),
  });
  return { request, provisioner, connectorSecret };
}

let schemas: ReturnType<typeof buildSchemas> | undefined;
const built = () => (schemas ??= buildSchemas());

export const HttpRequestSpecSchema = z.lazy(() => built().request);
export type HttpRequestSpec = z.output<typeof HttpRequestSpecSchema>;

export const HttpProvisionerSchema = z.lazy(() => built().provisioner);
export type HttpProvisionerSpec = z.output<typeof HttpProvisionerSchema>;

export const ConnectorSecretSchema = z.lazy(() => built().connectorSecret);
export type ConnectorSecret = z.output<typeof ConnectorSecretSchema>;
