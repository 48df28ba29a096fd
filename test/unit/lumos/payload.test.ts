import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LumosPayloadSchema, type ParsedRequest, parsePayload, subjectEmail, undocumentedPermissionTags } from '../../../src/lumos/payload';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'lumos');
const load = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
const listJson = (dir: string) =>
  readdirSync(join(FIXTURES, dir))
    .filter((file) => file.endsWith('.json'))
    .map((file) => (dir === '.' ? file : `${dir}/${file}`));

function accepted(name: string, kind: Parameters<typeof parsePayload>[1] = 'pre_approval'): ParsedRequest {
  const outcome = parsePayload(load(name), kind);
  if (!outcome.ok) throw new Error(`${name} rejected: ${JSON.stringify(outcome.issues)}`);
  return outcome.request;
}

/** What each fixture must parse to; a fixture without an entry fails the coverage test below. */
const VALID: Record<string, (request: ParsedRequest) => void> = {
  'pre-approval.json': ({ payload, subject }) => {
    expect(subject).toBe('peterparker@lumos.com');
    expect(payload.access_length).toBe(43189);
    expect(payload.custom_fields).toEqual({ username: 'pparker' });
    expect(payload.permissions[0]).toMatchObject({ value: 'Permission One', source: 'MANUAL' });
  },
  'provisioning.json': ({ payload, subject }) => {
    expect(subject).toBe('peterparker@lumos.com');
    expect(payload.custom_fields).toEqual({});
    expect(payload.request_task_url).toContain('requestId=12898293343');
  },
  'edge/custom-fields-list.json': ({ payload }) => expect(payload.custom_fields).toEqual({ username: 'pparker', ticket: '4711' }),
  'edge/custom-fields-none-string.json': ({ payload }) => expect(payload.custom_fields).toEqual({}),
  'edge/access-length-string.json': ({ payload }) => expect(payload.access_length).toBe(3600),
  'edge/unlimited-access.json': ({ payload }) => expect(payload.access_length).toBeNull(),
  'edge/subject-from-account.json': ({ subject }) => expect(subject).toBe('peterparker@lumos.com'),
  'edge/subject-from-user.json': ({ subject }) => expect(subject).toBe('peterparker@lumos.com'),
  'edge/requester-only.json': ({ subject }) => expect(subject).toBe('peterparker@lumos.com'),
  'edge/app-level.json': ({ payload }) => expect(payload.permissions).toEqual([]),
  'edge/unknown-fields-and-sources.json': ({ payload }) => {
    expect(payload).not.toHaveProperty('something_lumos_added_later');
    expect(undocumentedPermissionTags(payload)).toEqual(['source=NEW_IDP', 'type=GROUP']);
  },
};

const INVALID: Record<string, string> = {
  'invalid/missing-app-id.json': 'application.app_id',
  'invalid/no-subject-email.json': 'target_user.email',
  'invalid/bad-access-length.json': 'access_length',
  'invalid/permission-without-value.json': 'permissions[0].value',
};

describe('Lumos payload', () => {
  it('has an expectation for every fixture file', () => {
    const files = [...listJson('.'), ...listJson('edge'), ...listJson('invalid')].sort();
    expect(files).toEqual([...Object.keys(VALID), ...Object.keys(INVALID)].sort());
  });

  it.each(Object.entries(VALID))('accepts %s', (name, check) => {
    check(accepted(name));
  });

  it.each(Object.entries(INVALID))('rejects %s at %s', (name, path) => {
    // Act
    const outcome = parsePayload(load(name), 'pre_approval');
    // Assess
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.issues.map((issue) => issue.path)).toContain(path);
  });

  it('says "required" for a missing field rather than a type dump', () => {
    const outcome = parsePayload({ permissions: [{ value: 'x' }], target_user: { email: 'a@b.c' } }, 'pre_approval');
    expect(outcome).toEqual({ ok: false, issues: [{ path: 'application', message: 'required' }] });
  });

  it.each(['pre_approval', 'request_validation', 'provisioning', 'deprovisioning'] as const)(
    'lets %s carry an empty permission list (a request for the app itself)',
    (kind) => {
      expect(parsePayload(load('edge/app-level.json'), kind).ok).toBe(true);
    },
  );

  it('never falls back to the requester for provisioning or deprovisioning', () => {
    // Prepare
    const payload = LumosPayloadSchema.parse(load('edge/requester-only.json'));
    // Act / Assess
    expect(subjectEmail(payload, 'pre_approval')).toBe('peterparker@lumos.com');
    expect(subjectEmail(payload, 'request_validation')).toBe('peterparker@lumos.com');
    expect(subjectEmail(payload, 'provisioning')).toBeNull();
    expect(subjectEmail(payload, 'deprovisioning')).toBeNull();
    const outcome = parsePayload(load('edge/requester-only.json'), 'provisioning');
    expect(outcome.ok).toBe(false);
  });

  it('prefers target_user over account and user', () => {
    const payload = LumosPayloadSchema.parse({
      application: { app_id: 'a' },
      permissions: [],
      target_user: { email: 'Target@X.com' },
      account: { email: 'account@x.com' },
      user: { email: 'user@x.com' },
      requester_user: { email: 'requester@x.com' },
    });
    expect(subjectEmail(payload, 'provisioning')).toBe('target@x.com');
  });

  it('rejects a negative access_length', () => {
    const outcome = parsePayload(
      { application: { app_id: 'a' }, permissions: [{ value: 'p' }], target_user: { email: 'a@b.c' }, access_length: -1 },
      'pre_approval',
    );
    expect(outcome.ok).toBe(false);
  });

  it('keeps nested custom-field answers as text and survives any depth', () => {
    // Prepare: 20,000 levels of nesting in one answer.
    let deep: unknown = 'x';
    for (let level = 0; level < 20_000; level += 1) deep = [deep];
    const body = {
      application: { app_id: 'a' },
      permissions: [{ value: 'p' }],
      target_user: { email: 'a@b.c' },
      custom_fields: { deep, object: { k: 1 }, list: ['a', 2] },
    };
    // Act
    const outcome = parsePayload(body, 'pre_approval');
    // Assess
    expect(outcome.ok).toBe(true);
    if (outcome.ok) expect(outcome.request.payload.custom_fields).toMatchObject({ object: '{"k":1}', list: ['a', '2'] });
  });
});

const base = { application: { app_id: 'demo_app' }, permissions: [{ value: 'Permission One' }], target_user: { email: 'peterparker@lumos.com' } };
const issuesOf = (body: unknown, kind: Parameters<typeof parsePayload>[1] = 'pre_approval') => {
  const outcome = parsePayload(body, kind);
  return outcome.ok ? [] : outcome.issues;
};

describe('Lumos payload: identities', () => {
  it('keeps a look-alike subject apart from the person it imitates', () => {
    const outcome = parsePayload({ ...base, target_user: { email: ' PeterPar\u212Aer@Lumos.com ' } }, 'deprovisioning');
    expect(outcome.ok && outcome.request.subject).toBe('peterpar\u212Aer@lumos.com');
  });

  it.each(['pre_approval', 'request_validation', 'provisioning', 'deprovisioning'] as const)('refuses a malformed subject for %s', (kind) => {
    expect(issuesOf({ ...base, target_user: { email: 'peter parker@lumos.com' } }, kind)).toEqual([
      { path: 'target_user.email', message: 'not an email address: whitespace or a control character inside' },
    ]);
  });

  it('names where a malformed subject came from', () => {
    expect(issuesOf({ ...base, target_user: null, account: { email: 'a@b@c' } }, 'provisioning')).toEqual([
      { path: 'account.email', message: 'not an email address: more than one "@"' },
    ]);
  });

  it.each(['pre_approval', 'request_validation', 'provisioning'] as const)('refuses a malformed requester for %s, where rules may ask about it', (kind) => {
    expect(issuesOf({ ...base, requester_user: { email: 'nobody' } }, kind)).toEqual([
      { path: 'requester_user.email', message: 'not an email address: no "@"' },
    ]);
  });

  it('ignores a malformed requester when deprovisioning, and says so', () => {
    const outcome = parsePayload({ ...base, requester_user: { email: 'nobody' } }, 'deprovisioning');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.request.payload.requester_user?.email).toBeNull();
    expect(outcome.ignored).toEqual([{ path: 'requester_user.email', message: 'not an email address: no "@"' }]);
  });

  it('ignores an unused malformed address', () => {
    expect(parsePayload({ ...base, account: { email: 'not an address' } }, 'pre_approval').ok).toBe(true);
  });
});

describe('Lumos payload: bounds', () => {
  it.each([
    [1e15, 'access_length above 10 years (315576000 s)'],
    [Number.MAX_VALUE, 'access_length above 10 years (315576000 s)'],
    ['1000000000000000', 'access_length above 10 years (315576000 s)'],
  ])('refuses access_length %j', (accessLength, message) => {
    expect(issuesOf({ ...base, access_length: accessLength }, 'provisioning')).toEqual([{ path: 'access_length', message }]);
  });

  it('accepts exactly ten years', () => {
    expect(issuesOf({ ...base, access_length: 315_576_000 }, 'provisioning')).toEqual([]);
  });

  it('treats an empty (or blank) optional string as absent', () => {
    const outcome = parsePayload(
      { ...base, application: { app_id: 'demo_app', instance_id: '', user_friendly_label: '  ' }, request_task_url: '' },
      'provisioning',
    );
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.request.payload.application).toMatchObject({ instance_id: null, user_friendly_label: null });
    expect(outcome.request.payload.request_task_url).toBeNull();
  });

  it('treats a blank intake answer as no answer', () => {
    const outcome = parsePayload({ ...base, custom_fields: { ticket: '  ', list: ['', ' '], kept: ['', 'x'] } }, 'pre_approval');
    expect(outcome.ok && outcome.request.payload.custom_fields).toEqual({ kept: ['x'] });
  });

  it('counts key lengths in UTF-8 bytes, so the grant key fits DynamoDB', () => {
    // 700 three-byte characters: 2,100 bytes.
    const issues = issuesOf({ ...base, permissions: [{ value: '\u20AC'.repeat(700) }] }, 'provisioning');
    expect(issues).toEqual([{ path: 'permissions[0].value', message: 'permission value longer than 1024 bytes (UTF-8)' }]);
  });

  it('refuses a permission whose key with the subject would not fit, naming the limit', () => {
    // "peterparker@lumos.com#" is 22 bytes: 1,010 more make 1,032.
    const issues = issuesOf({ ...base, permissions: [{ value: 'p'.repeat(1_010) }] }, 'provisioning');
    expect(issues).toEqual([{ path: 'permissions[0].value', message: 'too long for this subject: "<email>#<permission>" is 1032 bytes, at most 1024' }]);
  });

  it('refuses a 1,100-character permission, an over-long app_id and instance_id', () => {
    expect(issuesOf({ ...base, permissions: [{ value: 'p'.repeat(1_100) }] }, 'provisioning').map((issue) => issue.path)).toEqual(['permissions[0].value']);
    expect(issuesOf({ ...base, application: { app_id: 'a'.repeat(1_025) } }).map((issue) => issue.path)).toEqual(['application.app_id']);
    expect(issuesOf({ ...base, application: { app_id: 'a', instance_id: 'i'.repeat(1_025) } }).map((issue) => issue.path)).toEqual(['application.instance_id']);
  });

  it('deprovisions despite fields it does not need being out of bounds, and reports them', () => {
    const outcome = parsePayload(
      {
        ...base,
        access_length: 1e15,
        request_comment: 42,
        custom_fields: 'garbage',
        target_user: { email: 'peterparker@lumos.com', given_name: 7 },
        permissions: [{ value: 'Permission One', label: 9 }],
      },
      'deprovisioning',
    );
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.request.payload.access_length).toBeNull();
    expect(outcome.request.payload.permissions).toEqual([{ value: 'Permission One', label: null, type: null, source: null }]);
    expect(outcome.ignored.map((issue) => issue.path).sort()).toEqual([
      'access_length',
      'custom_fields',
      'permissions[0].label',
      'request_comment',
      'target_user.given_name',
    ]);
  });

  it('keeps an over-long or odd task URL when deprovisioning: dropping it would remove access other requests hold', () => {
    for (const url of ['x'.repeat(2_049), '__proto__']) {
      const outcome = parsePayload({ ...base, request_task_url: url }, 'deprovisioning');
      expect(outcome.ok && outcome.request.payload.request_task_url).toBe(url);
    }
    expect(issuesOf({ ...base, request_task_url: 'x'.repeat(2_049) }, 'provisioning').map((issue) => issue.path)).toEqual(['request_task_url']);
  });

  it('16.11 takes any task URL that fits as the name of a hold, "__proto__" and "constructor" included', () => {
    for (const url of ['__proto__', 'constructor', 'toString']) {
      const outcome = parsePayload({ ...base, request_task_url: url }, 'provisioning');
      expect(outcome.ok && outcome.request.payload.request_task_url).toBe(url);
    }
  });

  it('goes on deprovisioning past an unusable field next to a value nested too deep to copy', () => {
    const depth = 100_000;
    const body: unknown = JSON.parse(
      `{"application":{"app_id":"a"},"permissions":[{"value":"p"}],"target_user":{"email":"bob@corp.com"},"access_length":1e15,"custom_fields":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`,
    );
    const outcome = parsePayload(body, 'deprovisioning');
    expect(outcome.ok && outcome.ignored.map((issue) => issue.path)).toEqual(['access_length']);
  });

  it.each([
    ['the app', { application: { app_id: '' } }, 'application.app_id'],
    ['a permission', { permissions: [{ value: 'p'.repeat(1_100) }] }, 'permissions[0].value'],
    ['the subject', { target_user: { email: 'nobody' } }, 'target_user.email'],
    ['the instance', { application: { app_id: 'a', instance_id: 'i'.repeat(1_025) } }, 'application.instance_id'],
  ])('refuses deprovisioning only when %s is unusable', (_what, override, path) => {
    expect(issuesOf({ ...base, ...override }, 'deprovisioning').map((issue) => issue.path)).toContain(path);
  });
});
