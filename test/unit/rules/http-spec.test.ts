import { describe, expect, it } from 'vitest';
import { renderJson } from '../../../src/provisioners/templates';
import { HttpRequestSpecSchema } from '../../../src/rules/http-spec';
import { sampleEntitlement } from '../../support/entitlement';

describe('HttpRequestSpecSchema URL templates', () => {
  const problems = (spec: Record<string, unknown>): string[] => {
    const parsed = HttpRequestSpecSchema.safeParse({ method: 'POST', url: 'https://api.example.com/', ...spec });
    return parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
  };

  it('accepts placeholders in path segments and query values', () => {
    expect(problems({ url: 'https://api.example.com/v1/users/{target.email}/x-{custom_fields.sku}?role={permission.value}&ttl={access_length}' })).toEqual([]);
  });

  it.each([
    ['https://api.example.com/x?{app.id}=1', 'placeholders fill only query values, not names: {app.id}; write name={app.id}'],
    ['https://api.example.com/x?a=1&{app.id}', 'placeholders fill only query values, not names: {app.id}; write name={app.id}'],
    ['https://api.example.com/x#{app.id}', 'a fragment (#...) is not allowed in the URL; it is never sent'],
    ['https://api.example.com/x#top', 'a fragment (#...) is not allowed in the URL; it is never sent'],
    ['https://api.example.com/a\\{app.id}', 'a backslash is not allowed in the URL (URL parsers read it as "/")'],
    ['https://api.example.com/a b/{app.id}', 'spaces and control characters are not allowed in the URL; percent-encode them (a space is %20)'],
    ['https://api.example.com/{app.id}\n', 'spaces and control characters are not allowed in the URL; percent-encode them (a space is %20)'],
    ['https://{app.id}.example.com/', 'placeholders are not allowed in the host'],
    ['users/{target.email}', 'expected an absolute URL such as https://api.example.com/...'],
  ])('refuses %j with a clear message', (url, message) => {
    expect(problems({ url })).toContain(message);
  });

  it('refuses a "__proto__" key in the body or the headers, which would otherwise vanish', () => {
    // Prepare: JSON.parse makes "__proto__" an own key, as a rule read as JSON would have it.
    const body = JSON.parse('{"user": {"__proto__": {"admin": "{app.id}"}}}') as unknown;
    const headers = JSON.parse('{"__proto__": "x"}') as unknown;
    // Act
    const parsed = HttpRequestSpecSchema.safeParse({ method: 'POST', url: 'https://api.example.com/', body, headers });
    // Assess
    expect(parsed.success ? [] : parsed.error.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['body.user', 'a key named "__proto__" cannot be sent; rename it'],
      ['headers', 'a key named "__proto__" cannot be sent; rename it'],
    ]);
  });

  it('refuses an object whose "__proto__" key became its prototype, as the DynamoDB unmarshaller does', () => {
    // Prepare: what `acc["__proto__"] = value` leaves behind.
    const body: Record<string, unknown> = { sku: '{permission.value}' };
    Object.setPrototypeOf(body, { admin: true });
    // Act / Assess
    expect(problems({ body })).toEqual(['a key named "__proto__" cannot be sent; rename it']);
  });

  it('keeps "constructor" and "toString" keys as ordinary keys', () => {
    // Prepare
    const spec = HttpRequestSpecSchema.parse({
      method: 'POST',
      url: 'https://api.example.com/',
      body: { constructor: '{app.id}', toString: 'x' },
      headers: { constructor: '{app.id}' },
    });
    // Act / Assess
    expect(JSON.stringify(renderJson(spec.body ?? null, sampleEntitlement()))).toBe('{"constructor":"licence_app","toString":"x"}');
    expect(Object.keys(spec.headers ?? {})).toEqual(['constructor']);
  });
});
