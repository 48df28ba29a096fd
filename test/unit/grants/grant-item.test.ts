/** A stored item read as a grant at the boundary: what reads, what does not and why, and what is written back. */
import { describe, expect, it } from 'vitest';
import { readableGrant, readGrant, UnreadableGrantError } from '../../../src/grants/grant-item';
import { storedGrant } from '../../../src/grants/grant-ledger';
import { withHold } from '../../../src/grants/transitions';
import { failureReason } from '../../../src/kernel/errors';
import { decodeItem, encodeItem } from '../../../src/store/item-codec';
import { sampleEntitlement } from '../../support/entitlement';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const held = () => withHold(null, sampleEntitlement(), 'rule-1', { type: 'ledger' }, NOW);
/** An item as the table returns it: written by the ledger, read back through the item codec. */
const stored = (item: Record<string, unknown>) => decodeItem(encodeItem(item));

describe('reading a stored grant', () => {
  it('reads back what the ledger writes, and writes it again unchanged', () => {
    // Prepare
    const written = storedGrant(held());
    // Act
    const read = readGrant(stored(written));
    // Assess
    expect(read).toEqual({ ok: true, grant: expect.objectContaining({ state: 'held', version: 1, provisioner: { type: 'ledger' } }) });
    expect(read.ok && storedGrant(read.grant)).toEqual(written);
  });

  it('keeps a hold whose task URL is "__proto__" as a hold of its own', () => {
    const grant = withHold(held(), sampleEntitlement({ request_task_url: '__proto__' }), 'rule-1', { type: 'ledger' }, NOW);
    const read = readableGrant(stored(storedGrant(grant)));
    expect(Object.keys(read.holds).sort()).toEqual(['__proto__', 'https://lumos.example/tasks?requestId=1']);
    expect(Object.hasOwn(read.holds, '__proto__')).toBe(true);
  });

  it('carries attributes it does not know through a rewrite', () => {
    const read = readableGrant(stored({ ...storedGrant(held()), note: 'granted for the audit', x_ticket: 'SEC-12' }));
    expect(storedGrant(read)).toMatchObject({ note: 'granted for the audit', x_ticket: 'SEC-12' });
  });

  it('reads an item written before states existed, and fills what such an item may lack', () => {
    const { state: _state, instance_id: _instance, permission_label: _label, ...older } = storedGrant(held());
    const read = readableGrant(stored(older));
    expect(read).toMatchObject({ instance_id: null, permission_label: null });
    expect(read).not.toHaveProperty('state');
  });

  it('keeps a provisioner that no longer reads as one as it is stored, so it is written back unchanged', () => {
    const broken = { type: 'http', secret: 'lumos-connectors/x' };
    const read = readableGrant(stored({ ...storedGrant(held()), provisioner: broken }));
    expect(read.provisioner).toEqual({ type: 'unreadable', stored: broken });
    expect(storedGrant(read).provisioner).toEqual(broken);
    // None at all says no more how to remove the access.
    const { provisioner: _provisioner, ...without } = storedGrant(held());
    expect(readableGrant(stored(without)).provisioner).toEqual({ type: 'unreadable', stored: undefined });
  });

  it('names the key and every problem of an item that is not a grant, and throws it as an internal error where a grant is needed', () => {
    // Prepare: holds that are not a map, a hold without its end, a state nobody wrote, no version
    const { version: _version, ...rest } = storedGrant(held());
    const broken = stored({ ...rest, state: 'revoked', holds: { 'task-a': { granted_at: NOW.toISOString(), request_task_url: null } } });
    // Act
    const read = readGrant(broken);
    // Assess
    expect(read).toEqual({ ok: false, key: { app_instance: 'inst-1', subject_permission: 'peter.parker@example.com#editor' }, problem: expect.any(String) });
    const { problem } = read.ok ? { problem: '' } : read;
    expect(problem).toContain('state:');
    expect(problem).toContain('holds.task-a.expires_at:');
    expect(problem).toContain('version: required');
    expect(() => readableGrant(broken)).toThrow(UnreadableGrantError);
    expect(failureReason(new UnreadableGrantError({ app_instance: 'a', subject_permission: 'b#c' }, problem))).toBe('internal_error');
    expect(readGrant(stored({ ...rest, version: 1, holds: ['task-a'] }))).toMatchObject({ ok: false, problem: 'holds: expected a map of holds' });
  });
});
