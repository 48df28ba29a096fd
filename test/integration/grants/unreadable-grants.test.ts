/**
 * Grants table items that no longer read as grants (edited by hand, or broken), on DynamoDB Local:
 * the sweeper names such an item in an error log and counts it pending (and overdue) on every
 * run, touching nothing, while it sweeps the rest; a permission whose item is unreadable fails
 * alone. A grant whose recorded provisioner is unreadable is still a grant: nothing is called
 * through it, and its removal stays pending for an admin, audited.
 */

import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DueEntry } from '../../../src/grants/due-grants';
import { ExpirySweeper, type SweepSummary } from '../../../src/grants/expiry-sweeper';
import type { GrantKey } from '../../../src/grants/grant-item';
import { storedGrant } from '../../../src/grants/grant-ledger';
import { UNREADABLE_PROVISIONER } from '../../../src/grants/recorded-provisioner';
import type { Pipeline } from '../../../src/http/pipeline';
import { Deadline } from '../../../src/kernel/deadline';
import { logger } from '../../../src/kernel/logger';
import { DeprovisioningService } from '../../../src/services/deprovisioning-service';
import { ProvisioningService } from '../../../src/services/provisioning-service';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { fixture, webhookRequest } from '../../support/events';
import { grantAt } from '../../support/grants';
import { auditItemsOf, testDocumentClient } from '../../support/tables';

const TOKEN = 'unreadable-token-0123456789';
const APP = 'unreadable_app';
const PERMISSION = 'Permission One';
const MINUTE = 60_000;
let deployment: TestDeployment;
let provision: Pipeline;
let deprovision: Pipeline;

beforeAll(async () => {
  deployment = await testDeployment(TOKEN);
  await testDocumentClient().send(
    new PutCommand({ TableName: deployment.tables.RULES_TABLE, Item: { app_id: APP, rule_id: 'ledger-only', kind: 'provisioning', provisioner: 'ledger' } }),
  );
  provision = deployment.pipeline((deps) => new ProvisioningService(deps));
  deprovision = deployment.pipeline((deps) => new DeprovisioningService(deps));
});
afterEach(() => {
  vi.restoreAllMocks();
});

const newPerson = () => `unreadable-${randomUUID().slice(0, 8)}@lumos.com`;
const keyOf = (email: string): GrantKey => ({ app_instance: APP, subject_permission: `${email}#${PERMISSION}` });
const body = (email: string, request: string) => ({
  ...fixture('provisioning.json'),
  application: { app_id: APP, user_friendly_label: 'Unreadable App' },
  target_user: { email },
  access_length: 60,
  request_task_url: `https://lumos.example/tasks?requestId=${request}`,
});
const grantFor = async (email: string) => expect((await provision(webhookRequest(body(email, 'a'), TOKEN))).statusCode).toBe(204);
const stored = async (email: string) =>
  (await testDocumentClient().send(new GetCommand({ TableName: deployment.tables.GRANTS_TABLE, Key: keyOf(email), ConsistentRead: true }))).Item;
const sweeperAudit = async (email: string) => (await auditItemsOf(deployment.tables.AUDIT_TABLE, email)).filter((item) => item.kind === 'expiry_sweeper');

/** Rewrites the grant's item as an admin's edit would, its index attributes kept. */
async function edit(email: string, change: Record<string, unknown>): Promise<void> {
  const grant = await grantAt(deployment.tables.GRANTS_TABLE, keyOf(email));
  if (grant === undefined) throw new Error('the grant was not recorded');
  await testDocumentClient().send(new PutCommand({ TableName: deployment.tables.GRANTS_TABLE, Item: { ...storedGrant(grant), ...change } }));
}

async function sweep(aheadMs: number): Promise<SweepSummary> {
  const sweeper = new ExpirySweeper(
    { ...deployment.deps, now: () => new Date(Date.now() + aheadMs) },
    { concurrency: 4, grantBudgetMs: 8_000 },
    { count: () => {} },
  );
  return sweeper.run({ runId: `run-${randomUUID()}`, deadline: new Deadline(30_000) });
}

/** Reads the due index until it has the edit (a GSI follows its table a little later). */
async function untilIndexed(email: string, edited: (entry: DueEntry) => boolean, now: Date): Promise<void> {
  for (let attempt = 0; attempt < 1_000; attempt += 1) {
    for await (const page of deployment.deps.due.due(now, new Deadline(5_000))) {
      if (
        page.some(
          (entry) => ('grant' in entry ? entry.grant.email === email : entry.key.subject_permission === keyOf(email).subject_permission) && edited(entry),
        )
      )
        return;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('the due index never showed the edit');
}

describe('an item in the due index that is not a grant', () => {
  it('is reported on every run, counted pending and overdue, and left as it is, while the other grants are swept', async () => {
    // Prepare: two grants that expired; one of them edited into something that is not a grant
    const [broken, healthy] = [newPerson(), newPerson()];
    await grantFor(broken);
    await grantFor(healthy);
    await edit(broken, { holds: 'edited by hand' });
    const before = await stored(broken);
    await untilIndexed(broken, (entry) => !('grant' in entry), new Date(Date.now() + 40 * MINUTE));
    await untilIndexed(healthy, (entry) => 'grant' in entry, new Date(Date.now() + 40 * MINUTE));
    const errors = vi.spyOn(logger, 'error');
    // Act: two runs, 40 minutes after the grants expired
    const first = await sweep(40 * MINUTE);
    const second = await sweep(41 * MINUTE);
    // Assess: the healthy grant removed; the broken one reported each time, and nothing written or audited for it
    expect(first).toMatchObject({ due: 2, removed: 1, failed: 0, pending: 1, overdue: 1 });
    expect(second).toMatchObject({ due: 1, removed: 0, failed: 0, pending: 1, overdue: 1 });
    expect((await grantAt(deployment.tables.GRANTS_TABLE, keyOf(healthy)))?.state).toBe('removed');
    const reports = errors.mock.calls.filter(([message]) => message === 'grant item unreadable; not swept until it is fixed in the grants table');
    expect(reports).toEqual([
      [expect.any(String), { ...keyOf(broken), problem: 'holds: expected a map of holds' }],
      [expect.any(String), { ...keyOf(broken), problem: 'holds: expected a map of holds' }],
    ]);
    expect(await stored(broken)).toEqual(before);
    expect(await sweeperAudit(broken)).toEqual([]);
  });

  it('fails its own permission in a deprovisioning, as a check that could not run', async () => {
    // Prepare
    const email = newPerson();
    await grantFor(email);
    await edit(email, { version: 'seven' });
    // Act
    const reply = await deprovision(webhookRequest(body(email, 'a'), TOKEN));
    // Assess: the failure says it could not run; the item is as it was
    expect(reply).toMatchObject({
      statusCode: 502,
      body: { response: 'DEPROVISIONING_FAILED', message: expect.stringContaining('could not run (internal_error)') },
    });
    expect(await stored(email)).toMatchObject({ version: 'seven', state: 'held' });
    // Clean up: out of the table, so the sweeps below see only their own grants
    await testDocumentClient().send(new DeleteCommand({ TableName: deployment.tables.GRANTS_TABLE, Key: keyOf(email) }));
  });
});

describe('a grant whose recorded provisioner is unreadable', () => {
  const broken = { type: 'http', secret: 'lumos-connectors/gone' };

  it('is made a pending removal for an admin when it expires, audited, its provisioner written back as it was', async () => {
    // Prepare
    const email = newPerson();
    await grantFor(email);
    await edit(email, { provisioner: broken });
    // Act
    await sweep(2 * MINUTE);
    // Assess
    expect(await grantAt(deployment.tables.GRANTS_TABLE, keyOf(email))).toMatchObject({
      state: 'pending_removal',
      removal_error: UNREADABLE_PROVISIONER,
      removal_attempts: 1,
      provisioner: { type: 'unreadable', stored: broken },
    });
    expect((await stored(email))?.provisioner).toEqual(broken);
    expect(await sweeperAudit(email)).toEqual([
      expect.objectContaining({
        decision: 'REMOVAL_FAILED',
        reason: 'expired',
        results: [
          expect.objectContaining({
            status: 'failed',
            provisioner: 'unknown',
            detail: expect.stringContaining(`${UNREADABLE_PROVISIONER}; pending, tried again from `),
          }),
        ],
      }),
    ]);
  });

  it('fails a deprovisioning and a grant again with what an admin must do, leaving the removal pending', async () => {
    // Prepare
    const email = newPerson();
    await grantFor(email);
    await edit(email, { provisioner: broken });
    // Act
    const removed = await deprovision(webhookRequest(body(email, 'a'), TOKEN));
    const granted = await provision(webhookRequest(body(email, 'b'), TOKEN));
    // Assess
    expect(removed).toMatchObject({ statusCode: 502, body: { response: 'DEPROVISIONING_FAILED', message: expect.stringContaining(UNREADABLE_PROVISIONER) } });
    expect(granted).toMatchObject({ statusCode: 502, body: { response: 'PROVISIONING_FAILED', message: expect.stringContaining(UNREADABLE_PROVISIONER) } });
    expect(await grantAt(deployment.tables.GRANTS_TABLE, keyOf(email))).toMatchObject({
      state: 'pending_removal',
      holds: {},
      provisioner: { type: 'unreadable' },
    });
    expect((await stored(email))?.provisioner).toEqual(broken);
  });
});
