/**
 * Fills the `http` provisioner's templates from the payload, escaping each value for where it
 * lands, so a name or custom field can never change a URL's path, a JSON body's structure or
 * add a header. Pure: no I/O.
 */
import { type HttpRequestSpec, parseUrlTemplate, placeholderNames, type QueryParamTemplate, type TemplatePart, templateParts } from '../rules/http-spec';
import type { Entitlement } from './entitlement';

/** A body template as http-spec.ts parses it: strings anywhere in it may hold placeholders. */
export type JsonTemplate = Exclude<HttpRequestSpec['body'], undefined>;

const CUSTOM_FIELD_PREFIX = 'custom_fields.';

/** The raw text of one placeholder; missing or null values are empty. `undefined` = not a placeholder. */
export function placeholderValue(name: string, entitlement: Entitlement): string | undefined {
  switch (name) {
    case 'target.email':
      return entitlement.person.email;
    case 'target.given_name':
      return entitlement.person.given_name ?? '';
    case 'target.family_name':
      return entitlement.person.family_name ?? '';
    case 'app.id':
      return entitlement.app.id;
    case 'app.instance_id':
      return entitlement.app.instance_id ?? '';
    case 'app.label':
      return entitlement.app.label ?? '';
    case 'permission.value':
      return entitlement.permission.value;
    case 'permission.label':
      return entitlement.permission.label ?? '';
    case 'access_length':
      return entitlement.access_length === null ? '' : String(entitlement.access_length);
    case 'request_task_url':
      return entitlement.request_task_url ?? '';
    default:
      return name.startsWith(CUSTOM_FIELD_PREFIX) ? customField(name.slice(CUSTOM_FIELD_PREFIX.length), entitlement) : undefined;
  }
}

function customField(field: string, entitlement: Entitlement): string {
  // Own properties only: `{custom_fields.constructor}` must not reach Object.prototype.
  if (!Object.hasOwn(entitlement.custom_fields, field)) return '';
  const value = entitlement.custom_fields[field];
  if (value === undefined || value === null) return '';
  return Array.isArray(value) ? value.join(', ') : value;
}

// http-spec.ts cuts the template, so the schema and the renderer agree on what is a placeholder.
function fill(template: string, entitlement: Entitlement, encode: (value: string) => string): string {
  return templateParts(template)
    .map((part) => ('text' in part ? part.text : encode(placeholderValue(part.placeholder, entitlement) ?? '')))
    .join('');
}

// encodeURIComponent throws on a lone surrogate, which a JSON payload can carry ("\ud800").
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Percent-encoded so that "/", "\", "?", "#", "&" and "=" stay data, not structure. */
function encodeValue(value: string): string {
  return encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));
}

// A URL parser trims spaces and controls from the ends and drops tabs and line breaks anywhere,
// which could join a value to fixed text (".{x}\n" with x="." reads as ".."): encode them.
// The rule schema refuses them; this keeps a spec that skipped it to the same structure.
const encodeFixed = (text: string): string =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this encodes
  text.replace(/[\u0000-\u0020\u007f]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);

// The URL parser removes a segment that is "." and pops one for "..", in any mix with %2e.
const DOT_SEGMENTS = new Set(['', '.', '..']);

export type RenderedUrl = { ok: true; url: string } | { ok: false; problem: string };

/**
 * The URL is built by its structure: scheme and host are the template's fixed text; in the path
 * each placeholder is percent-encoded within its segment, and a segment a placeholder helped
 * fill may not end up empty, "." or ".." (or %2e forms), which would drop or climb a segment;
 * in the query a placeholder fills (part of) one value. Anything else is refused with a
 * problem that names the placeholder and shows no more of the payload than the refused segment.
 */
export function renderUrl(template: string, entitlement: Entitlement): RenderedUrl {
  const url = parseUrlTemplate(template);
  if (!url) return { ok: false, problem: 'the URL template is not an absolute http(s) URL' };
  const hostProblem = placeholderRefusal(url.authority, 'cannot be in the host; the host must be fixed text');
  if (hostProblem) return hostProblem;
  let rendered = `${url.scheme}://${url.authority.map((part) => ('text' in part ? part.text : '')).join('')}`;

  const path = renderPath(url.segments, entitlement);
  if (typeof path !== 'string') return path;
  rendered += path;

  if (url.query) {
    const query = renderQuery(url.query, entitlement);
    if (typeof query !== 'string') return query;
    rendered += query;
  }

  if (url.fragment) {
    const fragmentProblem = placeholderRefusal(url.fragment, 'cannot be in the fragment (#...)');
    if (fragmentProblem) return fragmentProblem;
    // Fixed text only; fetch never sends a fragment anyway.
    rendered += `#${fillUrlParts(url.fragment, entitlement)}`;
  }
  return { ok: true, url: rendered };
}

type UrlRefusal = Extract<RenderedUrl, { ok: false }>;

/** A refusal naming the placeholders among the parts, when there are any. */
function placeholderRefusal(parts: TemplatePart[], where: string): UrlRefusal | undefined {
  const names = placeholderNames(parts);
  return names.length > 0 ? { ok: false, problem: `${names.length === 1 ? 'placeholder' : 'placeholders'} ${names.join(', ')} ${where}` } : undefined;
}

function fillUrlParts(parts: TemplatePart[], entitlement: Entitlement): string {
  return parts.map((part) => ('text' in part ? encodeFixed(part.text) : encodeValue(placeholderValue(part.placeholder, entitlement) ?? ''))).join('');
}

/** Each segment as "/<text>", or the refusal of a segment a placeholder made empty, "." or "..". */
function renderPath(segments: TemplatePart[][], entitlement: Entitlement): string | UrlRefusal {
  let rendered = '';
  for (const segment of segments) {
    const text = fillUrlParts(segment, entitlement);
    const readAs = text.replace(/%2e/gi, '.');
    if (DOT_SEGMENTS.has(readAs) && placeholderNames(segment).length > 0) return { ok: false, problem: dotSegmentProblem(segment, text, readAs) };
    rendered += `/${text}`;
  }
  return rendered;
}

/** "?" and the parameters, or the refusal of a placeholder in a parameter's name. */
function renderQuery(query: QueryParamTemplate[], entitlement: Entitlement): string | UrlRefusal {
  const params: string[] = [];
  for (const param of query) {
    const nameProblem = placeholderRefusal(param.name, "cannot be in a query parameter's name; placeholders fill only values");
    if (nameProblem) return nameProblem;
    params.push(
      param.value === undefined ? fillUrlParts(param.name, entitlement) : `${fillUrlParts(param.name, entitlement)}=${fillUrlParts(param.value, entitlement)}`,
    );
  }
  return `?${params.join('&')}`;
}

function dotSegmentProblem(segment: TemplatePart[], text: string, readAs: string): string {
  const [only] = segment;
  if (segment.length === 1 && only !== undefined && 'placeholder' in only) {
    const gives = text === '' ? 'an empty value' : `"${text}"`;
    return `placeholder {${only.placeholder}} gives ${gives}, which cannot be a path segment`;
  }
  const names = placeholderNames(segment);
  const shown = text === '' ? 'empty' : `"${text}"${readAs === text ? '' : ` (read as "${readAs}")`}`;
  return `${names.length === 1 ? 'placeholder' : 'placeholders'} ${names.join(', ')} make${names.length === 1 ? 's' : ''} the path segment ${shown}, which is not allowed`;
}

/**
 * Values become plain string content; the caller's `JSON.stringify` does the escaping, so a value
 * holding quotes or JSON text stays a string. Object keys are fixed text and are not filled.
 */
export function renderJson(template: JsonTemplate, entitlement: Entitlement): unknown {
  if (typeof template === 'string') return fill(template, entitlement, (value) => value);
  if (Array.isArray(template)) return template.map((item) => renderJson(item, entitlement));
  if (template !== null && typeof template === 'object') {
    // fromEntries defines own properties, so a "__proto__" key stays a key rather than a prototype.
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, renderJson(value, entitlement)]));
  }
  return template;
}

// CR and LF would start a new header; NUL is refused by fetch outright.
const HEADER_BREAKERS = /[\r\n\0]/g;

/** CR, LF and NUL are removed (from the template and the values), so nothing can add a header. */
export function renderHeader(template: string, entitlement: Entitlement): string {
  return fill(template, entitlement, (value) => value).replace(HEADER_BREAKERS, '');
}
