/**
 * The expiry sweeper on DynamoDB Local against a loopback target that keeps who has access:
 * grants made through the provisioning pipeline are removed once every hold has expired, an
 * active or unlimited hold keeps them, a failing target is retried (with backoff) until it
 * recovers, a removal nobody can carry out stays pending, and a failed deprovisioning is finished.
 * The sweeper runs on a clock of its own, moved forward instead of waiting.
 */

import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExpirySweeper, type SweepSummary } from '../../../src/grants/expiry-sweeper';
import type { Pipeline } from '../../../src/http/pipeline';
import { Deadline } from '../../../src/kernel/deadline';
import { DeprovisioningService } from '../../../src/services/deprovisioning-service';
import { ProvisioningService } from '../../../src/services/provisioning-service';
import { type AccessTarget, startAccessTarget } from '../../support/access-target';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { fixture, webhookRequest } from '../../support/events';
import { type FakeSecretsManager, startFakeSecretsManager } from '../../support/fake-secrets-manager';
import { grantAt } from '../../support/grants';
import { seededRandom } from '../../support/seeded-random';
import { auditItemsOf, testDocumentClient } from '../../support/tables';
import { TestClock, testBackoff } from '../../support/test-clock';

const TOKEN = 'sweeper-token-0123456789';
const APP = 'sweep_app';
const PERMISSION = 'Permission One';
const MINUTE = 60_000;
let deployment: TestDeployment;
let provision: Pipeline;
let deprovision: Pipeline;
let fakeSecrets: FakeSecretsManager;
let target: AccessTarget;
let people = 0;
/** The provisioning's retries: a sleep can be held until the test lets it go. */
const backoff = testBackoff(new TestClock());

const spec = (secret = 'lumos-connectors/access') => ({
  type: 'http',
  name: 'Access API',
  secret,
  provision: { method: 'POST', url: `${target.origin}/access/{target.email}/{permission.value}` },
  deprovision: { method: 'DELETE', url: `${target.origin}/access/{target.email}/{permission.value}` },
});

beforeAll(async () => {
  fakeSecrets = await startFakeSecretsManager();
  Object.assign(process.env, fakeSecrets.sdkEnvironment);
  target = await startAccessTarget();
  fakeSecrets.secrets.set('lumos-connectors/access', JSON.stringify({ header: 'Authorization', value: 'Bearer access-secret', allowed_hosts: ['127.0.0.1'] }));
  deployment = await testDeployment(TOKEN);
  await testDocumentClient().send(
    new PutCommand({ TableName: deployment.tables.RULES_TABLE, Item: { app_id: APP, rule_id: 'access-api', kind: 'provisioning', provisioner: spec() } }),
  );
  provision = deployment.pipeline((deps) => new ProvisioningService({ ...deps, backoff }));
  deprovision = deployment.pipeline((deps) => new DeprovisioningService(deps));
});
afterAll(async () => {
  await target.close();
  await fakeSecrets.close();
});
beforeEach((context) => {
  target.provision = {};
  target.deprovision = {};
  backoff.mode = 'real';
  backoff.random = seededRandom(`expiry-sweeper: ${context.task.name}`);
});
afterEach(() => {
  target.held.releaseAll();
  backoff.parked.releaseAll();
});

const newPerson = () => `sweep-${++people}-${randomUUID().slice(0, 6)}@lumos.com`;
const taskUrl = (request: string) => `https://lumos.example/tasks?requestId=${request}`;
const body = (email: string, request: string, accessLength: number | null) => ({
  ...fixture('provisioning.json'),
  application: { app_id: APP, user_friendly_label: 'Sweep App' },
  target_user: { email },
  access_length: accessLength,
  request_task_url: taskUrl(request),
});
const grantFor = (email: string, request: string, accessLength: number | null) => provision(webhookRequest(body(email, request, accessLength), TOKEN));
const hasAccess = (email: string) => target.access.has(`${email}#${PERMISSION}`);

/** One sweep as the scheduled function runs it, on a clock `aheadMs` past now. */
async function sweep(aheadMs: number): Promise<SweepSummary> {
  const { deps } = deployment;
  const sweeper = new ExpirySweeper({ ...deps, now: () => new Date(Date.now() + aheadMs) }, { concurrency: 8, grantBudgetMs: 8_000 }, { count: () => {} });
  return sweeper.run({ runId: `run-${randomUUID()}`, deadline: new Deadline(30_000) });
}

const ledger = (email: string, permission = PERMISSION) =>
  grantAt(deployment.tables.GRANTS_TABLE, { app_instance: APP, subject_permission: `${email}#${permission}` });

describe('expiry', () => {
  it('removes a grant with one hold once it has expired, and audits it as expired', async () => {
    // Prepare: a grant for 60 seconds
    const email = newPerson();
    expect((await grantFor(email, 'one', 60)).statusCode).toBe(204);
    // Act: a sweep before the end, then one after it
    await sweep(0);
    const before = hasAccess(email);
    await sweep(2 * MINUTE);
    // Assess
    expect(before).toBe(true);
    expect(hasAccess(email)).toBe(false);
    const item = await ledger(email);
    expect(item).toMatchObject({ state: 'removed' });
    expect(item?.ttl).toBeTypeOf('number');
    expect(item).not.toHaveProperty('due_at');
    const audit = (await auditItemsOf(deployment.tables.AUDIT_TABLE, email)).filter((entry) => entry.kind === 'expiry_sweeper');
    expect(audit).toEqual([expect.objectContaining({ decision: 'REMOVED', reason: 'expired', permissions: [PERMISSION] })]);
  });

  it('keeps a grant with several holds until the last one has expired', async () => {
    // Prepare: one request for 60 s, another for 10 minutes
    const email = newPerson();
    await grantFor(email, 'short', 60);
    await grantFor(email, 'long', 600);
    // Act
    await sweep(2 * MINUTE);
    const afterShort = hasAccess(email);
    await sweep(11 * MINUTE);
    // Assess
    expect(afterShort).toBe(true);
    expect(hasAccess(email)).toBe(false);
    expect((await ledger(email))?.state).toBe('removed');
  });

  it('never removes a grant an unlimited hold keeps', async () => {
    // Prepare: one short request and one without end
    const email = newPerson();
    await grantFor(email, 'short', 60);
    await grantFor(email, 'forever', null);
    // Act: a sweep a year later
    await sweep(365 * 24 * 60 * MINUTE);
    // Assess
    expect(hasAccess(email)).toBe(true);
    expect(await ledger(email)).toMatchObject({ state: 'held', expires_at: null });
    expect(await ledger(email)).not.toHaveProperty('due_at');
  });

  it('retries a failing target with backoff until it recovers, keeping the grant pending meanwhile', async () => {
    // Prepare
    const email = newPerson();
    await grantFor(email, 'one', 60);
    target.deprovision = { status: 503 };
    // Act: the first sweep fails; one within the backoff does not call the target; one after it, with the target back, removes it
    const failed = await sweep(2 * MINUTE);
    const pending = await ledger(email);
    const callsBefore = target.calls.filter((call) => call.access === `${email}#${PERMISSION}` && call.method === 'DELETE').length;
    await sweep(2 * MINUTE + 10_000);
    const callsWithinBackoff = target.calls.filter((call) => call.access === `${email}#${PERMISSION}` && call.method === 'DELETE').length;
    const failedAgain = await sweep(4 * MINUTE);
    const twice = await ledger(email);
    target.deprovision = {};
    const recovered = await sweep(10 * MINUTE);
    // Assess
    expect(failed).toMatchObject({ failed: 1, pending: 1 });
    expect(pending).toMatchObject({ state: 'pending_removal', removal_attempts: 1, removal_error: 'Access API: answered HTTP 503' });
    expect(Date.parse(pending?.next_attempt_at ?? '')).toBeGreaterThan(Date.now() + 2 * MINUTE);
    expect(callsWithinBackoff).toBe(callsBefore);
    expect(failedAgain).toMatchObject({ failed: 1 });
    expect(twice).toMatchObject({ state: 'pending_removal', removal_attempts: 2 });
    expect(Date.parse(twice?.next_attempt_at ?? '') - Date.parse(twice?.updated_at ?? '')).toBe(2 * MINUTE);
    expect(recovered.removed).toBeGreaterThanOrEqual(1);
    expect(hasAccess(email)).toBe(false);
    expect((await ledger(email))?.state).toBe('removed');
  });

  it('counts a grant still in place more than 30 minutes after its expiry as overdue', async () => {
    // Prepare
    const email = newPerson();
    await grantFor(email, 'one', 60);
    target.deprovision = { status: 500 };
    // Act
    const summary = await sweep(40 * MINUTE);
    // Assess
    expect(summary.overdue).toBeGreaterThanOrEqual(1);
    expect(hasAccess(email)).toBe(true);
    target.deprovision = {};
    await sweep(200 * MINUTE);
    expect(hasAccess(email)).toBe(false);
  });

  it('keeps a removal whose connector secret is gone pending with that reason, never dropping it', async () => {
    // Prepare: a grant recorded with a secret that no longer exists
    const email = newPerson();
    await grantFor(email, 'one', 60);
    const item = await ledger(email);
    if (item === undefined) throw new Error('the grant was not recorded');
    await testDocumentClient().send(
      new PutCommand({
        TableName: deployment.tables.GRANTS_TABLE,
        Item: { ...item, provisioner: spec('lumos-connectors/deleted'), version: item.version + 1 },
      }),
    );
    // Act
    await sweep(2 * MINUTE);
    await sweep(60 * MINUTE);
    // Assess
    expect(hasAccess(email)).toBe(true);
    const pending = await ledger(email);
    expect(pending).toMatchObject({ state: 'pending_removal', removal_attempts: 2 });
    expect(pending?.removal_error).toContain('lumos-connectors/deleted');
    expect(pending).not.toHaveProperty('ttl');
  });

  it('lets a provisioning that adds a hold during a sweep keep the access', async () => {
    // Prepare: a grant expired by the sweeper's clock, and a target that holds its removal until the test lets it go
    const email = newPerson();
    await grantFor(email, 'old', 1);
    target.deprovision = { hold: true };
    backoff.mode = 'park';
    // Act: a new request comes in while the sweeper removes the old one, and waits for it
    const sweeping = sweep(2 * MINUTE);
    const removal = await target.held.next();
    const granting = grantFor(email, 'new', 600);
    const waiting = await backoff.parked.next();
    removal.release();
    await sweeping;
    backoff.mode = 'real';
    waiting.release();
    const granted = await granting;
    // Assess: the new request holds the access, at the target too
    expect(granted.statusCode).toBe(204);
    expect(hasAccess(email)).toBe(true);
    const item = await ledger(email);
    expect(item?.state).toBe('held');
    expect(Object.keys(item?.holds ?? {})).toEqual([taskUrl('new')]);
  });
});

describe('hostile values', () => {
  it('removes and audits a grant whose key is as long as the ledger allows', async () => {
    // Prepare: a permission value that fills the sort key's 1,024 bytes
    const email = newPerson();
    const permission = 'p'.repeat(1_024 - email.length - 1);
    const request = { ...body(email, 'long', 60), permissions: [{ value: permission, label: 'Long' }] };
    expect((await provision(webhookRequest(request, TOKEN))).statusCode).toBe(204);
    // Act
    await sweep(2 * MINUTE);
    // Assess
    expect(target.access.has(`${email}#${permission}`)).toBe(false);
    expect((await ledger(email, permission))?.state).toBe('removed');
    const audit = (await auditItemsOf(deployment.tables.AUDIT_TABLE, email)).filter((entry) => entry.kind === 'expiry_sweeper');
    expect(audit).toEqual([expect.objectContaining({ decision: 'REMOVED', permissions: [permission] })]);
  });
});

describe('failed deprovisioning', () => {
  it('is finished by the sweeper once the target recovers', async () => {
    // Prepare: a grant for a day, and a target down when Lumos deprovisions it
    const email = newPerson();
    await grantFor(email, 'one', 86_400);
    target.deprovision = { status: 503 };
    const reply = await deprovision(webhookRequest(body(email, 'one', 86_400), TOKEN));
    target.deprovision = {};
    // Act
    await sweep(5 * MINUTE);
    // Assess
    expect(reply.statusCode).toBe(502);
    expect(hasAccess(email)).toBe(false);
    expect((await ledger(email))?.state).toBe('removed');
    const audit = (await auditItemsOf(deployment.tables.AUDIT_TABLE, email)).filter((entry) => entry.kind === 'expiry_sweeper');
    expect(audit).toEqual([expect.objectContaining({ decision: 'REMOVED', reason: 'pending_removal' })]);
  });
});
