/**
 * Hostile payloads through the real pipelines on DynamoDB Local: look-alike emails, values that
 * pass a naive schema but fail at the store, and nothing effected before a refusal.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Pipeline } from '../../../src/http/pipeline';
import { Deadline } from '../../../src/kernel/deadline';
import { StoreRejectedInputError } from '../../../src/kernel/errors';
import { DeprovisioningService } from '../../../src/services/deprovisioning-service';
import { PreApprovalService } from '../../../src/services/pre-approval-service';
import { ProvisioningService } from '../../../src/services/provisioning-service';
import { storeCall } from '../../../src/store/call';
import { testDeployment } from '../../support/deployment';
import { fixture, preApprovalBody, webhookRequest } from '../../support/events';
import { type TableNames, testDocumentClient } from '../../support/tables';

const TOKEN = 'hostile-input-token-0123456789';
const INSTANCE = '0ob3ggjlhx892dc4abcde';
// U+212A KELVIN SIGN: toLowerCase() makes it a "k".
const LOOKALIKE = 'peterpar\u212Aer@lumos.com';
let tables: TableNames;
let preApprove: Pipeline;
let provision: Pipeline;
let deprovision: Pipeline;

beforeAll(async () => {
  // The seed puts peterparker@lumos.com on call for demo-oncall, which pre-approves on demo_app.
  const deployment = await testDeployment(TOKEN, { seeded: true });
  tables = deployment.tables;
  preApprove = deployment.pipeline((deps) => new PreApprovalService(deps));
  provision = deployment.pipeline((deps) => new ProvisioningService(deps));
  deprovision = deployment.pipeline((deps) => new DeprovisioningService(deps));
});

const grantOf = async (email: string, permission = 'Permission One') =>
  (
    await testDocumentClient().send(
      new GetCommand({ TableName: tables.GRANTS_TABLE, Key: { app_instance: INSTANCE, subject_permission: `${email}#${permission}` } }),
    )
  ).Item;

describe('look-alike emails', () => {
  it('does not pre-approve a look-alike of the person on call', async () => {
    expect((await preApprove(webhookRequest(preApprovalBody(), TOKEN))).body).toMatchObject({ response: 'PREAPPROVED' });
    const reply = await preApprove(webhookRequest(preApprovalBody({ email: LOOKALIKE }), TOKEN));
    expect(reply.body).toMatchObject({ response: 'NOT_PREAPPROVED', reason: 'no allow rule matched' });
  });

  it("never removes another person's grant when deprovisioning a look-alike address", async () => {
    const body = { ...fixture('provisioning.json'), request_task_url: 'https://lumos.example/tasks?requestId=kelvin' };
    expect((await provision(webhookRequest(body, TOKEN))).statusCode).toBe(204);
    const reply = await deprovision(webhookRequest({ ...body, target_user: { email: LOOKALIKE } }, TOKEN));
    expect(reply.statusCode).toBe(204);
    expect(await grantOf('peterparker@lumos.com')).toMatchObject({
      email: 'peterparker@lumos.com',
      state: 'held',
      holds: { 'https://lumos.example/tasks?requestId=kelvin': expect.any(Object) },
    });
  });

  it('never lets an unusable task URL on a deprovisioning remove access another request holds', async () => {
    const body = {
      ...fixture('provisioning.json'),
      target_user: { email: 'shared@lumos.com' },
      request_task_url: 'https://lumos.example/tasks?requestId=keeps',
    };
    expect((await provision(webhookRequest(body, TOKEN))).statusCode).toBe(204);
    for (const url of ['x'.repeat(3_000), '__proto__']) {
      expect((await deprovision(webhookRequest({ ...body, request_task_url: url }, TOKEN))).statusCode).toBe(204);
    }
    expect(await grantOf('shared@lumos.com')).toMatchObject({ state: 'held', holds: { 'https://lumos.example/tasks?requestId=keeps': expect.any(Object) } });
  });
});

describe('values that once failed after an effect', () => {
  it('refuses an access_length of 1e15 before granting anything', async () => {
    const body = { ...fixture('provisioning.json'), target_user: { email: 'huge@lumos.com' }, access_length: 1e15 };
    const reply = await provision(webhookRequest(body, TOKEN));
    expect(reply).toMatchObject({ statusCode: 422, body: { error: 'invalid_payload', issues: [{ path: 'access_length' }] } });
    expect(await grantOf('huge@lumos.com')).toBeUndefined();
  });

  it('still deprovisions when the access_length is out of range', async () => {
    const body = {
      ...fixture('provisioning.json'),
      target_user: { email: 'range@lumos.com' },
      request_task_url: 'https://lumos.example/tasks?requestId=range',
    };
    expect((await provision(webhookRequest(body, TOKEN))).statusCode).toBe(204);
    expect((await deprovision(webhookRequest({ ...body, access_length: 1e15 }, TOKEN))).statusCode).toBe(204);
    const left = await grantOf('range@lumos.com');
    // Removed: absent, or kept with state "removed" (the ledger's lifecycle).
    expect(left === undefined || left.state === 'removed').toBe(true);
  });

  it('treats an empty instance_id as absent, keying the grant by app_id', async () => {
    const body = { ...fixture('provisioning.json'), application: { app_id: 'demo_app', instance_id: '' }, target_user: { email: 'empty-instance@lumos.com' } };
    expect((await provision(webhookRequest(body, TOKEN))).statusCode).toBe(204);
    const { Item } = await testDocumentClient().send(
      new GetCommand({ TableName: tables.GRANTS_TABLE, Key: { app_instance: 'demo_app', subject_permission: 'empty-instance@lumos.com#Permission One' } }),
    );
    expect(Item).toBeDefined();
  });

  it.each([
    ['provisioning', () => provision],
    ['deprovisioning', () => deprovision],
  ])('answers %s of a 1,100-character permission with a 422, not a store outage', async (_kind, pipeline) => {
    const body = { ...fixture('provisioning.json'), permissions: [{ value: 'p'.repeat(1_100) }] };
    const reply = await pipeline()(webhookRequest(body, TOKEN));
    expect(reply).toMatchObject({ statusCode: 422, body: { issues: [{ path: 'permissions[0].value' }] } });
  });

  it('names a key DynamoDB refuses as rejected input, never as an outage', async () => {
    // An empty key value is what an unbounded empty instance_id used to send.
    const read = storeCall('reading the grants ledger', new Deadline(5_000), (abortSignal) =>
      testDocumentClient().send(new GetCommand({ TableName: tables.GRANTS_TABLE, Key: { app_instance: '', subject_permission: 'x' } }), { abortSignal }),
    );
    await expect(read).rejects.toBeInstanceOf(StoreRejectedInputError);
  });
});
