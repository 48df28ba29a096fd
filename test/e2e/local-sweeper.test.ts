/**
 * The local runtime's expiry sweeper, as `npm start` runs it: a grant with a 2-second
 * access_length, provisioned over HTTP through the demo's ledger rule, is gone within one sweep
 * after it expires, and the ledger says so. The runtime's clock is moved past the expiry rather
 * than waited for; the sweeps run on their own timer, every second here.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../src/local/runtime';
import { fixture } from '../support/events';
import { auditItemsOf, testDocumentClient } from '../support/tables';
import { TestClock } from '../support/test-clock';

let runtime: LocalRuntime;
const clock = new TestClock();

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    token: 'sweep-e2e-token-0123456789',
    dynamoEndpoint: inject('dynamoEndpoint'),
    tablePrefix: `sweep${Date.now()}-`,
    sweepSeconds: 1,
    now: clock.now,
  });
});
afterAll(() => runtime.stop());

describe('npm start expiry sweeper', () => {
  it('removes a grant with a 2-second access_length within one sweep after it expires', async () => {
    // Prepare: the docs' provisioning example for 2 seconds, granted by the demo's ledger rule
    const body = { ...fixture('provisioning.json'), access_length: 2, target_user: { email: 'short.lived@lumos.com' } };
    const response = await fetch(`${runtime.baseUrl}/provisioning`, {
      method: 'POST',
      headers: { authorization: `Bearer ${runtime.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const key = { app_instance: '0ob3ggjlhx892dc4abcde', subject_permission: 'short.lived@lumos.com#Permission One' };
    const read = async () => (await testDocumentClient().send(new GetCommand({ TableName: runtime.tables.GRANTS_TABLE, Key: key, ConsistentRead: true }))).Item;
    const granted = await read();
    // Act: the clock passes the expiry; one sweep (a second apart, and its run) must find it
    clock.offsetMs = 3_000;
    const after = await vi.waitFor(
      async () => {
        const item = await read();
        if (item?.state !== 'removed') throw new Error(`not removed yet: ${String(item?.state)}`);
        return item;
      },
      { timeout: 2_500, interval: 50 },
    );
    // Assess
    expect(response.status).toBe(204);
    expect(granted).toMatchObject({ state: 'held' });
    expect(after).toMatchObject({ state: 'removed' });
    const audit = await auditItemsOf(runtime.tables.AUDIT_TABLE, 'short.lived@lumos.com');
    expect(audit.map((item) => [item.kind, item.decision])).toEqual(expect.arrayContaining([['expiry_sweeper', 'REMOVED']]));
  });
});
