import { describe, expect, it } from 'vitest';
import { grantKey, UNNAMED_REQUEST, withHold, withoutHold } from '../../../src/provisioners/grant-item';
import type { GrantTarget } from '../../../src/provisioners/provisioner';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const HOUR = 3_600_000;
const target = (overrides: Partial<GrantTarget> = {}): GrantTarget => ({
  app: { id: 'demo_app', instance_id: 'inst-1', label: 'Demo App' },
  permission: { value: 'admin', label: 'Admin' },
  target: { email: 'pp@lumos.com', given_name: 'Peter', family_name: 'Parker' },
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
  it('starts a grant with one hold, expiring after access_length, and a week of TTL grace', () => {
    const grant = withHold(null, target(), 'rule-1', { type: 'ledger' }, NOW);
    expect(grant).toMatchObject({ version: 1, rule_id: 'rule-1', expires_at: at(HOUR).toISOString(), granted_at: NOW.toISOString() });
    expect(grant.holds).toEqual({ 'task-a': { granted_at: NOW.toISOString(), expires_at: at(HOUR).toISOString(), request_task_url: 'task-a' } });
    expect(grant.ttl).toBe(Math.floor(at(HOUR).getTime() / 1000) + 7 * 86_400);
  });

  it('expires with the latest hold, and never while one is unlimited', () => {
    const first = withHold(null, target({ access_length: 3_600 }), 'r', { type: 'ledger' }, NOW);
    const longer = withHold(first, target({ request_task_url: 'task-b', access_length: 7_200 }), 'r', { type: 'ledger' }, NOW);
    expect(longer).toMatchObject({ version: 2, expires_at: at(2 * HOUR).toISOString() });
    const unlimited = withHold(longer, target({ request_task_url: 'task-c', access_length: null }), 'r', { type: 'ledger' }, NOW);
    expect(unlimited.expires_at).toBeNull();
    expect(unlimited).not.toHaveProperty('ttl');
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
    const grant = withHold(null, target({ request_task_url: null }), 'r', { type: 'ledger' }, NOW);
    expect(Object.keys(grant.holds)).toEqual([UNNAMED_REQUEST]);
  });
});
