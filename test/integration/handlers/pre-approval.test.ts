/**
 * The deployed handler module as Lambda loads it: configuration from the environment, the
 * token from Secrets Manager (loopback server, real SDK), rules and state in DynamoDB Local.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LambdaHandler } from '../../../src/app/lambda';
import { seed } from '../../../src/local/seed';
import { preApprovalBody, proxyEvent } from '../../support/events';
import { type FakeSecretsManager, startFakeSecretsManager } from '../../support/fake-secrets-manager';
import { auditItemsOf, createTestTables, type TableNames, testDocumentClient } from '../../support/tables';

const TOKEN = 'integration-token-0123456789';
let fake: FakeSecretsManager;
let tables: TableNames;
let handler: LambdaHandler;

beforeAll(async () => {
  fake = await startFakeSecretsManager();
  fake.secrets.set('lumos-webhook-token', JSON.stringify({ tokens: [TOKEN, 'previous-token'] }));
  const created = await createTestTables();
  tables = created.tables;
  await seed(testDocumentClient(), { rules: tables.RULES_TABLE, state: tables.STATE_TABLE }, new Date());
  Object.assign(process.env, tables, fake.sdkEnvironment, {
    TOKEN_SECRET_ID: 'lumos-webhook-token',
    AWS_ENDPOINT_URL_DYNAMODB: created.endpoint,
  });
  ({ handler } = await import('../../../src/handlers/pre-approval'));
});
afterAll(() => fake.close());

const call = (body: unknown, token = TOKEN) =>
  handler(proxyEvent(JSON.stringify(body), { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }));

describe('pre-approval handler on DynamoDB Local', () => {
  it('pre-approves the docs example: the target is on call and asks for under 12 hours', async () => {
    const result = await call(preApprovalBody());
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ response: 'PREAPPROVED', rule_id: 'oncall-preapprove' });
    expect(result.headers?.['content-type']).toBe('application/json');
  });

  it.each([
    ['someone who is not on call', { email: 'maryjane@lumos.com' }],
    ['30 days of access', { access_length: 30 * 86_400 }],
    ['unlimited access', { access_length: null }],
  ])('does not pre-approve %s', async (_label, overrides) => {
    const result = await call(preApprovalBody(overrides));
    expect(JSON.parse(result.body)).toMatchObject({ response: 'NOT_PREAPPROVED' });
  });

  it('accepts the previous token during a rotation and refuses any other', async () => {
    expect((await call(preApprovalBody(), 'previous-token')).statusCode).toBe(200);
    const refused = await call(preApprovalBody(), 'not-a-token');
    expect(refused.statusCode).toBe(401);
    expect(JSON.parse(refused.body)).toEqual({ error: 'unauthorized' });
  });

  it('reads a base64-encoded body as API Gateway may send it', async () => {
    const body = Buffer.from(JSON.stringify(preApprovalBody())).toString('base64');
    const result = await handler(proxyEvent(body, { authorization: `Bearer ${TOKEN}` }, { isBase64Encoded: true }));
    expect(JSON.parse(result.body)).toMatchObject({ response: 'PREAPPROVED' });
  });

  it('writes one audit item per call, with the decision and the rule trace', async () => {
    // Prepare
    const email = 'audited@lumos.com';
    // Act
    await call(preApprovalBody({ email }));
    // Assess
    const Items = await auditItemsOf(tables.AUDIT_TABLE, email);
    expect(Items).toHaveLength(1);
    const item = Items?.[0] as Record<string, unknown>;
    expect(item).toMatchObject({
      kind: 'pre_approval',
      app_id: 'demo_app',
      decision: 'NOT_PREAPPROVED',
      status_code: 200,
      permissions: ['Permission One'],
      request_task_url: 'http://lumosidentity.com/tasks?requestId=12898293343',
    });
    expect(item.trace).toEqual([
      expect.objectContaining({ rule_id: 'oncall-preapprove', outcome: 'not_matched', detail: `${email} is not on call for demo-oncall` }),
    ]);
    expect(typeof item.latency_ms).toBe('number');
    expect(item.ttl).toBeGreaterThan(Date.now() / 1000 + 399 * 86_400);
  });
});
