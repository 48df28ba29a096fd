/**
 * Staleness fails closed, through the real pre-approval pipeline on DynamoDB Local: a schedule's
 * synced shifts count while its source last succeeded within stale_after; after that on_call is
 * undecided (the allow does not match, the trace names the source and when it last synced),
 * while a hand-written shift still counts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Deadline } from '../../../src/kernel/deadline';
import { PreApprovalService } from '../../../src/services/pre-approval-service';
import { shiftItem } from '../../../src/store/shift-item';
import { DynamoSourceStore } from '../../../src/store/source-store';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { fixture, webhookRequest } from '../../support/events';
import { auditItemsOf, testDocumentClient } from '../../support/tables';

const TOKEN = 'stale-sources-token-0123456789';
const PETER = 'peterparker@lumos.com';
const MINUTE = 60_000;

async function deploymentWith(sourceLastSucceeded: Date | null, handWritten: boolean): Promise<TestDeployment> {
  // Not the seed: it has a hand-written shift for Peter. Only the demo's on-call rule.
  const deployment = await testDeployment(TOKEN);
  const client = testDocumentClient();
  const rule = parse(readFileSync(join(__dirname, '..', '..', '..', 'rules', 'oncall-preapprove.yaml'), 'utf8')) as Record<string, unknown>;
  await client.send(new PutCommand({ TableName: deployment.tables.RULES_TABLE, Item: rule }));
  const now = Date.now();
  const origin = { source: 'pd', syncedAt: new Date(now - MINUTE) };
  const shifts = [shiftItem('demo-oncall', PETER, new Date(now - 60 * MINUTE), new Date(now + 60 * MINUTE), { origin })];
  if (handWritten) shifts.push(shiftItem('demo-oncall', PETER, new Date(now - 30 * MINUTE), new Date(now + 30 * MINUTE)));
  for (const Item of shifts) await client.send(new PutCommand({ TableName: deployment.tables.STATE_TABLE, Item }));
  const store = new DynamoSourceStore(client, deployment.tables.STATE_TABLE);
  const counts = { returned: 1, written: 1, deleted: 0, kept: 0, skipped: {} };
  const startedAt = sourceLastSucceeded ?? new Date(now - MINUTE);
  await store.recordRun(
    sourceLastSucceeded === null
      ? {
          id: 'pd',
          startedAt,
          status: 'failed',
          failure: { reason: 'unauthorized', message: 'pd: 401' },
          staleAfter: 30,
          covers: { schedules: ['demo-oncall'] },
          counts,
        }
      : { id: 'pd', startedAt, status: 'complete', staleAfter: 30, covers: { schedules: ['demo-oncall'] }, counts },
    new Deadline(5_000),
  );
  return deployment;
}

async function preApprove(deployment: TestDeployment) {
  const reply = await deployment.pipeline((deps) => new PreApprovalService(deps))(webhookRequest(fixture('pre-approval.json'), TOKEN));
  const [audit] = await auditItemsOf(deployment.tables.AUDIT_TABLE, PETER);
  return { response: reply.body?.response, trace: JSON.stringify(audit?.trace) };
}

describe('on-call from a synced source', () => {
  let fresh: TestDeployment;
  let stale: TestDeployment;
  let staleWithHandWritten: TestDeployment;
  let neverSynced: TestDeployment;

  beforeAll(async () => {
    fresh = await deploymentWith(new Date(Date.now() - 10 * MINUTE), false);
    stale = await deploymentWith(new Date(Date.now() - 120 * MINUTE), false);
    staleWithHandWritten = await deploymentWith(new Date(Date.now() - 120 * MINUTE), true);
    neverSynced = await deploymentWith(null, false);
  });

  it('pre-approves from a synced shift while the source is fresh', async () => {
    // Act / Assess
    expect(await preApprove(fresh)).toMatchObject({ response: 'PREAPPROVED' });
  });

  it('stops pre-approving once the source is stale, and the trace says which source and when it last synced', async () => {
    // Act
    const { response, trace } = await preApprove(stale);
    // Assess
    expect(response).toBe('NOT_PREAPPROVED');
    expect(trace).toMatch(/source pd last synced at \d{4}-\d\d-\d\dT[\d:.]+Z: on-call for demo-oncall cannot be trusted/);
  });

  it('still counts a hand-written shift while the source is stale', async () => {
    // Act / Assess
    expect(await preApprove(staleWithHandWritten)).toMatchObject({ response: 'PREAPPROVED' });
  });

  it('never pre-approves from a source that has never succeeded', async () => {
    // Act
    const { response, trace } = await preApprove(neverSynced);
    // Assess
    expect(response).toBe('NOT_PREAPPROVED');
    expect(trace).toContain('source pd last synced at never');
  });
});
