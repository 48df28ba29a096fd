/**
 * Intake field names and task URLs that name members of Object.prototype, through the real
 * pipelines on DynamoDB Local: every call keeps its audit item, every grant its holds; and a call
 * whose audit key another item already holds is never approved, the other item left as it was.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPipeline } from '../../../src/app/lambda';
import { Deadline } from '../../../src/kernel/deadline';
import { PreApprovalService } from '../../../src/services/pre-approval-service';
import { ProvisioningService } from '../../../src/services/provisioning-service';
import { RequestValidationService } from '../../../src/services/request-validation-service';
import type { ItemRecord } from '../../../src/store/item-codec';
import { queryItems } from '../../../src/store/item-reads';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { fixture, preApprovalBody, webhookRequest } from '../../support/events';
import { testDocumentClient } from '../../support/tables';

const TOKEN = 'outside-keys-token-0123456789';
const INSTANCE = '0ob3ggjlhx892dc4abcde';
let deployment: TestDeployment;

beforeAll(async () => {
  // The seed: peterparker@lumos.com trained and on call (demo_app pre-approves and validates), and a ledger provisioning rule.
  deployment = await testDeployment(TOKEN, { seeded: true });
});

/** The audit items of one call, read through the item reader. */
const auditOf = (requestId: string): Promise<ItemRecord[]> =>
  queryItems(
    testDocumentClient(),
    {
      TableName: deployment.tables.AUDIT_TABLE,
      KeyConditionExpression: 'app_id = :app',
      FilterExpression: 'request_id = :id',
      ExpressionAttributeValues: { ':app': 'demo_app', ':id': requestId },
    },
    'reading the audit table',
    new Deadline(5_000),
  );

const validate = () => deployment.pipeline((deps) => new RequestValidationService(deps, 'closed', deps.config.VALIDATION_MISCONFIGURED_MESSAGE));
const customFieldsOf = (item: ItemRecord | undefined) => (item?.facts as { custom_fields: Record<string, unknown> } | undefined)?.custom_fields ?? {};

describe('16.11 every call audited, whatever its intake fields are named', () => {
  it('audits a request validation with an intake field named "constructor"', async () => {
    // Prepare
    const requestId = `req-${randomUUID()}`;
    const body = { ...preApprovalBody(), custom_fields: { constructor: 'yes', toString: ['a', 'b'] } };
    // Act
    const reply = await validate()(webhookRequest(body, TOKEN, { requestId }));
    // Assess
    expect(reply.body?.response).toBe('VALIDATION_PASSED');
    const items = await auditOf(requestId);
    expect(items).toHaveLength(1);
    expect({ ...customFieldsOf(items[0]) }).toEqual({ constructor: 'yes', toString: ['a', 'b'] });
  });

  it('audits a request validation with an intake field named "__proto__" in list form, the field kept as data', async () => {
    // Prepare
    const requestId = `req-${randomUUID()}`;
    const body = { ...preApprovalBody(), custom_fields: [{ prompt: '__proto__', response: 'answer' }] };
    // Act
    const reply = await validate()(webhookRequest(body, TOKEN, { requestId }));
    // Assess
    expect(reply.body?.response).toBe('VALIDATION_PASSED');
    const fields = customFieldsOf((await auditOf(requestId))[0]);
    expect(Object.keys(fields)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(fields, '__proto__')?.value).toBe('answer');
  });

  it.each(['constructor', '__proto__'])('provisions for a task URL "%s", keeping its hold and auditing the call', async (url) => {
    // Prepare
    const email = `task-${randomUUID().slice(0, 8)}@lumos.com`;
    const requestId = `req-${randomUUID()}`;
    const body = { ...fixture('provisioning.json'), target_user: { email }, request_task_url: url };
    // Act
    const reply = await deployment.pipeline((deps) => new ProvisioningService(deps))(webhookRequest(body, TOKEN, { requestId }));
    // Assess
    expect(reply.statusCode).toBe(204);
    const grant = await deployment.deps.grants.get({ app_instance: INSTANCE, subject_permission: `${email}#Permission One` }, new Deadline(5_000));
    expect(Object.keys(grant?.holds ?? {})).toEqual([url]);
    expect(Object.getOwnPropertyDescriptor(grant?.holds, url)?.value).toMatchObject({ request_task_url: url });
    expect(await auditOf(requestId)).toEqual([expect.objectContaining({ decision: 'PROVISIONED', request_task_url: url })]);
  });
});

describe('16.10 an audit key another item holds', () => {
  it('is not pre-approved, and the item already there is left as it was', async () => {
    // Prepare: two calls at one instant with one request id (a replayed id, or a faulty writer), the second asking otherwise
    const { deps } = deployment;
    const at = new Date();
    const preApprove = buildPipeline({ ...deps, now: () => at }, new PreApprovalService(deps));
    const requestId = `req-${randomUUID()}`;
    const first = await preApprove(webhookRequest({ ...preApprovalBody(), custom_fields: { ticket: 'first' } }, TOKEN, { requestId }));
    // Act
    const second = await preApprove(webhookRequest({ ...preApprovalBody(), custom_fields: { ticket: 'second' } }, TOKEN, { requestId }));
    // Assess
    expect(first.body).toMatchObject({ response: 'PREAPPROVED' });
    expect(second.body).toEqual({ response: 'NOT_PREAPPROVED', reason: 'audit_unavailable' });
    const items = await auditOf(requestId);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ decision: 'PREAPPROVED' });
    expect({ ...customFieldsOf(items[0]) }).toEqual({ ticket: 'first' });
  });
});
