/**
 * The ledger as the lock, through the pipeline on DynamoDB Local against a loopback target that
 * keeps who has access and answers when the test lets it: whatever the interleaving of grants
 * and removals, the ledger holds a request's hold exactly when the target has the access.
 * Nothing here waits for time to pass: calls are held at the target and in their retries until
 * the test releases them, and a mark runs out on a clock the retries move on.
 */

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PermissionResult } from '../../../src/audit/record';
import type { GrantItem, GrantKey } from '../../../src/grants/grant-item';
import type { GrantLedger } from '../../../src/grants/grant-ledger';
import { holdsAccess } from '../../../src/grants/holds';
import { grantStateAt } from '../../../src/grants/lifecycle';
import type { Pipeline } from '../../../src/http/pipeline';
import { StoreUnavailableError } from '../../../src/kernel/errors';
import { logger } from '../../../src/kernel/logger';
import { DeprovisioningService } from '../../../src/services/deprovisioning-service';
import { ProvisioningService } from '../../../src/services/provisioning-service';
import { type AccessTarget, type HeldCall, startAccessTarget } from '../../support/access-target';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { fixture, webhookRequest } from '../../support/events';
import { type FakeSecretsManager, startFakeSecretsManager } from '../../support/fake-secrets-manager';
import { grantAt } from '../../support/grants';
import { interleave } from '../../support/interleaving';
import type { Parked } from '../../support/parking';
import { seededRandom } from '../../support/seeded-random';
import { auditItemsOf, type TableNames, testDocumentClient } from '../../support/tables';
import { TestClock, testBackoff } from '../../support/test-clock';

const TOKEN = 'lifecycle-token-0123456789';
const APP = 'lifecycle_app';
const PERMISSION = 'Permission One';
const SECOND = 'Permission Two';
let deployment: TestDeployment;
let tables: TableNames;
let provision: Pipeline;
let deprovision: Pipeline;
let fakeSecrets: FakeSecretsManager;
let target: AccessTarget;
let people = 0;
/** Every call's clock, standing still; the retries' sleeps move it on (`skip`), wait for the test (`park`) or sleep. */
const clock = new TestClock();
const backoff = testBackoff(clock);

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
  deployment = await testDeployment(TOKEN, { now: clock.now });
  tables = deployment.tables;
  await testDocumentClient().send(
    new PutCommand({ TableName: tables.RULES_TABLE, Item: { app_id: APP, rule_id: 'access-api', kind: 'provisioning', provisioner: spec() } }),
  );
  provision = deployment.pipeline((deps) => new ProvisioningService({ ...deps, backoff }));
  deprovision = deployment.pipeline((deps) => new DeprovisioningService({ ...deps, backoff }));
});
afterAll(async () => {
  await target.close();
  await fakeSecrets.close();
});
beforeEach((context) => {
  target.provision = {};
  target.deprovision = {};
  clock.reset();
  backoff.mode = 'real';
  backoff.sleptMs = 0;
  backoff.random = seededRandom(`grant-lifecycle: ${context.task.name}`);
});
afterEach(() => {
  vi.restoreAllMocks();
  target.held.releaseAll();
  backoff.parked.releaseAll();
});

/** A person of their own per test, so tests never see each other's grants. */
const newPerson = () => `person-${++people}-${Date.now()}@lumos.com`;
/** An instant `ms` from now on the calls' clock. */
const fromNow = (ms: number) => new Date(clock.now().getTime() + ms);
const taskUrl = (request: string) => `https://lumos.example/tasks?requestId=${request}`;
const body = (email: string, request: string) => ({
  ...fixture('provisioning.json'),
  application: { app_id: APP, user_friendly_label: 'Lifecycle App' },
  target_user: { email },
  request_task_url: taskUrl(request),
});
const grantFor = (email: string, request: string) => provision(webhookRequest(body(email, request), TOKEN));
const removeFor = (email: string, request: string) => deprovision(webhookRequest(body(email, request), TOKEN));

const ledger = (email: string) => grantAt(tables.GRANTS_TABLE, { app_instance: APP, subject_permission: `${email}#${PERMISSION}` });

/** Writes a grant item as another call (or a clock a little off) would have left it. */
async function putGrant(email: string, fields: Partial<GrantItem>, permission = PERMISSION): Promise<void> {
  const now = clock.now().toISOString();
  const item = {
    app_instance: APP,
    subject_permission: `${email}#${permission}`,
    app_id: APP,
    instance_id: null,
    email,
    permission,
    permission_label: null,
    granted_at: now,
    expires_at: null,
    holds: {},
    rule_id: 'access-api',
    provisioner: spec(),
    version: 5,
    updated_at: now,
    ...fields,
  };
  await testDocumentClient().send(new PutCommand({ TableName: tables.GRANTS_TABLE, Item: item }));
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
    target.deprovision = { hold: true };
    backoff.mode = 'park';
    // Act: A ends; B asks while the target is still removing, and waits.
    const removing = removeFor(email, 'a');
    const removal = await target.held.next();
    const granting = grantFor(email, 'b');
    const waiting = await backoff.parked.next();
    removal.release();
    const removed = await removing;
    backoff.mode = 'real';
    waiting.release();
    const granted = await granting;
    // Assess
    expect([removed.statusCode, granted.statusCode]).toEqual([204, 204]);
    expect(Object.keys((await ledger(email))?.holds ?? {})).toEqual([taskUrl('b')]);
    expect(target.calls.filter((call) => call.access === `${email}#${PERMISSION}`).map((call) => call.method)).toEqual(['POST', 'DELETE', 'POST']);
    await expectAgreement(email);
  });

  it('a deprovisioning that arrives during a slow first grant waits for it, then removes it', async () => {
    // Prepare
    const email = newPerson();
    target.provision = { hold: true };
    backoff.mode = 'park';
    // Act: request b is being granted; its own deprovisioning (and another request's) arrive before the grant is recorded.
    const granting = grantFor(email, 'b');
    const grant = await target.held.next();
    const removals = [removeFor(email, 'b'), removeFor(email, 'a')];
    await backoff.parked.waiting(2);
    grant.release();
    const granted = await granting;
    backoff.mode = 'real';
    backoff.parked.releaseAll();
    const [own, other] = await Promise.all(removals);
    // Assess: the removals waited for the grant's outcome, then removed it once, after it was made.
    expect([granted.statusCode, own?.statusCode, other?.statusCode]).toEqual([204, 204, 204]);
    expect(target.calls.filter((call) => call.access === `${email}#${PERMISSION}`).map((call) => call.method)).toEqual(['POST', 'DELETE']);
    expect((await ledger(email))?.state).toBe('removed');
    await expectAgreement(email);
  });

  it('a provisioning of another request that arrives during a slow first grant waits for it, then adds its hold', async () => {
    // Prepare
    const email = newPerson();
    target.provision = { hold: true };
    backoff.mode = 'park';
    // Act
    const first = grantFor(email, 'a');
    const grant = await target.held.next();
    const second = grantFor(email, 'b');
    const waiting = await backoff.parked.next();
    grant.release();
    const replies = [await first];
    backoff.mode = 'real';
    waiting.release();
    replies.push(await second);
    // Assess: one grant at the target, two holds.
    expect(replies).toEqual([{ statusCode: 204 }, { statusCode: 204 }]);
    expect(callsFor(email, 'POST')).toHaveLength(1);
    expect(await ledger(email)).toMatchObject({ state: 'held', holds: { [taskUrl('a')]: expect.anything(), [taskUrl('b')]: expect.anything() } });
    await expectAgreement(email);
  });

  it('never ends with a hold in the ledger and the access gone, whatever the interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { minLength: 60, maxLength: 60 }), async (choices) => {
        // Prepare: A holds the access; every call at the target and every retry waits for its turn.
        const email = newPerson();
        await grantFor(email, 'a');
        target.provision = { hold: true };
        target.deprovision = { hold: true };
        backoff.mode = 'park';
        const operations = [
          () => removeFor(email, 'a'),
          () => grantFor(email, 'b'),
          () => removeFor(email, 'b'),
          () => grantFor(email, 'c'),
          () => grantFor(email, 'a'),
        ];
        try {
          // Act: started, answered and woken in the order the choices make.
          const replies = await interleave(operations, [target.held, backoff.parked], choices);
          // Assess
          expect(replies.map((reply) => reply.statusCode)).toEqual([204, 204, 204, 204, 204]);
          await expectAgreement(email);
        } finally {
          target.provision = {};
          target.deprovision = {};
          backoff.mode = 'real';
        }
      }),
      { numRuns: 12 },
    );
  });
});

describe('abandoned and failed removals', () => {
  const putRevoking = (email: string, revokingUntil: Date) => putGrant(email, { state: 'revoking', revoking_until: revokingUntil.toISOString() });

  it('reads a revoking mark past its time as a pending removal: a provisioning grants at the target and holds it', async () => {
    // Prepare: a deprovisioner marked it and was never heard of again; the target may or may not have removed it.
    const email = newPerson();
    await putRevoking(email, fromNow(-1_000));
    // Act
    const reply = await grantFor(email, 'b');
    // Assess
    expect(reply).toEqual({ statusCode: 204 });
    expect(callsFor(email, 'POST')).toHaveLength(1);
    // Version 6 was the granting mark written before the call to the target.
    expect(await ledger(email)).toMatchObject({ state: 'held', version: 7, holds: { [taskUrl('b')]: expect.anything() } });
    expect(await ledger(email)).not.toHaveProperty('revoking_until');
    expect(await ledger(email)).not.toHaveProperty('granting_until');
    await expectAgreement(email);
  });

  it('waits for a revoking mark still in its time, then takes it as abandoned', async () => {
    // Prepare: its retries' sleeps move the clock on instead of taking time.
    const email = newPerson();
    const until = fromNow(1_000);
    await putRevoking(email, until);
    backoff.mode = 'skip';
    // Act
    const reply = await grantFor(email, 'b');
    // Assess: granted only once the clock had passed the mark, which only the retries' sleeps move
    expect(reply).toEqual({ statusCode: 204 });
    expect(backoff.sleptMs).toBeGreaterThanOrEqual(1_000);
    expect(Date.parse((await ledger(email))?.holds[taskUrl('b')]?.granted_at ?? '')).toBeGreaterThanOrEqual(until.getTime());
    expect((await ledger(email))?.state).toBe('held');
    await expectAgreement(email);
  });

  it('retries the removal when a deprovisioning meets a revoking mark past its time', async () => {
    // Prepare: the access is still there.
    const email = newPerson();
    await putRevoking(email, fromNow(-1_000));
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
    expect(holdsAccess(pending ?? null, clock.now())).toBe(true);
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
    expect(item?.ttl).toBeGreaterThan(clock.now().getTime() / 1000);
    await expectAgreement(email);
  });
});

/** The real ledger on DynamoDB Local, with chosen reads or writes failing as they would with DynamoDB down. */
function failingLedger(inner: GrantLedger, fails: { get?: (key: GrantKey) => boolean; save?: (item: GrantItem) => boolean }): GrantLedger {
  const down = () => Promise.reject(new StoreUnavailableError('DynamoDB failed (injected by the test)'));
  return {
    get: (key, deadline) => (fails.get?.(key) ? down() : inner.get(key, deadline)),
    permissionsOf: (appInstance, email, deadline) => inner.permissionsOf(appInstance, email, deadline),
    save: (item, previousVersion, deadline) => (fails.save?.(item) ? down() : inner.save(item, previousVersion, deadline)),
  };
}

/** The real ledger, and a promise that settles once it has written an item the test waits for. */
function watchedLedger(inner: GrantLedger, awaited: (item: GrantItem) => boolean): { grants: GrantLedger; written: Promise<void> } {
  let written = () => {};
  const promise = new Promise<void>((resolve) => (written = resolve));
  const grants: GrantLedger = {
    get: (key, deadline) => inner.get(key, deadline),
    permissionsOf: (appInstance, email, deadline) => inner.permissionsOf(appInstance, email, deadline),
    save: async (item, previousVersion, deadline) => {
      const saved = await inner.save(item, previousVersion, deadline);
      if (saved && awaited(item)) written();
      return saved;
    },
  };
  return { grants, written: promise };
}

const access = (email: string, permission = PERMISSION) => `${email}#${permission}`;
const bothPermissions = (email: string, request: string) => ({
  ...body(email, request),
  permissions: [
    { value: PERMISSION, label: null },
    { value: SECOND, label: null },
  ],
});

async function auditedResults(email: string, kind: string): Promise<PermissionResult[][]> {
  return (await auditItemsOf(tables.AUDIT_TABLE, email)).filter((item) => item.kind === kind).map((item) => item.results as PermissionResult[]);
}

describe('a grant at the target is never left without a ledger record', () => {
  it('marks the grant granting before the target is called, so a grant whose record then fails is still found and removed', async () => {
    // Prepare: the target grants, then the write of `held` fails; a short deadline keeps the mark's time short.
    const email = newPerson();
    const failing = deployment.pipeline(
      (deps) => new ProvisioningService({ ...deps, grants: failingLedger(deps.grants, { save: (item) => item.state === 'held' }) }),
    );
    // Act
    const reply = await failing(webhookRequest(body(email, 'a'), TOKEN, { remainingMs: 1_500 }));
    // Assess: a failure naming what happened; the access exists and the ledger says it may.
    expect(reply).toMatchObject({
      statusCode: 502,
      body: {
        response: 'PROVISIONING_FAILED',
        message: expect.stringContaining('granted by Access API, but the grants ledger could not record it (store_unavailable)'),
      },
    });
    expect(target.access.has(access(email))).toBe(true);
    const marked = await ledger(email);
    if (marked === undefined) throw new Error('the grant was not recorded');
    expect(marked).toMatchObject({ state: 'granting', holds: { [taskUrl('a')]: expect.anything() } });
    expect(marked).not.toHaveProperty('ttl');
    expect(holdsAccess(marked, clock.now())).toBe(true);
    expect(grantStateAt(marked, new Date(Date.parse(marked.granting_until as string)))).toBe('pending_removal');
    // Act: Lumos ends the request; the deprovisioning waits out the mark (its sleeps move the clock on), then removes the access.
    backoff.mode = 'skip';
    const removed = await removeFor(email, 'a');
    // Assess
    expect(removed).toEqual({ statusCode: 204 });
    expect(callsFor(email, 'DELETE')).toHaveLength(1);
    expect((await ledger(email))?.state).toBe('removed');
    await expectAgreement(email);
  });

  it('records a grant whose answer never came as a pending removal: the target carried it out late, and the next deprovisioning removes it', async () => {
    // Prepare: a 1 s deadline leaves the target 0.25 s; it answers only when the test lets it.
    const email = newPerson();
    target.provision = { hold: true };
    // Act
    const reply = await provision(webhookRequest(body(email, 'a'), TOKEN, { remainingMs: 1_500 }));
    // Assess
    expect(reply).toMatchObject({ statusCode: 502, body: { message: expect.stringContaining('it may have been granted anyway') } });
    expect(await ledger(email)).toMatchObject({
      state: 'pending_removal',
      holds: {},
      removal_error: expect.stringMatching(/^grant not confirmed: Access API: did not answer within/),
    });
    expect(await ledger(email)).not.toHaveProperty('ttl');
    // The abandoned request is carried out after all.
    target.provision = {};
    const late = await target.held.next();
    late.release();
    await late.item.answered;
    expect(target.access.has(access(email))).toBe(true);
    // Act
    const removed = await removeFor(email, 'a');
    // Assess
    expect(removed).toEqual({ statusCode: 204 });
    expect(target.access.has(access(email))).toBe(false);
    expect((await ledger(email))?.state).toBe('removed');
  });

  it('marks a removed grant as a pending removal when its own granting mark was taken over and its answer never came', async () => {
    // Prepare: a 1.5 s deadline leaves the target 0.75 s; it answers only when the test lets it.
    const email = newPerson();
    target.provision = { hold: true };
    // Act: while the POST is held, a deprovisioning with a clock ahead takes the mark as expired and removes.
    const granting = provision(webhookRequest(body(email, 'a'), TOKEN, { remainingMs: 2_000 }));
    const post = await target.held.next();
    const mark = (await ledger(email)) as GrantItem;
    expect(mark.state).toBe('granting');
    await putGrant(email, { ...mark, granting_until: fromNow(-1_000).toISOString() });
    expect(await removeFor(email, 'a')).toEqual({ statusCode: 204 });
    const reply = await granting;
    target.provision = {};
    post.release();
    await post.item.answered;
    // Assess: the grant lands after the removal; the ledger says the access may exist, and the next deprovisioning removes it.
    expect(reply.statusCode).toBe(502);
    expect(target.access.has(access(email))).toBe(true);
    expect(await ledger(email)).toMatchObject({ state: 'pending_removal', removal_error: 'a grant may have reached the target after this removal' });
    expect(await removeFor(email, 'a')).toEqual({ statusCode: 204 });
    expect((await ledger(email))?.state).toBe('removed');
    await expectAgreement(email);
  });

  it('puts a grant the target refused back as it was: nothing becomes removed, a removed grant stays as it was, a pending removal stays pending', async () => {
    // Prepare: one person never granted, one removed, one whose removal failed.
    const [fresh, gone, pending] = [newPerson(), newPerson(), newPerson()];
    await grantFor(gone, 'a');
    await removeFor(gone, 'a');
    const removedBefore = await ledger(gone);
    await grantFor(pending, 'a');
    target.deprovision = { status: 503 };
    await removeFor(pending, 'a');
    target.provision = { status: 500 };
    // Act
    const replies = await Promise.all([grantFor(fresh, 'b'), grantFor(gone, 'b'), grantFor(pending, 'b')]);
    // Assess
    expect(replies.map((reply) => reply.statusCode)).toEqual([502, 502, 502]);
    const never = await ledger(fresh);
    expect(never).toMatchObject({ state: 'removed', holds: {}, version: 2 });
    expect(never?.ttl).toBeGreaterThan(clock.now().getTime() / 1000);
    expect(await ledger(gone)).toEqual({ ...removedBefore, version: (removedBefore?.version ?? 0) + 2, updated_at: expect.any(String) });
    expect(await ledger(pending)).toMatchObject({ state: 'pending_removal', holds: {}, removal_error: 'Access API: answered HTTP 503' });
    expect(holdsAccess((await ledger(pending)) ?? null, clock.now())).toBe(true);
    for (const email of [fresh, gone]) await expectAgreement(email);
  });

  it('reads a granting mark past its time as a pending removal: a deprovisioning removes the access at the target', async () => {
    // Prepare: a provisioner marked it, may have granted it, and was never heard of again.
    const email = newPerson();
    const now = clock.now().toISOString();
    await putGrant(email, {
      state: 'granting',
      granting_until: fromNow(-1_000).toISOString(),
      holds: { [taskUrl('a')]: { granted_at: now, expires_at: null, request_task_url: taskUrl('a') } },
    });
    target.access.add(access(email));
    // Act
    const reply = await removeFor(email, 'b');
    // Assess
    expect(reply).toEqual({ statusCode: 204 });
    expect(callsFor(email, 'DELETE')).toHaveLength(1);
    expect((await ledger(email))?.state).toBe('removed');
    await expectAgreement(email);
  });
});

describe('one permission failing never loses the others', () => {
  it('fails a retry that has no time left for the target as that permission alone, calling nothing and writing nothing', async () => {
    // Prepare: Permission Two is being removed until 1.3 s from now; the call's deadline ends 0.72 s
    // after that, so every try after the mark has less than the 0.75 s a target call is given.
    const email = newPerson();
    const until = fromNow(1_300).getTime();
    await putGrant(email, { state: 'revoking', revoking_until: new Date(until).toISOString() }, SECOND);
    const watched = watchedLedger(deployment.deps.grants, (item) => item.permission === PERMISSION && item.state === 'held');
    const watching = deployment.pipeline((deps) => new ProvisioningService({ ...deps, grants: watched.grants, backoff }));
    backoff.mode = 'park';
    // Act: Permission Two waits until Permission One is recorded, then its sleeps move the clock past the mark.
    const replying = watching(webhookRequest(bothPermissions(email, 'a'), TOKEN, { remainingMs: until - clock.now().getTime() + 500 + 720 }));
    await watched.written;
    const waiting = await backoff.parked.next();
    backoff.mode = 'skip';
    waiting.release();
    const reply = await replying;
    // Assess
    expect(reply).toEqual({
      statusCode: 502,
      body: {
        response: 'PROVISIONING_FAILED',
        message: 'Provisioning failed for Permission Two (Access API: not called, no time left). Done: Permission One.',
      },
    });
    expect(target.calls.filter((call) => call.method === 'POST').map((call) => call.access)).toContain(access(email));
    expect(target.calls.map((call) => call.access)).not.toContain(access(email, SECOND));
    expect(await ledger(email)).toMatchObject({ state: 'held' });
    expect(await grantAt(tables.GRANTS_TABLE, { app_instance: APP, subject_permission: access(email, SECOND) })).toMatchObject({
      state: 'revoking',
      version: 5,
    });
  });

  it('fails a permission whose ledger read throws alone, in provisioning and deprovisioning, keeping what the others did', async () => {
    // Prepare
    const email = newPerson();
    const secondDown = (key: GrantKey) => key.subject_permission === access(email, SECOND);
    const failingProvision = deployment.pipeline((deps) => new ProvisioningService({ ...deps, grants: failingLedger(deps.grants, { get: secondDown }) }));
    const failingDeprovision = deployment.pipeline((deps) => new DeprovisioningService({ ...deps, grants: failingLedger(deps.grants, { get: secondDown }) }));
    // Act
    const granted = await failingProvision(webhookRequest(bothPermissions(email, 'a'), TOKEN));
    const grantedHeld = await ledger(email);
    const removed = await failingDeprovision(webhookRequest(bothPermissions(email, 'a'), TOKEN));
    // Assess
    expect(granted).toEqual({
      statusCode: 502,
      body: { response: 'PROVISIONING_FAILED', message: 'Provisioning failed for Permission Two (could not run (store_unavailable)). Done: Permission One.' },
    });
    expect(grantedHeld?.state).toBe('held');
    expect(removed).toEqual({
      statusCode: 502,
      body: {
        response: 'DEPROVISIONING_FAILED',
        message: 'Deprovisioning failed for Permission Two (could not run (store_unavailable)). Done: Permission One.',
      },
    });
    expect((await ledger(email))?.state).toBe('removed');
    await expectAgreement(email);
    // The audit marks the failure as ours, not the target system's.
    expect((await auditedResults(email, 'provisioning'))[0]).toContainEqual(
      expect.objectContaining({ permission: SECOND, status: 'failed', reason: 'store_unavailable' }),
    );
  });
});

describe('a removal that lands after another call took the grant over', () => {
  /**
   * Once the deprovisioner's DELETE is held at the target (its mark written), makes the mark look
   * expired (a clock ahead, or a target that acts late); returns the held DELETE.
   */
  async function takeOverRevoking(email: string): Promise<Parked<HeldCall>> {
    const removal = await target.held.next();
    const revoking = (await ledger(email)) as GrantItem;
    expect(revoking.state).toBe('revoking');
    await testDocumentClient().send(
      new PutCommand({
        TableName: tables.GRANTS_TABLE,
        Item: { ...revoking, revoking_until: fromNow(-1_000).toISOString() },
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': revoking.version },
      }),
    );
    return removal;
  }

  it('grants the access again at the target when the grant is held again by then, and says so', async () => {
    // Prepare: A holds the access; the target holds the removal until the test lets it go.
    const email = newPerson();
    await grantFor(email, 'a');
    target.deprovision = { hold: true };
    // Act: A ends; while the DELETE is on its way, B takes the grant over and is granted at once.
    const removing = removeFor(email, 'a');
    const removal = await takeOverRevoking(email);
    const granted = await grantFor(email, 'b');
    removal.release();
    const removed = await removing;
    // Assess: the late DELETE took the access from B; the deprovisioning granted it back.
    expect([granted.statusCode, removed.statusCode]).toEqual([204, 204]);
    expect(target.calls.filter((call) => call.access === access(email)).map((call) => call.method)).toEqual(['POST', 'POST', 'DELETE', 'POST']);
    expect(await ledger(email)).toMatchObject({ state: 'held', holds: { [taskUrl('b')]: expect.anything() } });
    expect(Object.keys((await ledger(email))?.holds ?? {})).toEqual([taskUrl('b')]);
    await expectAgreement(email);
    expect((await auditedResults(email, 'deprovisioning'))[0]).toEqual([
      expect.objectContaining({
        status: 'removed',
        detail: expect.stringContaining(`meanwhile ${taskUrl('b')} took it over, so it was granted again at the target`),
      }),
    ]);
  });

  it('leaves the grant held and logs an error naming it when granting it again fails', async () => {
    // Prepare
    const email = newPerson();
    await grantFor(email, 'a');
    target.deprovision = { hold: true };
    const errors = vi.spyOn(logger, 'error');
    // Act: as above, but the target refuses the grant the deprovisioning makes again.
    const removing = removeFor(email, 'a');
    const removal = await takeOverRevoking(email);
    expect((await grantFor(email, 'b')).statusCode).toBe(204);
    target.provision = { status: 503 };
    removal.release();
    const removed = await removing;
    // Assess: answered as the removal it was; still held in the ledger (not a pending removal, which would end B's access for good).
    expect(removed).toEqual({ statusCode: 204 });
    expect(await ledger(email)).toMatchObject({ state: 'held', holds: { [taskUrl('b')]: expect.anything() } });
    expect(target.access.has(access(email))).toBe(false);
    expect(errors).toHaveBeenCalledWith(
      'grant held in the ledger may have lost its access at the target to a late removal',
      expect.objectContaining({ app_instance: APP, subject_permission: access(email), provisioner: 'Access API', error: 'Access API: answered HTTP 503' }),
    );
    expect((await auditedResults(email, 'deprovisioning'))[0]).toEqual([
      expect.objectContaining({ status: 'removed', detail: expect.stringContaining('granting it again failed (Access API: answered HTTP 503)') }),
    ]);
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
