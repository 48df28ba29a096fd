/**
 * Fills the `http` provisioner's templates from the payload, escaping each value for where it
 * lands, so a name or custom field can never change a URL's path, a JSON body's structure or
 * add a header. Pure: no I/O.
 */
import type { HttpRequestSpec } from './http-spec';
import type { GrantTarget } from './provisioner';

/** A body template as http-spec.ts parses it: strings anywhere in it may hold placeholders. */
export type JsonTemplate = Exclude<HttpRequestSpec['body'], undefined>;

// Same syntax http-spec.ts validates; anything that is not a known name stays as written.
const PLACEHOLDER = /\{([^{}]+)\}/g;
const CUSTOM_FIELD_PREFIX = 'custom_fields.';

/** The raw text of one placeholder; missing or null values are empty. `undefined` = not a placeholder. */
export function placeholderValue(name: string, target: GrantTarget): string | undefined {
  switch (name) {
    case 'target.email':
      return target.target.email;
    case 'target.given_name':
      return target.target.given_name ?? '';
    case 'target.family_name':
      return target.target.family_name ?? '';
    case 'app.id':
      return target.app.id;
    case 'app.instance_id':
      return target.app.instance_id ?? '';
    case 'app.label':
      return target.app.label ?? '';
    case 'permission.value':
      return target.permission.value;
    case 'permission.label':
      return target.permission.label ?? '';
    case 'access_length':
      return target.access_length === null ? '' : String(target.access_length);
    case 'request_task_url':
      return target.request_task_url ?? '';
    default:
      return name.startsWith(CUSTOM_FIELD_PREFIX) ? customField(name.slice(CUSTOM_FIELD_PREFIX.length), target) : undefined;
  }
}

function customField(field: string, target: GrantTarget): string {
  // Own properties only: `{custom_fields.constructor}` must not reach Object.prototype.
  if (!Object.hasOwn(target.custom_fields, field)) return '';
  const value = target.custom_fields[field];
  if (value === undefined || value === null) return '';
  return Array.isArray(value) ? value.join(', ') : value;
}

function fill(template: string, target: GrantTarget, escape: (value: string) => string): string {
  return template.replace(PLACEHOLDER, (whole: string, name: string) => {
    const value = placeholderValue(name, target);
    return value === undefined ? whole : escape(value);
  });
}

// encodeURIComponent throws on a lone surrogate, which a JSON payload can carry ("\ud800").
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Every value is percent-encoded, in the path and the query alike, so it stays one segment or parameter. */
export function renderUrl(template: string, target: GrantTarget): string {
  return fill(template, target, (value) => encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD')));
}

/**
 * Values become plain string content; the caller's `JSON.stringify` does the escaping, so a value
 * holding quotes or JSON text stays a string. Object keys are fixed text and are not filled.
 */
export function renderJson(template: JsonTemplate, target: GrantTarget): unknown {
  if (typeof template === 'string') return fill(template, target, (value) => value);
  if (Array.isArray(template)) return template.map((item) => renderJson(item, target));
  if (template !== null && typeof template === 'object') {
    // fromEntries defines own properties, so a "__proto__" key stays a key rather than a prototype.
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, renderJson(value, target)]));
  }
  return template;
}

// CR and LF would start a new header; NUL is refused by fetch outright.
const HEADER_BREAKERS = /[\r\n\0]/g;

/** CR, LF and NUL are removed (from the template and the values), so nothing can add a header. */
export function renderHeader(template: string, target: GrantTarget): string {
  return fill(template, target, (value) => value).replace(HEADER_BREAKERS, '');
}
