import { describe, expect, it } from 'vitest';
import type { Entitlement } from '../../../src/provisioners/entitlement';
import { placeholderValue, renderHeader, renderJson, renderUrl } from '../../../src/provisioners/templates';
import { HTTP_PLACEHOLDERS } from '../../../src/rules/http-spec';
import { sampleEntitlement } from '../../support/entitlement';

describe('placeholderValue', () => {
  it('knows every placeholder the rule schema accepts', () => {
    for (const name of HTTP_PLACEHOLDERS) expect(placeholderValue(name, sampleEntitlement())).toBeDefined();
  });

  it('gives the payload values as text', () => {
    const target = sampleEntitlement();
    expect(
      [
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
      ].map((name) => placeholderValue(name, target)),
    ).toEqual([
      'peter.parker@example.com',
      'Peter',
      'Parker',
      'licence_app',
      'inst-1',
      'Licence App',
      'editor',
      'Editor',
      '43189',
      'https://lumos.example/tasks?requestId=1',
    ]);
  });

  it('renders null values and unlimited access as empty text', () => {
    // Prepare
    const target = sampleEntitlement({
      app: { id: 'a', instance_id: null, label: null },
      permission: { value: 'p', label: null },
      person: { email: 'x@example.com', given_name: null, family_name: null },
      access_length: null,
      request_task_url: null,
    });
    // Act
    const values = ['target.given_name', 'target.family_name', 'app.instance_id', 'app.label', 'permission.label', 'access_length', 'request_task_url'].map(
      (name) => placeholderValue(name, target),
    );
    // Assess
    expect(values).toEqual(['', '', '', '', '', '', '']);
  });

  it('reads custom fields, joining a list with ", "', () => {
    const target = sampleEntitlement();
    expect(placeholderValue('custom_fields.username', target)).toBe('pparker');
    expect(placeholderValue('custom_fields.teams', target)).toBe('red, blue');
  });

  it('renders a missing custom field as empty and never reaches inherited properties', () => {
    // Prepare: the payload parser builds custom fields without a prototype; a plain object must be safe too.
    const target = sampleEntitlement({ custom_fields: {} });
    // Act / Assess
    expect(placeholderValue('custom_fields.missing', target)).toBe('');
    expect(placeholderValue('custom_fields.constructor', target)).toBe('');
    expect(placeholderValue('custom_fields.toString', target)).toBe('');
    expect(placeholderValue('custom_fields.__proto__', target)).toBe('');
  });

  it('does not treat unknown names as placeholders', () => {
    expect(placeholderValue('target.password', sampleEntitlement())).toBeUndefined();
  });
});

/** The rendered URL, failing the test when it was refused. */
function rendered(template: string, target: Entitlement): string {
  const result = renderUrl(template, target);
  if (!result.ok) throw new Error(`refused: ${result.problem}`);
  return result.url;
}

const LICENCE_URL = 'https://api.example.com/users/{target.email}/licences/{custom_fields.sku}';
const withSku = (sku: string) => sampleEntitlement({ custom_fields: { sku } });

describe('renderUrl', () => {
  it('percent-encodes values in the path so they stay one segment', () => {
    // Prepare
    const target = sampleEntitlement({ custom_fields: { username: '../admin/x?y=1#frag' } });
    // Act
    const url = rendered('https://api.example.com/users/{custom_fields.username}/grants', target);
    // Assess
    expect(url).toBe('https://api.example.com/users/..%2Fadmin%2Fx%3Fy%3D1%23frag/grants');
    expect(new URL(url).pathname).toBe('/users/..%2Fadmin%2Fx%3Fy%3D1%23frag/grants');
  });

  it('percent-encodes values in the query so they stay one parameter', () => {
    // Prepare
    const target = sampleEntitlement({ permission: { value: 'a b&admin=true#x', label: null } });
    // Act
    const url = new URL(rendered('https://api.example.com/grants?role={permission.value}&email={target.email}', target));
    // Assess
    expect([...url.searchParams.keys()]).toEqual(['role', 'email']);
    expect(url.searchParams.get('role')).toBe('a b&admin=true#x');
    expect(url.searchParams.get('email')).toBe('peter.parker@example.com');
    expect(url.hash).toBe('');
  });

  it('encodes unicode as UTF-8 and survives a lone surrogate', () => {
    const target = sampleEntitlement({ person: { email: 'z@example.com', given_name: 'Zoë 日本', family_name: '\uD800' } });
    expect(rendered('https://api.example.com/{target.given_name}/{target.family_name}', target)).toBe(
      'https://api.example.com/Zo%C3%AB%20%E6%97%A5%E6%9C%AC/%EF%BF%BD',
    );
  });

  it('renders a missing value as empty in a query value and leaves text that is not a placeholder alone', () => {
    const target = sampleEntitlement({ access_length: null });
    expect(rendered('https://api.example.com/x?ttl={access_length}&raw={not.a.placeholder}', target)).toBe(
      'https://api.example.com/x?ttl=&raw={not.a.placeholder}',
    );
  });

  it.each([
    ['..', 'placeholder {custom_fields.sku} gives "..", which cannot be a path segment'],
    ['.', 'placeholder {custom_fields.sku} gives ".", which cannot be a path segment'],
    ['', 'placeholder {custom_fields.sku} gives an empty value, which cannot be a path segment'],
  ])('refuses %j as a whole path segment, naming the placeholder', (sku, problem) => {
    expect(renderUrl(LICENCE_URL, withSku(sku))).toEqual({ ok: false, problem });
  });

  it('refuses an email of "..", and a missing custom field, which is empty', () => {
    // Prepare
    const dots = sampleEntitlement({ person: { email: '..', given_name: null, family_name: null } });
    // Act / Assess
    expect(renderUrl(LICENCE_URL, dots)).toEqual({ ok: false, problem: 'placeholder {target.email} gives "..", which cannot be a path segment' });
    expect(renderUrl(LICENCE_URL, sampleEntitlement())).toEqual({
      ok: false,
      problem: 'placeholder {custom_fields.sku} gives an empty value, which cannot be a path segment',
    });
  });

  it.each([
    // [value, its last path segment as sent, the same segment as the server decodes it]
    ['%2e%2e', '%252e%252e', '%2e%2e'],
    ['%2E', '%252E', '%2E'],
    ['...', '...', '...'],
    ['.hidden', '.hidden', '.hidden'],
    ['../..', '..%2F..', '../..'],
    ['a/b', 'a%2Fb', 'a/b'],
    ['a?b=c', 'a%3Fb%3Dc', 'a?b=c'],
    ['#frag', '%23frag', '#frag'],
    ['a&b=c', 'a%26b%3Dc', 'a&b=c'],
    ['..\\..', '..%5C..', '..\\..'],
    ['a b', 'a%20b', 'a b'],
    ['\t\n', '%09%0A', '\t\n'],
    ['Zoë/日本', 'Zo%C3%AB%2F%E6%97%A5%E6%9C%AC', 'Zoë/日本'],
  ])('keeps %j inside its path segment', (sku, sent, decoded) => {
    // Act
    const url = new URL(rendered(LICENCE_URL, withSku(sku)));
    // Assess: same origin, same four segments, the value whole in the last one.
    const segments = url.pathname.split('/').slice(1);
    expect(url.origin).toBe('https://api.example.com');
    expect(segments).toEqual(['users', 'peter.parker%40example.com', 'licences', sent]);
    expect(decodeURIComponent(segments[3] as string)).toBe(decoded);
    expect(url.search).toBe('');
    expect(url.hash).toBe('');
  });

  it('allows dots in a segment that also holds fixed text', () => {
    expect(rendered('https://api.example.com/v1/user-{custom_fields.sku}/x', withSku('..'))).toBe('https://api.example.com/v1/user-../x');
    expect(new URL(rendered('https://api.example.com/v1/{custom_fields.sku}.json', withSku('.'))).pathname).toBe('/v1/..json');
  });

  it.each([
    [
      'two placeholders that together give ".."',
      'https://api.example.com/v1/{custom_fields.a}{custom_fields.b}/x',
      { a: '.', b: '.' },
      'placeholders {custom_fields.a}, {custom_fields.b} make the path segment "..", which is not allowed',
    ],
    [
      'a placeholder next to a fixed dot',
      'https://api.example.com/v1/.{custom_fields.a}/x',
      { a: '.' },
      'placeholder {custom_fields.a} makes the path segment "..", which is not allowed',
    ],
    [
      'an empty placeholder next to a fixed dot',
      'https://api.example.com/v1/{custom_fields.a}./x',
      { a: '' },
      'placeholder {custom_fields.a} makes the path segment ".", which is not allowed',
    ],
    [
      'a value completing a fixed "%"',
      'https://api.example.com/v1/%{custom_fields.a}/x',
      { a: '2e' },
      'placeholder {custom_fields.a} makes the path segment "%2e" (read as "."), which is not allowed',
    ],
    [
      'a value completing a fixed "%2E%"',
      'https://api.example.com/v1/%2E%{custom_fields.a}/x',
      { a: '2e' },
      'placeholder {custom_fields.a} makes the path segment "%2E%2e" (read as ".."), which is not allowed',
    ],
    [
      'two empty placeholders',
      'https://api.example.com/v1/{custom_fields.a}{custom_fields.b}',
      { a: '', b: '' },
      'placeholders {custom_fields.a}, {custom_fields.b} make the path segment empty, which is not allowed',
    ],
  ])('refuses %s', (_case, template, fields, problem) => {
    expect(renderUrl(template, sampleEntitlement({ custom_fields: fields }))).toEqual({ ok: false, problem });
  });

  it('judges segments the way a URL parser cuts them: at "\\" too, and with tabs and line breaks in fixed text kept', () => {
    // Prepare: a spec that skipped the rule schema, which refuses such fixed text.
    const target = withSku('..');
    // Act / Assess: "\" separates segments, so "{sku}" is a whole segment here.
    expect(renderUrl('https://api.example.com/v1\\{custom_fields.sku}\\x', target)).toEqual({
      ok: false,
      problem: 'placeholder {custom_fields.sku} gives "..", which cannot be a path segment',
    });
    // A parser would drop the line break and read "..", so it is encoded and the segment stays "..%0A".
    const url = new URL(rendered('https://api.example.com/v1/{custom_fields.sku}\n', target));
    expect(url.pathname).toBe('/v1/..%0A');
    // A trailing space would be trimmed away, leaving "..".
    expect(new URL(rendered('https://api.example.com/v1/{custom_fields.sku} ', target)).pathname).toBe('/v1/..%20');
  });

  it.each([
    ['..', 'https://api.example.com/x?sku=..&y=1'],
    ['', 'https://api.example.com/x?sku=&y=1'],
    ['a&y=2', 'https://api.example.com/x?sku=a%26y%3D2&y=1'],
    ['a=b', 'https://api.example.com/x?sku=a%3Db&y=1'],
    ['#f', 'https://api.example.com/x?sku=%23f&y=1'],
    ['1+1 2', 'https://api.example.com/x?sku=1%2B1%202&y=1'],
  ])('fills one query value with %j', (sku, expected) => {
    // Act
    const url = rendered('https://api.example.com/x?sku={custom_fields.sku}&y=1', withSku(sku));
    // Assess
    expect(url).toBe(expected);
    const parsed = new URL(url);
    expect([...parsed.searchParams.keys()]).toEqual(['sku', 'y']);
    expect(parsed.searchParams.get('sku')).toBe(sku);
    expect(parsed.hash).toBe('');
  });

  it('keeps a later "=" of a parameter in its value', () => {
    expect(rendered('https://api.example.com/x?filter=role={permission.value}', sampleEntitlement())).toBe('https://api.example.com/x?filter=role=editor');
  });

  it.each([
    ['the host', 'https://{app.id}.example.com/x', 'placeholder {app.id} cannot be in the host; the host must be fixed text'],
    ['the port', 'https://api.example.com:{access_length}/x', 'placeholder {access_length} cannot be in the host; the host must be fixed text'],
    [
      "a query parameter's name",
      'https://api.example.com/x?{app.id}=1',
      "placeholder {app.id} cannot be in a query parameter's name; placeholders fill only values",
    ],
    [
      'a query parameter without "="',
      'https://api.example.com/x?a=1&{app.id}',
      "placeholder {app.id} cannot be in a query parameter's name; placeholders fill only values",
    ],
    ['the fragment', 'https://api.example.com/x#{app.id}', 'placeholder {app.id} cannot be in the fragment (#...)'],
    ['a relative URL', '/users/{target.email}', 'the URL template is not an absolute http(s) URL'],
  ])('refuses a placeholder in %s', (_where, template, problem) => {
    expect(renderUrl(template, sampleEntitlement())).toEqual({ ok: false, problem });
  });

  it('splits the template as written, so a custom field name holding "/" or "?" is one placeholder', () => {
    // Prepare
    const target = sampleEntitlement({ custom_fields: { 'a/b?c': '..' } });
    // Act / Assess
    expect(renderUrl('https://api.example.com/v1/{custom_fields.a/b?c}', target)).toEqual({
      ok: false,
      problem: 'placeholder {custom_fields.a/b?c} gives "..", which cannot be a path segment',
    });
  });
});

describe('renderJson', () => {
  it('fills strings anywhere in the template and keeps other values and keys as written', () => {
    // Prepare
    const template = {
      user: { email: '{target.email}', name: '{target.given_name} {target.family_name}' },
      roles: ['{permission.value}', 'viewer'],
      ttl: '{access_length}',
      notify: false,
      limit: 3,
      note: null,
      '{app.id}': 'key stays',
    };
    // Act
    const body = renderJson(template, sampleEntitlement());
    // Assess
    expect(body).toEqual({
      user: { email: 'peter.parker@example.com', name: 'Peter Parker' },
      roles: ['editor', 'viewer'],
      ttl: '43189',
      notify: false,
      limit: 3,
      note: null,
      '{app.id}': 'key stays',
    });
  });

  it('keeps quotes, backslashes and newlines as string content, so the structure cannot change', () => {
    // Prepare
    const hostile = 'x", "admin": true, "y": "\\ \n end';
    const target = sampleEntitlement({ person: { email: 'z@example.com', given_name: hostile, family_name: null } });
    // Act
    const text = JSON.stringify(renderJson({ name: 'Hi {target.given_name}!', admin: false }, target));
    // Assess
    expect(JSON.parse(text)).toEqual({ name: `Hi ${hostile}!`, admin: false });
    expect(text).toContain('\\"admin\\"');
    expect(text).toContain('\\\\ \\n end');
  });

  it('keeps a value that looks like JSON as a string', () => {
    const target = sampleEntitlement({ custom_fields: { extra: '{"admin": true}' } });
    expect(renderJson({ extra: '{custom_fields.extra}' }, target)).toEqual({ extra: '{"admin": true}' });
  });

  it('keeps a "__proto__" key as an own key', () => {
    // Prepare: JSON.parse makes "__proto__" an own property, as a stored rule would.
    const template = JSON.parse('{"__proto__": {"polluted": "{app.id}"}}') as Record<string, string>;
    // Act
    const text = JSON.stringify(renderJson(template, sampleEntitlement()));
    // Assess
    expect(text).toBe('{"__proto__":{"polluted":"licence_app"}}');
  });
});

describe('renderHeader', () => {
  it('fills values into the header', () => {
    expect(renderHeader('Lumos {app.label} for {target.email}', sampleEntitlement())).toBe('Lumos Licence App for peter.parker@example.com');
  });

  it('removes CR, LF and NUL so a value cannot add a header', () => {
    // Prepare
    const target = sampleEntitlement({ custom_fields: { ticket: 'T-1\r\nX-Admin: yes\n\0' } });
    // Act
    const value = renderHeader('{custom_fields.ticket}', target);
    // Assess
    expect(value).toBe('T-1X-Admin: yes');
    expect(() => new Headers({ 'x-ticket': value })).not.toThrow();
  });

  it('renders a missing value as empty', () => {
    expect(renderHeader('ref={custom_fields.ticket}', sampleEntitlement())).toBe('ref=');
  });
});
