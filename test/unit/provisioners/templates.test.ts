import { describe, expect, it } from 'vitest';
import { HTTP_PLACEHOLDERS } from '../../../src/provisioners/http-spec';
import type { GrantTarget } from '../../../src/provisioners/provisioner';
import { placeholderValue, renderHeader, renderJson, renderUrl } from '../../../src/provisioners/templates';

function grantTarget(overrides: Partial<GrantTarget> = {}): GrantTarget {
  return {
    app: { id: 'licence_app', instance_id: 'inst-1', label: 'Licence App' },
    permission: { value: 'editor', label: 'Editor' },
    target: { email: 'peter.parker@example.com', given_name: 'Peter', family_name: 'Parker' },
    custom_fields: { username: 'pparker', teams: ['red', 'blue'] },
    access_length: 43189,
    request_task_url: 'https://lumos.example/tasks?requestId=1',
    ...overrides,
  };
}

describe('placeholderValue', () => {
  it('knows every placeholder the rule schema accepts', () => {
    for (const name of HTTP_PLACEHOLDERS) expect(placeholderValue(name, grantTarget())).toBeDefined();
  });

  it('gives the payload values as text', () => {
    const target = grantTarget();
    expect(
      ['target.email', 'target.given_name', 'target.family_name', 'app.id', 'app.instance_id', 'app.label', 'permission.value', 'permission.label', 'access_length', 'request_task_url'].map(
        (name) => placeholderValue(name, target),
      ),
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
    const target = grantTarget({
      app: { id: 'a', instance_id: null, label: null },
      permission: { value: 'p', label: null },
      target: { email: 'x@example.com', given_name: null, family_name: null },
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
    const target = grantTarget();
    expect(placeholderValue('custom_fields.username', target)).toBe('pparker');
    expect(placeholderValue('custom_fields.teams', target)).toBe('red, blue');
  });

  it('renders a missing custom field as empty and never reaches inherited properties', () => {
    // Prepare: the payload parser builds custom fields without a prototype; a plain object must be safe too.
    const target = grantTarget({ custom_fields: {} });
    // Act / Assess
    expect(placeholderValue('custom_fields.missing', target)).toBe('');
    expect(placeholderValue('custom_fields.constructor', target)).toBe('');
    expect(placeholderValue('custom_fields.toString', target)).toBe('');
    expect(placeholderValue('custom_fields.__proto__', target)).toBe('');
  });

  it('does not treat unknown names as placeholders', () => {
    expect(placeholderValue('target.password', grantTarget())).toBeUndefined();
  });
});

describe('renderUrl', () => {
  it('percent-encodes values in the path so they stay one segment', () => {
    // Prepare
    const target = grantTarget({ custom_fields: { username: '../admin/x?y=1#frag' } });
    // Act
    const url = renderUrl('https://api.example.com/users/{custom_fields.username}/grants', target);
    // Assess
    expect(url).toBe('https://api.example.com/users/..%2Fadmin%2Fx%3Fy%3D1%23frag/grants');
    expect(new URL(url).pathname).toBe('/users/..%2Fadmin%2Fx%3Fy%3D1%23frag/grants');
  });

  it('percent-encodes values in the query so they stay one parameter', () => {
    // Prepare
    const target = grantTarget({ permission: { value: 'a b&admin=true#x', label: null } });
    // Act
    const url = new URL(renderUrl('https://api.example.com/grants?role={permission.value}&email={target.email}', target));
    // Assess
    expect([...url.searchParams.keys()]).toEqual(['role', 'email']);
    expect(url.searchParams.get('role')).toBe('a b&admin=true#x');
    expect(url.searchParams.get('email')).toBe('peter.parker@example.com');
    expect(url.hash).toBe('');
  });

  it('encodes unicode as UTF-8 and survives a lone surrogate', () => {
    const target = grantTarget({ target: { email: 'z@example.com', given_name: 'Zoë 日本', family_name: '\uD800' } });
    expect(renderUrl('https://api.example.com/{target.given_name}/{target.family_name}', target)).toBe(
      'https://api.example.com/Zo%C3%AB%20%E6%97%A5%E6%9C%AC/%EF%BF%BD',
    );
  });

  it('renders a missing value as empty and leaves text that is not a placeholder alone', () => {
    const target = grantTarget({ access_length: null });
    expect(renderUrl('https://api.example.com/x?ttl={access_length}&raw={not.a.placeholder}', target)).toBe(
      'https://api.example.com/x?ttl=&raw={not.a.placeholder}',
    );
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
    const body = renderJson(template, grantTarget());
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
    const target = grantTarget({ target: { email: 'z@example.com', given_name: hostile, family_name: null } });
    // Act
    const text = JSON.stringify(renderJson({ name: 'Hi {target.given_name}!', admin: false }, target));
    // Assess
    expect(JSON.parse(text)).toEqual({ name: `Hi ${hostile}!`, admin: false });
    expect(text).toContain('\\"admin\\"');
    expect(text).toContain('\\\\ \\n end');
  });

  it('keeps a value that looks like JSON as a string', () => {
    const target = grantTarget({ custom_fields: { extra: '{"admin": true}' } });
    expect(renderJson({ extra: '{custom_fields.extra}' }, target)).toEqual({ extra: '{"admin": true}' });
  });

  it('keeps a "__proto__" key as an own key', () => {
    // Prepare: JSON.parse makes "__proto__" an own property, as a stored rule would.
    const template = JSON.parse('{"__proto__": {"polluted": "{app.id}"}}') as Record<string, string>;
    // Act
    const text = JSON.stringify(renderJson(template, grantTarget()));
    // Assess
    expect(text).toBe('{"__proto__":{"polluted":"licence_app"}}');
  });
});

describe('renderHeader', () => {
  it('fills values into the header', () => {
    expect(renderHeader('Lumos {app.label} for {target.email}', grantTarget())).toBe('Lumos Licence App for peter.parker@example.com');
  });

  it('removes CR, LF and NUL so a value cannot add a header', () => {
    // Prepare
    const target = grantTarget({ custom_fields: { ticket: 'T-1\r\nX-Admin: yes\n\0' } });
    // Act
    const value = renderHeader('{custom_fields.ticket}', target);
    // Assess
    expect(value).toBe('T-1X-Admin: yes');
    expect(() => new Headers({ 'x-ticket': value })).not.toThrow();
  });

  it('renders a missing value as empty', () => {
    expect(renderHeader('ref={custom_fields.ticket}', grantTarget())).toBe('ref=');
  });
});
