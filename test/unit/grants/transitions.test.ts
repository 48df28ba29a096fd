import { describe, expect, it } from 'vitest';
import { grantKey } from '../../../src/grants/grant-item';
import { holdEnd, holdsAccess } from '../../../src/grants/holds';
import { GrantTransitionError, grantStateAt } from '../../../src/grants/lifecycle';
import { asGranting, asGrantRefused, asHeld, asPendingRemoval, asRemoved, asRevoking, withHold, withoutHold } from '../../../src/grants/transitions';
import type { Entitlement } from '../../../src/provisioners/entitlement';
import { HttpProvisionerSchema } from '../../../src/rules/http-spec';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const HOUR = 3_600_000;
const target = (overrides: Partial<Entitlement> = {}): Entitlement => ({
  app: { id: 'demo_app', instance_id: 'inst-1', label: 'Demo App' },
  permission: { value: 'admin', label: 'Admin' },
  person: { email: 'pp@lumos.com', given_name: 'Peter', family_name: 'Parker' },
  custom_fields: {},
  access_length: 3_600,
  request_task_url: 'task-a',
  ...overrides,
});
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

describe('grant key', () => {
  it('is the app instance and person#permission, falling back to the app id', () => {
    expect(grantKey(target())).toEqual({ app_instance: 'inst-1', subject_permission: 'pp@lumos.com#admin' });
    expect(grantKey(target({ app: { id: 'demo_app', instance_id: null, label: null } })).app_instance).toBe('demo_app');
  });
});

describe('holds', () => {
  it('starts a grant with one hold, expiring after access_length, and no TTL while it is held', () => {
    const grant = withHold(null, target(), 'rule-1', { type: 'ledger' }, NOW);
    expect(grant).toMatchObject({ version: 1, rule_id: 'rule-1', expires_at: at(HOUR).toISOString(), granted_at: NOW.toISOString() });
    expect(grant.holds).toEqual({ 'task-a': { granted_at: NOW.toISOString(), expires_at: at(HOUR).toISOString(), request_task_url: 'task-a' } });
    expect(grant).not.toHaveProperty('ttl');
  });

  it('expires with the latest hold, and never while one is unlimited', () => {
    const first = withHold(null, target({ access_length: 3_600 }), 'r', { type: 'ledger' }, NOW);
    const longer = withHold(first, target({ request_task_url: 'task-b', access_length: 7_200 }), 'r', { type: 'ledger' }, NOW);
    expect(longer).toMatchObject({ version: 2, expires_at: at(2 * HOUR).toISOString() });
    const unlimited = withHold(longer, target({ request_task_url: 'task-c', access_length: null }), 'r', { type: 'ledger' }, NOW);
    expect(unlimited.expires_at).toBeNull();
    expect(unlimited).not.toHaveProperty('ttl');
  });

  it('gives a grant held in a target system no TTL: it is gone only once a removal is confirmed', () => {
    const http = HttpProvisionerSchema.parse({
      type: 'http',
      secret: 'lumos-connectors/x',
      provision: { method: 'POST', url: 'https://api.example.com/users/{target.email}' },
      deprovision: { method: 'DELETE', url: 'https://api.example.com/users/{target.email}' },
    });
    const grant = withHold(null, target(), 'rule-1', http, NOW);
    expect(grant.expires_at).toBe(at(HOUR).toISOString());
    expect(grant).not.toHaveProperty('ttl');
    expect(asRemoved(asRevoking(grant, at(5_000), NOW), NOW).ttl).toBe(Math.floor(NOW.getTime() / 1000) + 7 * 86_400);
  });

  it('keeps the first rule and provisioner when another request adds a hold', () => {
    const first = withHold(null, target(), 'rule-1', { type: 'ledger' }, NOW);
    const second = withHold(first, target({ request_task_url: 'task-b' }), 'rule-2', { type: 'ledger' }, NOW);
    expect(second.rule_id).toBe('rule-1');
  });

  it('releases one hold while another active one remains, recomputing the expiry', () => {
    const a = withHold(null, target({ access_length: 7_200 }), 'r', { type: 'ledger' }, NOW);
    const ab = withHold(a, target({ request_task_url: 'task-b', access_length: 3_600 }), 'r', { type: 'ledger' }, NOW);
    const released = withoutHold(ab, 'task-a', NOW);
    expect(released.remove).toBe(false);
    if (!released.remove) expect(released.item).toMatchObject({ version: 3, expires_at: at(HOUR).toISOString(), holds: { 'task-b': expect.anything() } });
  });

  it('removes access when the last active hold goes, when only expired holds remain, or when no request is named', () => {
    const a = withHold(null, target(), 'r', { type: 'ledger' }, NOW);
    expect(withoutHold(a, 'task-a', NOW)).toEqual({ remove: true });
    const ab = withHold(a, target({ request_task_url: 'task-b' }), 'r', { type: 'ledger' }, NOW);
    expect(withoutHold(ab, 'task-a', at(2 * HOUR))).toEqual({ remove: true });
    expect(withoutHold(ab, null, NOW)).toEqual({ remove: true });
  });

  it('keeps access when a request that holds nothing ends while others are active', () => {
    const a = withHold(null, target(), 'r', { type: 'ledger' }, NOW);
    expect(withoutHold(a, 'task-unknown', NOW).remove).toBe(false);
  });

  it('files calls that name no request under one key', () => {
    // Prepare / Act: two calls that name no request
    const grant = withHold(null, target({ request_task_url: null }), 'r', { type: 'ledger' }, NOW);
    const again = withHold(grant, target({ request_task_url: null }), 'r', { type: 'ledger' }, at(HOUR));
    // Assess: one hold, under the key a reader of the grants table sees
    expect(Object.keys(grant.holds)).toEqual(['(no request named)']);
    expect(Object.keys(again.holds)).toEqual(['(no request named)']);
  });
});

describe('hold end', () => {
  it('never throws on a length too large for a date, and stays a four-digit-year ISO time', () => {
    // Prepare: an access_length whose end is past what Date can represent.
    const huge = target({ access_length: 1e15 });
    // Act
    const grant = withHold(null, huge, 'r', { type: 'ledger' }, NOW);
    // Assess
    expect(grant.holds['task-a']?.expires_at).toBe('9999-12-31T23:59:59.999Z');
    expect(grant.expires_at).toBe('9999-12-31T23:59:59.999Z');
    expect(holdEnd(NOW, Number.MAX_VALUE)).toBe('9999-12-31T23:59:59.999Z');
  });

  it('reads a non-finite length as unlimited and a negative one as already over', () => {
    expect(holdEnd(NOW, Number.POSITIVE_INFINITY)).toBeNull();
    expect(holdEnd(NOW, Number.NaN)).toBeNull();
    expect(holdEnd(NOW, -60)).toBe(NOW.toISOString());
    expect(holdEnd(NOW, null)).toBeNull();
  });
});

describe('lifecycle', () => {
  const held = () => withHold(null, target(), 'rule-1', { type: 'ledger' }, NOW);

  it('reads an item written before states existed as held', () => {
    const { state: _state, ...legacy } = held();
    expect(grantStateAt(legacy, NOW)).toBe('held');
    expect(holdsAccess(legacy, NOW)).toBe(true);
  });

  it('marks revoking with no holds and no TTL, until a time after which it reads as pending_removal', () => {
    // Act
    const revoking = asRevoking(held(), at(5_000), NOW);
    // Assess
    expect(revoking).toMatchObject({ state: 'revoking', revoking_until: at(5_000).toISOString(), holds: {}, version: 2 });
    expect(revoking).not.toHaveProperty('ttl');
    expect(grantStateAt(revoking, at(4_999))).toBe('revoking');
    expect(grantStateAt(revoking, at(5_000))).toBe('pending_removal');
    expect(grantStateAt({ ...revoking, revoking_until: 'not a time' }, NOW)).toBe('pending_removal');
  });

  it('counts revoking and pending_removal as still held, removed and nothing as absent', () => {
    const revoking = asRevoking(held(), at(5_000), NOW);
    expect(holdsAccess(revoking, NOW)).toBe(true);
    expect(holdsAccess(asPendingRemoval(revoking, 'API: answered HTTP 503', NOW), NOW)).toBe(true);
    expect(holdsAccess(asRemoved(revoking, NOW), NOW)).toBe(false);
    expect(holdsAccess(null, NOW)).toBe(false);
    expect(holdsAccess(held(), at(2 * HOUR))).toBe(false);
  });

  it('sets the TTL only once the access is gone', () => {
    const revoking = asRevoking(held(), at(5_000), NOW);
    const pending = asPendingRemoval(revoking, 'API: answered HTTP 503', NOW);
    expect(pending).toMatchObject({ state: 'pending_removal', removal_error: 'API: answered HTTP 503', holds: {}, version: 3 });
    expect(pending).not.toHaveProperty('ttl');
    expect(pending).not.toHaveProperty('revoking_until');
    const removed = asRemoved(revoking, NOW);
    expect(removed).toMatchObject({ state: 'removed', removed_at: NOW.toISOString(), expires_at: NOW.toISOString(), holds: {}, version: 3 });
    expect(removed.ttl).toBe(Math.floor(NOW.getTime() / 1000) + 7 * 86_400);
  });

  it('grants anew over a removed item, by the new rule, continuing its version', () => {
    const removed = asRemoved(asRevoking(held(), at(5_000), NOW), NOW);
    const again = withHold(removed, target({ request_task_url: 'task-b' }), 'rule-2', { type: 'ledger' }, at(HOUR));
    expect(again).toMatchObject({ state: 'held', rule_id: 'rule-2', version: 4, granted_at: at(HOUR).toISOString() });
    expect(Object.keys(again.holds)).toEqual(['task-b']);
    expect(again).not.toHaveProperty('removed_at');
  });

  it('holds a pending removal again by this request alone, keeping the recorded provisioner', () => {
    const spec = { type: 'ledger' } as const;
    const pending = asPendingRemoval(asRevoking(held(), at(5_000), NOW), 'failed', NOW);
    const again = withHold(pending, target({ request_task_url: 'task-b' }), 'rule-2', spec, at(HOUR));
    expect(again).toMatchObject({ state: 'held', rule_id: 'rule-1', version: 4 });
    expect(Object.keys(again.holds)).toEqual(['task-b']);
    expect(again).not.toHaveProperty('removal_error');
    expect(again).not.toHaveProperty('ttl');
    expect(again).not.toHaveProperty('removal_attempts');
    expect(again).not.toHaveProperty('next_attempt_at');
  });

  it('marks granting with the holds it will have, no TTL, until a time after which it reads as pending_removal', () => {
    // Act: a first grant, as provisioning writes it before calling the target.
    const next = withHold(null, target(), 'rule-1', { type: 'ledger' }, NOW);
    const granting = asGranting(next, null, at(5_000), NOW);
    // Assess
    expect(granting).toMatchObject({ state: 'granting', granting_until: at(5_000).toISOString(), version: 1, holds: next.holds, expires_at: next.expires_at });
    expect(granting).not.toHaveProperty('ttl');
    expect(grantStateAt(granting, at(4_999))).toBe('granting');
    expect(grantStateAt(granting, at(5_000))).toBe('pending_removal');
    expect(grantStateAt({ ...granting, granting_until: 'not a time' }, NOW)).toBe('pending_removal');
    // The access may exist from the moment the target is called.
    expect(holdsAccess(granting, NOW)).toBe(true);
    expect(holdsAccess(granting, at(2 * HOUR))).toBe(true);
  });

  it('turns a confirmed grant into held, one version on, with the expiry and TTL recomputed and the mark gone', () => {
    const next = withHold(null, target(), 'rule-1', { type: 'ledger' }, NOW);
    const held = asHeld(asGranting(next, null, at(5_000), NOW), at(1_000));
    expect(held).toEqual({ ...next, version: 2, updated_at: at(1_000).toISOString() });
    expect(held).not.toHaveProperty('granting_until');
  });

  it('puts a refused grant back as it was, one version on: nothing as removed with a TTL, removed as it was, a pending removal still pending', () => {
    // Nothing before
    const fromNothing = asGrantRefused(asGranting(withHold(null, target(), 'rule-1', { type: 'ledger' }, NOW), null, at(5_000), NOW), null, at(1_000));
    expect(fromNothing).toMatchObject({ state: 'removed', holds: {}, version: 2, removed_at: at(1_000).toISOString() });
    expect(fromNothing.ttl).toBe(Math.floor(at(1_000).getTime() / 1000) + 7 * 86_400);
    expect(fromNothing).not.toHaveProperty('granting_until');
    // Removed before: the tombstone comes back unchanged but for its version.
    const removed = asRemoved(asRevoking(held(), at(5_000), NOW), NOW);
    const refusedOverRemoved = asGrantRefused(
      asGranting(withHold(removed, target({ request_task_url: 'task-b' }), 'rule-2', { type: 'ledger' }, at(HOUR)), removed, at(HOUR + 5_000), at(HOUR)),
      removed,
      at(HOUR),
    );
    expect(refusedOverRemoved).toEqual({ ...removed, version: removed.version + 2, updated_at: at(HOUR).toISOString() });
    // A pending removal (or a mark past its time) stays a pending removal: the access may exist from before.
    const pending = asPendingRemoval(asRevoking(held(), at(5_000), NOW), 'API: answered HTTP 503', NOW);
    const overPending = asGrantRefused(
      asGranting(withHold(pending, target({ request_task_url: 'task-b' }), 'rule-2', { type: 'ledger' }, at(HOUR)), pending, at(HOUR + 5_000), at(HOUR)),
      pending,
      at(HOUR),
    );
    expect(overPending).toMatchObject({ state: 'pending_removal', removal_error: 'API: answered HTTP 503', holds: {}, rule_id: 'rule-1', version: 5 });
    expect(overPending).not.toHaveProperty('ttl');
    const abandoned = asRevoking(held(), at(5_000), NOW);
    const overAbandoned = asGrantRefused(
      asGranting(withHold(abandoned, target(), 'rule-1', { type: 'ledger' }, at(HOUR)), abandoned, at(HOUR + 5_000), at(HOUR)),
      abandoned,
      at(HOUR),
    );
    expect(overAbandoned).toMatchObject({ state: 'pending_removal', removal_error: 'an earlier removal did not record its outcome in time' });
    expect(overAbandoned).not.toHaveProperty('revoking_until');
  });
});

describe('moves the lifecycle refuses', () => {
  const held = () => withHold(null, target(), 'rule-1', { type: 'ledger' }, NOW);

  it('never takes a held grant straight to removed: its removal is marked revoking first', () => {
    expect(() => asRemoved(held(), NOW)).toThrow(GrantTransitionError);
  });

  it('never adds a hold to, or starts removing, a grant another call is removing', () => {
    const revoking = asRevoking(held(), at(5_000), NOW);
    expect(() => withHold(revoking, target({ request_task_url: 'task-b' }), 'rule-1', { type: 'ledger' }, NOW)).toThrow(GrantTransitionError);
    expect(() => asRevoking(revoking, at(5_000), NOW)).toThrow(GrantTransitionError);
    // Once its mark has run out it is a pending removal, which may be taken over.
    expect(asRevoking(revoking, at(10_000), at(5_000))).toMatchObject({ state: 'revoking' });
  });

  it('never removes a removed grant again, nor starts removing one another call is granting', () => {
    const removed = asRemoved(asRevoking(held(), at(5_000), NOW), NOW);
    expect(() => asRevoking(removed, at(5_000), NOW)).toThrow(GrantTransitionError);
    const granting = asGranting(withHold(null, target(), 'rule-1', { type: 'ledger' }, NOW), null, at(5_000), NOW);
    expect(() => asRevoking(granting, at(5_000), NOW)).toThrow(new GrantTransitionError('granting', 'revoking'));
  });
});
