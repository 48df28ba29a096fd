/**
 * App-level requests (Lumos's "provisioning to app": an empty `permissions` list) through the
 * pipelines on DynamoDB Local: accepted by all four kinds as a request for the app itself, never
 * widening access (rules limited to permissions do not allow or provision it; limited denies and
 * requirements still apply), recorded as one grant under `<email>#`, and reversed by
 * deprovisioning and by the expiry sweeper.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExpirySweeper } from '../../../src/grants/expiry-sweeper';
import type { Pipeline } from '../../../src/http/pipeline';
import { Deadline } from '../../../src/kernel/deadline';
import { DeprovisioningService } from '../../../src/services/deprovisioning-service';
import { PreApprovalService } from '../../../src/services/pre-approval-service';
import { ProvisioningService } from '../../../src/services/provisioning-service';
import { RequestValidationService } from '../../../src/services/request-validation-service';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { fixture, webhookRequest } from '../../support/events';
import { grantAt } from '../../support/grants';
import { auditItemsOf, testDocumentClient } from '../../support/tables';

const TOKEN = 'app-level-token-0123456789';
const LEDGER_APP = 'whole_app';
const LIMITED_APP = 'limited_app';
const LISTED_APP = 'listed_app';
let deployment: TestDeployment;
let provision: Pipeline;
let deprovision: Pipeline;
let preApprove: Pipeline;
let validate: Pipeline;

const put = (item: Record<string, unknown>) => testDocumentClient().send(new PutCommand({ TableName: deployment.tables.RULES_TABLE, Item: item }));

beforeAll(async () => {
  deployment = await testDeployment(TOKEN);
  await put({ app_id: LEDGER_APP, rule_id: 'whole-app', kind: 'provisioning', provisioner: 'ledger' });
  await put({ app_id: LIMITED_APP, rule_id: 'viewer-only', kind: 'provisioning', permissions: ['viewer'], provisioner: 'ledger' });
  await put({
    app_id: LIMITED_APP,
    rule_id: 'allow-viewer',
    kind: 'pre_approval',
    effect: 'allow',
    permissions: ['viewer'],
    when: { access_length_at_most: 86_400 },
  });
  await put({ app_id: LEDGER_APP, rule_id: 'allow-all', kind: 'pre_approval', effect: 'allow', when: { access_length_at_most: 86_400 } });
  await put({
    app_id: LEDGER_APP,
    rule_id: 'deny-admin',
    kind: 'pre_approval',
    effect: 'deny',
    permissions: ['admin'],
    when: { access_length_at_most: 86_400 },
  });
  await put({ app_id: LISTED_APP, rule_id: 'allow-all', kind: 'pre_approval', effect: 'allow', when: { access_length_at_most: 86_400 } });
  await put({ app_id: LISTED_APP, rule_id: 'only-listed', kind: 'pre_approval', effect: 'deny', when: { not: { permission_in: ['viewer'] } } });
  await put({
    app_id: LIMITED_APP,
    rule_id: 'admin-needs-training',
    kind: 'request_validation',
    permissions: ['admin'],
    when: { training: { course: 'admin-course' } },
    message: 'Finish the admin course first.',
  });
  provision = deployment.pipeline((deps) => new ProvisioningService(deps));
  deprovision = deployment.pipeline((deps) => new DeprovisioningService(deps));
  preApprove = deployment.pipeline((deps) => new PreApprovalService(deps));
  validate = deployment.pipeline((deps) => new RequestValidationService(deps, 'closed', undefined));
});

const person = () => `app-${randomUUID().slice(0, 8)}@lumos.com`;
const appRequest = (app: string, email: string, overrides: Record<string, unknown> = {}) => ({
  ...fixture('provisioning.json'),
  application: { app_id: app, user_friendly_label: 'The App' },
  permissions: [],
  target_user: { email },
  requester_user: { email },
  ...overrides,
});

const appGrant = (app: string, email: string) => grantAt(deployment.tables.GRANTS_TABLE, { app_instance: app, subject_permission: `${email}#` });

describe('app-level provisioning', () => {
  it('grants the app itself under <email>#, and deprovisioning reverses it', async () => {
    // Prepare
    const email = person();
    // Act
    const granted = await provision(webhookRequest(appRequest(LEDGER_APP, email), TOKEN));
    const held = await appGrant(LEDGER_APP, email);
    const removed = await deprovision(webhookRequest(appRequest(LEDGER_APP, email), TOKEN));
    // Assess
    expect(granted.statusCode).toBe(204);
    expect(held).toMatchObject({ state: 'held', permission: '', subject_permission: `${email}#`, rule_id: 'whole-app' });
    expect(removed.statusCode).toBe(204);
    expect((await appGrant(LEDGER_APP, email))?.state).toBe('removed');
  });

  it('is not provisioned by a rule limited to permissions: the app itself is left to a human', async () => {
    // Prepare
    const email = person();
    // Act
    const reply = await provision(webhookRequest(appRequest(LIMITED_APP, email), TOKEN));
    // Assess
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toMatchObject({ response: 'NO_PROVISIONING_ACTION' });
    expect(String(reply.body?.message)).toContain('the app itself');
    expect(await appGrant(LIMITED_APP, email)).toBeUndefined();
  });

  it('is removed by the expiry sweeper once it expires, audited as expired', async () => {
    // Prepare: the app itself for 60 seconds
    const email = person();
    await provision(webhookRequest(appRequest(LEDGER_APP, email, { access_length: 60 }), TOKEN));
    const { deps } = deployment;
    const sweeper = new ExpirySweeper({ ...deps, now: () => new Date(Date.now() + 5 * 60_000) }, undefined, { count: () => {} });
    // Act
    await sweeper.run({ runId: 'app-level', deadline: new Deadline(30_000) });
    // Assess
    expect((await appGrant(LEDGER_APP, email))?.state).toBe('removed');
    const audit = (await auditItemsOf(deployment.tables.AUDIT_TABLE, email)).filter((item) => item.kind === 'expiry_sweeper');
    expect(audit).toEqual([expect.objectContaining({ reason: 'expired', decision: 'REMOVED', permissions: [''] })]);
  });
});

describe('app-level pre-approval and request validation', () => {
  it('never pre-approves through an allow rule limited to permissions', async () => {
    // Act
    const reply = await preApprove(webhookRequest(appRequest(LIMITED_APP, person()), TOKEN));
    // Assess
    expect(reply.body).toMatchObject({ response: 'NOT_PREAPPROVED' });
  });

  it('still applies a deny limited to permissions', async () => {
    // Act: allow-all would pre-approve, but the deny limited to admin applies to the app itself too
    const reply = await preApprove(webhookRequest(appRequest(LEDGER_APP, person()), TOKEN));
    // Assess
    expect(reply.body).toMatchObject({ response: 'NOT_PREAPPROVED' });
    expect(String(reply.body?.reason)).toContain('deny-admin');
  });

  it('still applies a deny whose permission_in is undecided for the app itself', async () => {
    // Act: allow-all would pre-approve, but "deny unless every permission is viewer" cannot be decided
    const reply = await preApprove(webhookRequest(appRequest(LISTED_APP, person()), TOKEN));
    // Assess
    expect(reply.body).toMatchObject({ response: 'NOT_PREAPPROVED' });
    expect(String(reply.body?.reason)).toContain('only-listed');
  });

  it('still applies a requirement limited to permissions', async () => {
    // Act
    const reply = await validate(webhookRequest(appRequest(LIMITED_APP, person()), TOKEN));
    // Assess
    expect(reply.body).toMatchObject({ response: 'VALIDATION_FAILED', message: 'Finish the admin course first.' });
  });
});
