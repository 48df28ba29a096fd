/**
 * A sweep finishes inside its budget when a target never answers a removal, whatever the garbage
 * collector does meanwhile: the stalled removal ends as a pending one (written, audited, counted)
 * and the other due grants are removed in the same run. DynamoDB Local, a loopback target that
 * keeps who has access, and a loopback server that accepts requests and never answers.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dueBucketOf } from '../../../src/grants/due-index';
import { ExpirySweeper } from '../../../src/grants/expiry-sweeper';
import { Deadline } from '../../../src/kernel/deadline';
import { ProvisioningService } from '../../../src/services/provisioning-service';
import { type AccessTarget, startAccessTarget } from '../../support/access-target';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { fixture, webhookRequest } from '../../support/events';
import { type FakeSecretsManager, startFakeSecretsManager } from '../../support/fake-secrets-manager';
import { grantAt } from '../../support/grants';
import { collectGarbage, type StallingServer, startStallingServer } from '../../support/stalling-server';
import { auditItemsOf, testDocumentClient } from '../../support/tables';

const TOKEN = 'sweeper-token-0123456789';
const APP = 'sweep_app';
const PERMISSION = 'Permission One';
const MINUTE = 60_000;
const RUN_BUDGET_MS = 3_000;
const TEST_TIMEOUT_MS = 15_000;

let deployment: TestDeployment;
let fakeSecrets: FakeSecretsManager;
let target: AccessTarget;
let stalled: StallingServer;

const spec = (origin: string) => ({
  type: 'http',
  name: 'Access API',
  secret: 'lumos-connectors/access',
  provision: { method: 'POST', url: `${origin}/access/{target.email}/{permission.value}` },
  deprovision: { method: 'DELETE', url: `${origin}/access/{target.email}/{permission.value}` },
});

beforeAll(async () => {
  [fakeSecrets, target, stalled] = await Promise.all([startFakeSecretsManager(), startAccessTarget(), startStallingServer('silent')]);
  Object.assign(process.env, fakeSecrets.sdkEnvironment);
  fakeSecrets.secrets.set('lumos-connectors/access', JSON.stringify({ header: 'Authorization', value: 'Bearer access-secret', allowed_hosts: ['127.0.0.1'] }));
  deployment = await testDeployment(TOKEN);
  await testDocumentClient().send(
    new PutCommand({
      TableName: deployment.tables.RULES_TABLE,
      Item: { app_id: APP, rule_id: 'access-api', kind: 'provisioning', provisioner: spec(target.origin) },
    }),
  );
});
afterAll(() => Promise.all([target.close(), fakeSecrets.close(), stalled.close()]));

async function grantFor(email: string): Promise<void> {
  const provision = deployment.pipeline((deps) => new ProvisioningService(deps));
  const body = {
    ...fixture('provisioning.json'),
    application: { app_id: APP, user_friendly_label: 'Sweep App' },
    target_user: { email },
    access_length: 60,
    request_task_url: `https://lumos.example/tasks?requestId=${randomUUID()}`,
  };
  expect((await provision(webhookRequest(body, TOKEN))).statusCode).toBe(204);
}

const keyOf = (email: string) => ({ app_instance: APP, subject_permission: `${email}#${PERMISSION}` });
const ledger = (email: string) => grantAt(deployment.tables.GRANTS_TABLE, keyOf(email));

/** Reads the due index until every one of these people's grants is in it (a GSI lags its table a little). */
async function dueListsAll(emails: readonly string[], now: Date): Promise<void> {
  for (let attempt = 0; attempt < 1_000; attempt += 1) {
    const listed = new Set<string>();
    for await (const page of deployment.deps.due.due(now, new Deadline(5_000)))
      for (const entry of page) listed.add('grant' in entry ? entry.grant.subject_permission : entry.key.subject_permission);
    if (emails.every((email) => listed.has(keyOf(email).subject_permission))) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('the due index never listed every grant');
}

describe('a sweep against a target that never answers', () => {
  it(
    '16.6 ends inside its budget after a forced collection, recording the stalled removal as pending and removing the rest',
    async () => {
      // Prepare: two grants that expire in a minute; one of them records a target that never answers.
      // In one due bucket, so one page of the sweep holds both (pages of other buckets come after the stalled one's).
      const stuck = `stuck-${randomUUID().slice(0, 6)}@lumos.com`;
      let healthy = `healthy-${randomUUID().slice(0, 6)}@lumos.com`;
      while (dueBucketOf(keyOf(healthy)) !== dueBucketOf(keyOf(stuck))) healthy = `healthy-${randomUUID().slice(0, 6)}@lumos.com`;
      await grantFor(stuck);
      await grantFor(healthy);
      const item = await ledger(stuck);
      if (item === undefined) throw new Error('the grant was not recorded');
      await testDocumentClient().send(
        new PutCommand({ TableName: deployment.tables.GRANTS_TABLE, Item: { ...item, provisioner: spec(stalled.origin), version: item.version + 1 } }),
      );
      // The due index is a GSI, filled asynchronously: wait until it lists both, so the sweep finds them (no timing).
      await dueListsAll([stuck, healthy], new Date(Date.now() + 2 * MINUTE));
      const counted: Record<string, number> = {};
      const sweeper = new ExpirySweeper(
        { ...deployment.deps, now: () => new Date(Date.now() + 2 * MINUTE) },
        { concurrency: 8, grantBudgetMs: 2_000 },
        {
          count: (name, _dimensions, value = 1) => {
            counted[name] = (counted[name] ?? 0) + value;
          },
        },
      );
      const runId = `run-${randomUUID()}`;

      // Act: a collection once the stalled target has the removal.
      const arrived = stalled.nextRequest();
      const started = Date.now();
      const running = sweeper.run({ runId, deadline: new Deadline(RUN_BUDGET_MS) });
      await arrived;
      collectGarbage();
      const summary = await running;
      const elapsedMs = Date.now() - started;

      // Assess
      expect(elapsedMs).toBeLessThan(RUN_BUDGET_MS);
      expect(summary).toMatchObject({ due: 2, removed: 1, failed: 1, pending: 1 });
      expect(counted).toMatchObject({ PendingRemovals: 1, ExpiredRemoved: 1 });
      expect(target.access.has(`${healthy}#${PERMISSION}`)).toBe(false);
      expect(await ledger(stuck)).toMatchObject({
        state: 'pending_removal',
        removal_attempts: 1,
        removal_error: expect.stringMatching(/^Access API: did not answer within/),
      });
      const audit = (await auditItemsOf(deployment.tables.AUDIT_TABLE, stuck)).filter((entry) => entry.kind === 'expiry_sweeper');
      expect(audit).toEqual([expect.objectContaining({ decision: 'REMOVAL_FAILED', reason: 'expired' })]);
    },
    TEST_TIMEOUT_MS,
  );
});
