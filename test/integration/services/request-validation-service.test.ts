/** Request validation on DynamoDB Local: the seeded requirement, and both fail modes when the check cannot run. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/app/config';
import { createDependencies } from '../../../src/app/dependencies';
import { buildPipeline } from '../../../src/app/lambda';
import { seed } from '../../../src/local/seed';
import type { FailMode } from '../../../src/services/fail-mode';
import { RequestValidationService } from '../../../src/services/request-validation-service';
import { trainingItem } from '../../../src/store/training-item';
import { preApprovalBody, webhookRequest } from '../../support/events';
import { auditItemsOf, createTestTables, type TableNames, testDocumentClient } from '../../support/tables';

const TOKEN = 'validation-token-0123456789';
const BLOCKED = 'Complete the Security Awareness training (security-awareness) before requesting Demo App.';
/** What a requester reads when the check could not run (fail mode closed), as docs/operations.md gives it. */
const UNAVAILABLE = 'This request could not be checked right now. Try again in a few minutes, or contact the admins of this app.';
/** What a requester reads while an invalid rule item blocks the check, as docs/deploy.md gives the default. */
const MISCONFIGURED = 'This request cannot be checked: the access check for this app is misconfigured. Contact the admins of this app.';
let endpoint: string;
let tables: TableNames;

function pipeline(failMode: FailMode = 'closed', dynamoEndpoint = endpoint, overrides: Record<string, string> = {}) {
  const deps = createDependencies(loadConfig({ ...tables, LUMOS_WEBHOOK_TOKEN: TOKEN, ...overrides }), dynamoEndpoint);
  return buildPipeline(deps, new RequestValidationService(deps, failMode, deps.config.VALIDATION_MISCONFIGURED_MESSAGE));
}

async function auditOf(email: string) {
  return auditItemsOf(tables.AUDIT_TABLE, email);
}

beforeAll(async () => {
  ({ endpoint, tables } = await createTestTables());
  await seed(testDocumentClient(), { rules: tables.RULES_TABLE, state: tables.STATE_TABLE }, new Date());
});

describe('request validation on DynamoDB Local', () => {
  it('lets someone who finished the training through without a message', async () => {
    const reply = await pipeline()(webhookRequest(preApprovalBody(), TOKEN));
    expect(reply).toEqual({ statusCode: 200, body: { response: 'VALIDATION_PASSED', reason: 'all 1 requirement(s) met' } });
  });

  it('blocks someone who did not, telling them what to do, and audits the message', async () => {
    // Act
    const reply = await pipeline()(webhookRequest(preApprovalBody({ email: 'maryjane@lumos.com' }), TOKEN));
    // Assess
    expect(reply.body).toMatchObject({ response: 'VALIDATION_FAILED', message: BLOCKED });
    const [item] = await auditOf('maryjane@lumos.com');
    expect(item).toMatchObject({ kind: 'request_validation', decision: 'VALIDATION_FAILED', message: BLOCKED, rule_id: 'security-awareness-required' });
  });

  it('lets a training recorded by an LMS sync take effect at once', async () => {
    // Prepare
    const email = 'newhire@lumos.com';
    expect((await pipeline()(webhookRequest(preApprovalBody({ email }), TOKEN))).body?.response).toBe('VALIDATION_FAILED');
    // Act
    await testDocumentClient().send(new PutCommand({ TableName: tables.STATE_TABLE, Item: trainingItem(email, 'security-awareness', new Date()) }));
    // Assess
    expect((await pipeline()(webhookRequest(preApprovalBody({ email }), TOKEN))).body?.response).toBe('VALIDATION_PASSED');
  });

  it('passes an app without requirements', async () => {
    const body = { ...preApprovalBody({ email: 'maryjane@lumos.com' }), application: { app_id: 'no_rules_app' } };
    expect((await pipeline()(webhookRequest(body, TOKEN))).body).toMatchObject({ response: 'VALIDATION_PASSED', reason: 'no requirements in scope' });
  });
});

describe('request validation when the check cannot run', () => {
  const unreachable = 'http://127.0.0.1:9';

  it('blocks with a try-again message by default', async () => {
    const reply = await pipeline('closed', unreachable)(webhookRequest(preApprovalBody(), TOKEN));
    expect(reply).toEqual({
      statusCode: 200,
      body: { response: 'VALIDATION_FAILED', message: UNAVAILABLE, reason: 'store_unavailable' },
    });
  });

  it('lets the request through with VALIDATION_FAIL_MODE=open', async () => {
    const reply = await pipeline('open', unreachable)(webhookRequest(preApprovalBody(), TOKEN));
    expect(reply).toEqual({ statusCode: 200, body: { response: 'VALIDATION_PASSED', reason: 'store_unavailable; fail mode open' } });
  });

  it('never answers an unauthenticated call with a fail-open pass', async () => {
    const reply = await pipeline('open', unreachable)(webhookRequest(preApprovalBody(), 'wrong-token'));
    expect(reply.statusCode).toBe(401);
  });

  it('treats an invalid requirement as a check that cannot run, in both modes, and audits it', async () => {
    // Prepare
    await testDocumentClient().send(
      new PutCommand({ TableName: tables.RULES_TABLE, Item: { app_id: 'broken_app', rule_id: 'typo', kind: 'request_validation', when: { trainig: {} } } }),
    );
    const body = { ...preApprovalBody({ email: 'audit-broken@lumos.com' }), application: { app_id: 'broken_app' } };
    // Act
    const closed = await pipeline('closed')(webhookRequest(body, TOKEN));
    const open = await pipeline('open')(webhookRequest(body, TOKEN));
    // Assess
    // It will not fix itself: the requester is sent to the admins, not told to try again later.
    expect(closed.body).toMatchObject({ response: 'VALIDATION_FAILED', message: MISCONFIGURED, reason: 'rule typo is invalid' });
    expect(closed.body?.message).not.toMatch(/try again/i);
    expect(open.body).toMatchObject({ response: 'VALIDATION_PASSED', reason: 'rule typo is invalid; fail mode open' });
    const items = await auditOf('audit-broken@lumos.com');
    expect(items.map((item) => [item.decision, item.response]).sort()).toEqual([
      ['failure', 'VALIDATION_FAILED'],
      ['failure', 'VALIDATION_PASSED'],
    ]);
    expect(items.find((item) => item.response === 'VALIDATION_FAILED')?.message).toBe(MISCONFIGURED);
  });

  it("shows the deployment's own message while an invalid requirement blocks the check", async () => {
    const body = { ...preApprovalBody({ email: 'custom-message@lumos.com' }), application: { app_id: 'broken_app' } };
    const reply = await pipeline('closed', endpoint, { VALIDATION_MISCONFIGURED_MESSAGE: 'Ask #access-help in Slack.' })(webhookRequest(body, TOKEN));
    expect(reply.body).toMatchObject({ response: 'VALIDATION_FAILED', message: 'Ask #access-help in Slack.' });
  });

  it('ignores an invalid shadow requirement', async () => {
    await testDocumentClient().send(
      new PutCommand({
        TableName: tables.RULES_TABLE,
        Item: { app_id: 'trial_app', rule_id: 'trial', kind: 'request_validation', mode: 'shadow', when: { trainig: {} } },
      }),
    );
    const body = { ...preApprovalBody({ email: 'shadow@lumos.com' }), application: { app_id: 'trial_app' } };
    const reply = await pipeline('closed')(webhookRequest(body, TOKEN));
    expect(reply.body).toMatchObject({ response: 'VALIDATION_PASSED', reason: 'no requirements in scope' });
  });
});
