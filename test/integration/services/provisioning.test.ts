/**
 * Provisioning and deprovisioning through the pipeline on DynamoDB Local: the ledger, holds of
 * overlapping requests, concurrency, and the http provisioner against a loopback API.
 */

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pipeline } from '../../../src/http/pipeline';
import { DeprovisioningService } from '../../../src/services/deprovisioning-service';
import { ProvisioningService } from '../../../src/services/provisioning-service';
import { testDeployment } from '../../support/deployment';
import { fixture, webhookRequest } from '../../support/events';
import { type FakeSecretsManager, startFakeSecretsManager } from '../../support/fake-secrets-manager';
import { auditItemsOf, type TableNames, testDocumentClient } from '../../support/tables';

const TOKEN = 'provisioning-token-0123456789';
const INSTANCE = '0ob3ggjlhx892dc4abcde';
let tables: TableNames;
let provision: Pipeline;
let deprovision: Pipeline;
let fakeSecrets: FakeSecretsManager;

beforeAll(async () => {
  fakeSecrets = await startFakeSecretsManager();
  Object.assign(process.env, fakeSecrets.sdkEnvironment);
  const deployment = await testDeployment(TOKEN, { seeded: true });
  tables = deployment.tables;
  provision = deployment.pipeline((deps) => new ProvisioningService(deps));
  deprovision = deployment.pipeline((deps) => new DeprovisioningService(deps));
});
afterAll(() => fakeSecrets.close());

type Body = Record<string, unknown>;
const request = (overrides: Body = {}, permissions?: string[]): Body => ({
  ...fixture('provisioning.json'),
  ...(permissions ? { permissions: permissions.map((value) => ({ value, label: `${value} label` })) } : {}),
  ...overrides,
});
const forRequest = (id: string, overrides: Body = {}) => request({ request_task_url: `https://lumos.example/tasks?requestId=${id}`, ...overrides });

async function grant(email: string, permission = 'Permission One', instance = INSTANCE) {
  const { Item } = await testDocumentClient().send(
    new GetCommand({ TableName: tables.GRANTS_TABLE, Key: { app_instance: instance, subject_permission: `${email}#${permission}` } }),
  );
  return Item;
}

describe('ledger provisioning', () => {
  it('grants once for the same request sent twice, with one hold and no TTL while held', async () => {
    // Prepare
    const body = forRequest('twice', { target_user: { email: 'twice@lumos.com' } });
    // Act
    const first = await provision(webhookRequest(body, TOKEN));
    const second = await provision(webhookRequest(body, TOKEN));
    // Assess
    expect(first).toEqual({ statusCode: 204 });
    expect(second).toEqual({ statusCode: 204 });
    const item = await grant('twice@lumos.com');
    expect(Object.keys(item?.holds ?? {})).toEqual(['https://lumos.example/tasks?requestId=twice']);
    expect(item).toMatchObject({ rule_id: 'ledger-grants', provisioner: { type: 'ledger' }, version: 1, app_id: 'demo_app', permission: 'Permission One' });
    expect(Date.parse(item?.expires_at as string) - Date.now()).toBeGreaterThan(43_000_000);
    // No TTL while held: only a confirmed removal (by deprovisioning or the expiry sweeper) lets the item go.
    expect(item).not.toHaveProperty('ttl');
  });

  it('gives one grant when the same request arrives many times at once', async () => {
    const body = forRequest('burst', { target_user: { email: 'burst@lumos.com' } });
    const replies = await Promise.all(Array.from({ length: 8 }, () => provision(webhookRequest(body, TOKEN))));
    expect(replies.every((reply) => reply.statusCode === 204)).toBe(true);
    const { Items } = await testDocumentClient().send(
      new QueryCommand({
        TableName: tables.GRANTS_TABLE,
        KeyConditionExpression: 'app_instance = :a AND begins_with(subject_permission, :p)',
        ExpressionAttributeValues: { ':a': INSTANCE, ':p': 'burst@lumos.com#' },
      }),
    );
    expect(Items).toHaveLength(1);
    expect(Object.keys(Items?.[0]?.holds ?? {})).toHaveLength(1);
  });

  it('has no expiry and no TTL while any request holds unlimited access', async () => {
    await provision(webhookRequest(forRequest('forever', { target_user: { email: 'forever@lumos.com' }, access_length: null }), TOKEN));
    const item = await grant('forever@lumos.com');
    expect(item?.expires_at).toBeNull();
    expect(item).not.toHaveProperty('ttl');
  });

  it('answers NO_PROVISIONING_ACTION for an app no rule covers, granting nothing', async () => {
    const reply = await provision(webhookRequest(request({ application: { app_id: 'other_app' }, target_user: { email: 'nobody@lumos.com' } }), TOKEN));
    expect(reply).toEqual({
      statusCode: 200,
      body: { response: 'NO_PROVISIONING_ACTION', message: expect.stringContaining('No provisioning rule covers Permission One') },
    });
    expect(await grant('nobody@lumos.com', 'Permission One', 'other_app')).toBeUndefined();
  });

  it('never provisions the requester when the payload names no subject', async () => {
    const body = { ...request(), target_user: null, requester_user: { email: 'requester@lumos.com' } };
    expect((await provision(webhookRequest(body, TOKEN))).statusCode).toBe(422);
  });
});

describe('overlapping grants', () => {
  const email = 'overlap@lumos.com';
  const person = { target_user: { email } };

  it('keeps access while another active request holds it, and removes it with the last hold', async () => {
    // Prepare: two requests for the same access.
    await provision(webhookRequest(forRequest('a', person), TOKEN));
    await provision(webhookRequest(forRequest('b', person), TOKEN));
    expect(Object.keys((await grant(email))?.holds ?? {})).toHaveLength(2);
    // Act / Assess: request a ends; b still holds it.
    expect(await deprovision(webhookRequest(forRequest('a', person), TOKEN))).toEqual({ statusCode: 204 });
    expect(Object.keys((await grant(email))?.holds ?? {})).toEqual(['https://lumos.example/tasks?requestId=b']);
    // Request b ends: nothing holds it any more.
    expect(await deprovision(webhookRequest(forRequest('b', person), TOKEN))).toEqual({ statusCode: 204 });
    expect(await grant(email)).toMatchObject({ state: 'removed', holds: {} });
    // Again: removing what is not granted is a success.
    expect(await deprovision(webhookRequest(forRequest('b', person), TOKEN))).toEqual({ statusCode: 204 });
  });

  it('removes access at once when the call names no request, whatever else holds it', async () => {
    const other = { target_user: { email: 'named-none@lumos.com' } };
    await provision(webhookRequest(forRequest('c', other), TOKEN));
    await provision(webhookRequest(forRequest('d', other), TOKEN));
    await deprovision(webhookRequest(request({ ...other, request_task_url: null }), TOKEN));
    expect(await grant('named-none@lumos.com')).toMatchObject({ state: 'removed', holds: {} });
  });

  it("with an empty permission list, removes every grant of the subject in that app and nobody else's", async () => {
    // Prepare
    const mine = { target_user: { email: 'everything@lumos.com' } };
    await provision(webhookRequest(request({ ...mine, request_task_url: 'r1' }, ['Permission One', 'Permission Two']), TOKEN));
    await provision(webhookRequest(request({ target_user: { email: 'bystander@lumos.com' }, request_task_url: 'r2' }), TOKEN));
    // Act
    const reply = await deprovision(webhookRequest({ ...request(mine), permissions: [], request_task_url: null }, TOKEN));
    // Assess
    expect(reply).toEqual({ statusCode: 204 });
    expect(await grant('everything@lumos.com', 'Permission One')).toMatchObject({ state: 'removed' });
    expect(await grant('everything@lumos.com', 'Permission Two')).toMatchObject({ state: 'removed' });
    expect(await grant('bystander@lumos.com')).toMatchObject({ state: 'held' });
  });

  it("grants anew over a removed grant, its write conditional on the removed item's version", async () => {
    // Prepare: granted and removed; the item stays as a tombstone with a TTL.
    const who = { target_user: { email: 'again@lumos.com' } };
    await provision(webhookRequest(forRequest('g', who), TOKEN));
    await deprovision(webhookRequest(forRequest('g', who), TOKEN));
    const removed = await grant('again@lumos.com');
    expect(removed).toMatchObject({ state: 'removed', version: 3, holds: {} });
    expect(removed?.ttl).toBe(Math.floor(Date.parse(removed?.removed_at as string) / 1000) + 7 * 86_400);
    // Act
    const reply = await provision(webhookRequest(forRequest('h', who), TOKEN));
    // Assess
    expect(reply).toEqual({ statusCode: 204 });
    const item = await grant('again@lumos.com');
    expect(item).toMatchObject({ state: 'held', version: 4 });
    expect(Object.keys(item?.holds ?? {})).toEqual(['https://lumos.example/tasks?requestId=h']);
    expect(item).not.toHaveProperty('removed_at');
  });

  it('with an empty permission list, leaves removed grants out', async () => {
    // Prepare: two permissions, one already removed.
    const who = { target_user: { email: 'partly@lumos.com' } };
    await provision(webhookRequest(request({ ...who, request_task_url: 'r3' }, ['Permission One', 'Permission Two']), TOKEN));
    await deprovision(webhookRequest(request({ ...who, request_task_url: 'r3' }, ['Permission One']), TOKEN));
    // Act
    await deprovision(webhookRequest({ ...request(who), permissions: [], request_task_url: null }, TOKEN));
    // Assess: the removed grant is not deprovisioned again (its version is untouched).
    expect(await grant('partly@lumos.com', 'Permission One')).toMatchObject({ state: 'removed', version: 3 });
    expect(await grant('partly@lumos.com', 'Permission Two')).toMatchObject({ state: 'removed', version: 3 });
    const results = (await auditItemsOf(tables.AUDIT_TABLE, 'partly@lumos.com'))
      .filter((item) => item.kind === 'deprovisioning')
      .map((item) => item.results as { permission: string; status: string }[]);
    expect(results).toContainEqual([expect.objectContaining({ permission: 'Permission One', status: 'removed' })]);
    expect(results).toContainEqual([expect.objectContaining({ permission: 'Permission Two', status: 'removed' })]);
    expect(results).toHaveLength(2);
  });

  it('reads an item written before grant states existed as held', async () => {
    // Prepare: an item as the previous version wrote it (no state).
    const now = new Date();
    await testDocumentClient().send(
      new PutCommand({
        TableName: tables.GRANTS_TABLE,
        Item: {
          app_instance: INSTANCE,
          subject_permission: 'legacy@lumos.com#Permission One',
          app_id: 'demo_app',
          instance_id: INSTANCE,
          email: 'legacy@lumos.com',
          permission: 'Permission One',
          permission_label: null,
          granted_at: now.toISOString(),
          expires_at: null,
          holds: { old: { granted_at: now.toISOString(), expires_at: null, request_task_url: 'old' } },
          rule_id: 'ledger-grants',
          provisioner: { type: 'ledger' },
          version: 7,
          updated_at: now.toISOString(),
        },
      }),
    );
    const who = { target_user: { email: 'legacy@lumos.com' } };
    // Act / Assess: another request adds its hold; ending the old one keeps the access.
    expect(await provision(webhookRequest(forRequest('new', who), TOKEN))).toEqual({ statusCode: 204 });
    expect(await grant('legacy@lumos.com')).toMatchObject({
      state: 'held',
      version: 8,
      holds: { old: expect.anything(), 'https://lumos.example/tasks?requestId=new': expect.anything() },
    });
    expect(await deprovision(webhookRequest(request({ ...who, request_task_url: 'old' }), TOKEN))).toEqual({ statusCode: 204 });
    expect(await grant('legacy@lumos.com')).toMatchObject({ state: 'held', version: 9 });
  });

  it('audits which happened: hold released or access removed', async () => {
    const who = { target_user: { email: 'audited-overlap@lumos.com' } };
    await provision(webhookRequest(forRequest('e', who), TOKEN));
    await provision(webhookRequest(forRequest('f', who), TOKEN));
    await deprovision(webhookRequest(forRequest('e', who), TOKEN));
    const deprovisioned = (await auditItemsOf(tables.AUDIT_TABLE, 'audited-overlap@lumos.com')).find((item) => item.kind === 'deprovisioning');
    expect(deprovisioned).toMatchObject({ decision: 'DEPROVISIONED', status_code: 204, results: [expect.objectContaining({ status: 'hold_released' })] });
  });
});

describe('http provisioner', () => {
  let api: Server;
  let status = 200;
  let base = '';
  const calls: { method: string; url: string; body: string; auth: string | undefined }[] = [];

  beforeAll(async () => {
    api = createServer((incoming: IncomingMessage, response) => {
      let body = '';
      incoming.on('data', (chunk: Buffer) => (body += chunk.toString()));
      incoming.on('end', () => {
        calls.push({ method: incoming.method ?? '', url: incoming.url ?? '', body, auth: incoming.headers.authorization });
        response.writeHead(status, { 'content-type': 'application/json' }).end('{"detail":"internal detail that must not leak"}');
      });
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    fakeSecrets.secrets.set(
      'lumos-connectors/licences',
      JSON.stringify({ header: 'Authorization', value: 'Bearer connector-secret-value', allowed_hosts: ['127.0.0.1'] }),
    );
    await putLicenceRule();
  });
  afterAll(() => new Promise<void>((resolve) => api.close(() => resolve())));

  async function putLicenceRule() {
    await testDocumentClient().send(
      new PutCommand({
        TableName: tables.RULES_TABLE,
        Item: {
          app_id: 'licence_app',
          rule_id: 'licence-api',
          kind: 'provisioning',
          provisioner: {
            type: 'http',
            name: 'Licence API',
            secret: 'lumos-connectors/licences',
            provision: { method: 'POST', url: `${base}/users/{target.email}/licences`, body: { sku: '{permission.value}', note: '{custom_fields.reason}' } },
            deprovision: { method: 'DELETE', url: `${base}/users/{target.email}/licences/{permission.value}` },
          },
        },
      }),
    );
  }

  const licenceRequest = (email: string) =>
    request({ application: { app_id: 'licence_app' }, target_user: { email }, request_task_url: `task-${email}`, custom_fields: { reason: 'on "call"' } });

  it('calls the API with the secret, records the grant, and reverses it from the grant even after the rule is deleted', async () => {
    // Act
    status = 201;
    const provisioned = await provision(webhookRequest(licenceRequest('licensed@lumos.com'), TOKEN));
    await testDocumentClient().send(new DeleteCommand({ TableName: tables.RULES_TABLE, Key: { app_id: 'licence_app', rule_id: 'licence-api' } }));
    status = 204;
    const deprovisioned = await deprovision(webhookRequest(licenceRequest('licensed@lumos.com'), TOKEN));
    // Assess
    expect(provisioned).toEqual({ statusCode: 204 });
    expect(deprovisioned).toEqual({ statusCode: 204 });
    expect(
      calls.map((call) => [call.method, call.url]),
      JSON.stringify(calls),
    ).toEqual([
      ['POST', '/users/licensed%40lumos.com/licences'],
      ['DELETE', '/users/licensed%40lumos.com/licences/Permission%20One'],
    ]);
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual({ sku: 'Permission One', note: 'on "call"' });
    expect(calls[0]?.auth).toBe('Bearer connector-secret-value');
    expect(await grant('licensed@lumos.com', 'Permission One', 'licence_app')).toMatchObject({ state: 'removed' });
  });

  it('answers PROVISIONING_FAILED naming the system and status, never the body or the secret, and records no access', async () => {
    // Prepare: the rule again (the previous test deleted it), and a failing API.
    await putLicenceRule();
    status = 503;
    // Act
    const reply = await provision(webhookRequest(licenceRequest('unlucky@lumos.com'), TOKEN));
    // Assess
    expect(reply.statusCode).toBe(502);
    expect(reply.body).toMatchObject({ response: 'PROVISIONING_FAILED' });
    const message = String(reply.body?.message);
    expect(message).toContain('Licence API');
    expect(message).toContain('503');
    expect(message).not.toContain('internal detail');
    expect(message).not.toContain('connector-secret-value');
    // The granting mark written before the call went back to no access: a removed item, with a TTL.
    const item = await grant('unlucky@lumos.com', 'Permission One', 'licence_app');
    expect(item).toMatchObject({ state: 'removed', holds: {}, version: 2 });
    expect(item?.ttl).toBeGreaterThan(Date.now() / 1000);
  });
});
