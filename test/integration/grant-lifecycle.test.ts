/**
 * The ledger as the lock, through the pipeline on DynamoDB Local against a slow loopback
 * target that keeps who has access: whatever the interleaving of grants and removals, the
 * ledger holds a request's hold exactly when the target has the access.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Pipeline } from '../../src/http/pipeline';
import { holdsAccess, type GrantItem } from '../../src/provisioners/grant-item';
import { DeprovisioningService } from '../../src/services/deprovisioning';
import { ProvisioningService } from '../../src/services/provisioning';
import { startAccessTarget, type AccessTarget } from '../support/access-target';
import { testDeployment } from '../support/deployment';
import { fixture, webhookRequest } from '../support/events';
import { startFakeSecretsManager, type FakeSecretsManager } from '../support/fake-secrets-manager';
import { testDocumentClient, type TableNames } from '../support/tables';

const TOKEN = 'lifecycle-token-0123456789';
const APP = 'lifecycle_app';
const PERMISSION = 'Permission One';
let tables: TableNames;
let provision: Pipeline;
let deprovision: Pipeline;
let fakeSecrets: FakeSecretsManager;
let target: AccessTarget;
let people = 0;

const spec = () => ({
  type: 'http',
  name: 'Access API',
  secret: 'lumos-connectors/access',
  provision: { method: 'POST', url: `${target.origin}/access/{target.email}/{permission.value}` },
  deprovision: { method: 'DELETE', url: `${target.origin}/access/{target.email}/{permission.value}` },
});

beforeAll(async () => {
  fakeSecrets = await startFakeSecretsManager();
  Object.assign(process.env, fakeSecrets.sdkEnvironment);
  target = await startAccessTarget();
  fakeSecrets.secrets.set('lumos-connectors/access', JSON.stringify({ header: 'Authorization', value: 'Bearer access-secret', allowed_hosts: ['127.0.0.1'] }));
  const deployment = await testDeployment(TOKEN);
  tables = deployment.tables;
  await testDocumentClient().send(new PutCommand({ TableName: tables.RULES_TABLE, Item: { app_id: APP, rule_id: 'access-api', kind: 'provisioning', provisioner: spec() } }));
  provision = deployment.pipeline((deps) => new ProvisioningService(deps));
  deprovision = deployment.pipeline((deps) => new DeprovisioningService(deps));
});
afterAll(async () => {
  await target.close();
  await fakeSecrets.close();
});
beforeEach(() => {
  target.provision = {};
  target.deprovision = {};
});

/** A person of their own per test, so tests never see each other's grants. */
const newPerson = () => `person-${++people}-${Date.now()}@lumos.com`;
const taskUrl = (request: string) => `https://lumos.example/tasks?requestId=${request}`;
const body = (email: string, request: string) => ({
  ...fixture('provisioning.json'),
  application: { app_id: APP, user_friendly_label: 'Lifecycle App' },
  target_user: { email },
  request_task_url: taskUrl(request),
});
const grantFor = (email: string, request: string) => provision(webhookRequest(body(email, request), TOKEN));
const removeFor = (email: string, request: string) => deprovision(webhookRequest(body(email, request), TOKEN));
const after = <T>(ms: number, call: () => Promise<T>) => sleep(ms).then(call);

async function ledger(email: string): Promise<GrantItem | undefined> {
  const { Item } = await testDocumentClient().send(new GetCommand({ TableName: tables.GRANTS_TABLE, Key: { app_instance: APP, subject_permission: `${email}#${PERMISSION}` } }));
  return Item as GrantItem | undefined;
}

const callsFor = (email: string, method: string) => target.calls.filter((call) => call.access === `${email}#${PERMISSION}` && call.method === method);

/** The ledger holds a request's hold exactly when the target has the access. */
async function expectAgreement(email: string): Promise<void> {
  const item = await ledger(email);
  const hasHold = item !== undefined && (item.state ?? 'held') === 'held' && Object.keys(item.holds).length > 0;
  expect({ ledger: hasHold, state: item?.state }).toEqual({ ledger: target.access.has(`${email}#${PERMISSION}`), state: item?.state });
}

describe('a removal and a grant at once, on a slow target', () => {
  it('a provisioning that arrives during a slow removal waits for it, then grants again', async () => {
    // Prepare: A holds the access.
    const email = newPerson();
    await grantFor(email, 'a');
    target.deprovision = { delayMs: 400 };
    // Act: A ends; B asks while the target is still removing.
    const [removed, granted] = await Promise.all([removeFor(email, 'a'), after(100, () => grantFor(email, 'b'))]);
    // Assess
    expect([removed.statusCode, granted.statusCode]).toEqual([204, 204]);
    expect(Object.keys((await ledger(email))?.holds ?? {})).toEqual([taskUrl('b')]);
    expect(target.calls.filter((call) => call.access === `${email}#${PERMISSION}`).map((call) => call.method)).toEqual(['POST', 'DELETE', 'POST']);
    await expectAgreement(email);
  });

  it('a deprovisioning that arrives during a slow first grant finds nothing recorded yet, and the grant stands', async () => {
    // Prepare
    const email = newPerson();
    target.provision = { delayMs: 400 };
    // Act: request b is being granted; its own deprovisioning (and another request's) arrive before the grant is recorded.
    const [granted, own, other] = await Promise.all([grantFor(email, 'b'), after(100, () => removeFor(email, 'b')), after(150, () => removeFor(email, 'a'))]);
    // Assess: the removals saw no grant (204, nothing removed); the grant is recorded and exists.
    expect([granted.statusCode, own.statusCode, other.statusCode]).toEqual([204, 204, 204]);
    expect(callsFor(email, 'DELETE')).toHaveLength(0);
    expect((await ledger(email))?.state).toBe('held');
    await expectAgreement(email);
  });

  it('never ends with a hold in the ledger and the access gone, whatever the interleaving', async () => {
    for (let round = 0; round < 6; round += 1) {
      // Prepare: A holds the access; the target takes 300–500 ms for each call.
      const email = newPerson();
      await grantFor(email, 'a');
      target.provision = { delayMs: [300, 500] };
      target.deprovision = { delayMs: [300, 500] };
      const operations = [() => removeFor(email, 'a'), () => grantFor(email, 'b'), () => removeFor(email, 'b'), () => grantFor(email, 'c'), () => grantFor(email, 'a')];
      // Act: all at once, each after a random offset.
      const replies = await Promise.all(operations.map((operation) => after(Math.random() * 600, operation)));
      // Assess
      expect(replies.map((reply) => reply.statusCode), `round ${round}`).toEqual([204, 204, 204, 204, 204]);
      await expectAgreement(email);
      target.provision = {};
      target.deprovision = {};
    }
  });
});

describe('abandoned and failed removals', () => {
  async function putRevoking(email: string, revokingUntil: Date): Promise<void> {
    const now = new Date().toISOString();
    const item: GrantItem = {
      app_instance: APP,
      subject_permission: `${email}#${PERMISSION}`,
      app_id: APP,
      instance_id: null,
      email,
      permission: PERMISSION,
      permission_label: null,
      granted_at: now,
      state: 'revoking',
      revoking_until: revokingUntil.toISOString(),
      expires_at: null,
      holds: {},
      rule_id: 'access-api',
      provisioner: spec() as GrantItem['provisioner'],
      version: 5,
      updated_at: now,
    };
    await testDocumentClient().send(new PutCommand({ TableName: tables.GRANTS_TABLE, Item: item }));
  }

  it('reads a revoking mark past its time as a pending removal: a provisioning grants at the target and holds it', async () => {
    // Prepare: a deprovisioner marked it and was never heard of again; the target may or may not have removed it.
    const email = newPerson();
    await putRevoking(email, new Date(Date.now() - 1_000));
    // Act
    const reply = await grantFor(email, 'b');
    // Assess
    expect(reply).toEqual({ statusCode: 204 });
    expect(callsFor(email, 'POST')).toHaveLength(1);
    expect(await ledger(email)).toMatchObject({ state: 'held', version: 6, holds: { [taskUrl('b')]: expect.anything() } });
    expect(await ledger(email)).not.toHaveProperty('revoking_until');
    await expectAgreement(email);
  });

  it('waits for a revoking mark still in its time, then takes it as abandoned', async () => {
    // Prepare
    const email = newPerson();
    await putRevoking(email, new Date(Date.now() + 1_000));
    const started = Date.now();
    // Act
    const reply = await grantFor(email, 'b');
    // Assess
    expect(reply).toEqual({ statusCode: 204 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect((await ledger(email))?.state).toBe('held');
    await expectAgreement(email);
  });

  it('retries the removal when a deprovisioning meets a revoking mark past its time', async () => {
    // Prepare: the access is still there.
    const email = newPerson();
    await putRevoking(email, new Date(Date.now() - 1_000));
    target.access.add(`${email}#${PERMISSION}`);
    // Act
    const reply = await removeFor(email, 'a');
    // Assess
    expect(reply).toEqual({ statusCode: 204 });
    expect(callsFor(email, 'DELETE')).toHaveLength(1);
    expect((await ledger(email))?.state).toBe('removed');
    await expectAgreement(email);
  });

  it('keeps a failed removal pending, without TTL and still counted as held; a provisioning then grants at the target again', async () => {
    // Prepare
    const email = newPerson();
    await grantFor(email, 'a');
    target.deprovision = { status: 503 };
    // Act: the removal fails.
    const failed = await removeFor(email, 'a');
    // Assess
    expect(failed).toMatchObject({ statusCode: 502, body: { response: 'DEPROVISIONING_FAILED' } });
    const pending = await ledger(email);
    expect(pending).toMatchObject({ state: 'pending_removal', holds: {}, removal_error: 'Access API: answered HTTP 503' });
    expect(pending).not.toHaveProperty('ttl');
    expect(holdsAccess(pending ?? null, new Date())).toBe(true);
    expect(target.access.has(`${email}#${PERMISSION}`)).toBe(true);
    // Act: another request asks for it.
    target.deprovision = {};
    const granted = await grantFor(email, 'b');
    // Assess: granted at the target again (idempotently), held by b alone.
    expect(granted).toEqual({ statusCode: 204 });
    expect(callsFor(email, 'POST')).toHaveLength(2);
    expect(await ledger(email)).toMatchObject({ state: 'held', holds: { [taskUrl('b')]: expect.anything() } });
    expect(Object.keys((await ledger(email))?.holds ?? {})).toHaveLength(1);
    await expectAgreement(email);
  });

  it('retries a pending removal at the target when the deprovisioning is sent again', async () => {
    // Prepare
    const email = newPerson();
    await grantFor(email, 'a');
    target.deprovision = { status: 500 };
    expect((await removeFor(email, 'a')).statusCode).toBe(502);
    target.deprovision = {};
    // Act
    const reply = await removeFor(email, 'a');
    // Assess
    expect(reply).toEqual({ statusCode: 204 });
    expect(callsFor(email, 'DELETE').map((call) => call.status)).toEqual([500, 204]);
    const item = await ledger(email);
    expect(item).toMatchObject({ state: 'removed', holds: {} });
    expect(item?.ttl).toBeGreaterThan(Date.now() / 1000);
    await expectAgreement(email);
  });
});

describe('contention on one grant', () => {
  it('answers 204 to 20 concurrent requests for one grant and records 20 holds; 20 concurrent ends remove it once', async () => {
    // Prepare
    const email = newPerson();
    const requests = Array.from({ length: 20 }, (_, index) => `r${index}`);
    // Act
    const granted = await Promise.all(requests.map((request) => grantFor(email, request)));
    // Assess
    expect(granted.map((reply) => reply.statusCode)).toEqual(requests.map(() => 204));
    expect(Object.keys((await ledger(email))?.holds ?? {}).sort()).toEqual(requests.map(taskUrl).sort());
    await expectAgreement(email);
    // Act
    const removed = await Promise.all(requests.map((request) => removeFor(email, request)));
    // Assess
    expect(removed.map((reply) => reply.statusCode)).toEqual(requests.map(() => 204));
    expect((await ledger(email))?.state).toBe('removed');
    expect(callsFor(email, 'DELETE')).toHaveLength(1);
    await expectAgreement(email);
  });
});
