import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePayload, subjectEmail, undocumentedPermissionTags, LumosPayloadSchema, type ParsedRequest } from '../../src/lumos/payload';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'lumos');
const load = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
const listJson = (dir: string) => readdirSync(join(FIXTURES, dir)).filter((file) => file.endsWith('.json')).map((file) => (dir === '.' ? file : `${dir}/${file}`));

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
  'edge/unknown-fields-and-sources.json': ({ payload }) => {
    expect(payload).not.toHaveProperty('something_lumos_added_later');
    expect(undocumentedPermissionTags(payload)).toEqual(['source=NEW_IDP', 'type=GROUP']);
  },
};

const INVALID: Record<string, string> = {
  'invalid/missing-app-id.json': 'application.app_id',
  'invalid/empty-permissions.json': 'permissions',
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

  it('lets deprovisioning carry an empty permission list (every grant of the subject)', () => {
    expect(parsePayload(load('invalid/empty-permissions.json'), 'deprovisioning').ok).toBe(true);
  });

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
    const outcome = parsePayload({ application: { app_id: 'a' }, permissions: [{ value: 'p' }], target_user: { email: 'a@b.c' }, access_length: -1 }, 'pre_approval');
    expect(outcome.ok).toBe(false);
  });

  it('keeps nested custom-field answers as text and survives any depth', () => {
    // Prepare: 20,000 levels of nesting in one answer.
    let deep: unknown = 'x';
    for (let level = 0; level < 20_000; level += 1) deep = [deep];
    const body = { application: { app_id: 'a' }, permissions: [{ value: 'p' }], target_user: { email: 'a@b.c' }, custom_fields: { deep, object: { k: 1 }, list: ['a', 2] } };
    // Act
    const outcome = parsePayload(body, 'pre_approval');
    // Assess
    expect(outcome.ok).toBe(true);
    if (outcome.ok) expect(outcome.request.payload.custom_fields).toMatchObject({ object: '{"k":1}', list: ['a', '2'] });
  });
});
