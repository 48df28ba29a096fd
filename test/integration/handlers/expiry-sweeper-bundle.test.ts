/**
 * The sweeper's bundle as Lambda runs it (dist/expiry-sweeper/index.js as `npm run build` makes
 * it): an EventBridge event in, credentials from the environment, no token at all, the grants
 * and audit tables in DynamoDB Local; an expired ledger grant is removed and audited.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildHandlers } from '../../../scripts/build';
import type { ScheduledHandler } from '../../../src/app/scheduled';
import { DynamoGrantLedger } from '../../../src/grants/grant-ledger';
import { withHold } from '../../../src/grants/transitions';
import { Deadline } from '../../../src/kernel/deadline';
import { sampleEntitlement } from '../../support/entitlement';
import { auditItemsOf, createTestTables, type TableNames, testDocumentClient } from '../../support/tables';

let handler: ScheduledHandler;
let tables: TableNames;

beforeAll(async () => {
  // Prepare: build, then load the bundle with a Lambda-like environment (only the tables its spec lists).
  const outdir = mkdtempSync(join(tmpdir(), 'sweeper-bundle-'));
  await buildHandlers(outdir);
  let endpoint: string;
  ({ endpoint, tables } = await createTestTables());
  for (const name of ['TOKEN_SECRET_ID', 'LUMOS_WEBHOOK_TOKEN', 'RULES_TABLE', 'STATE_TABLE']) delete process.env[name];
  Object.assign(process.env, {
    GRANTS_TABLE: tables.GRANTS_TABLE,
    AUDIT_TABLE: tables.AUDIT_TABLE,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bundletest',
    AWS_SECRET_ACCESS_KEY: 'bundletest',
    AWS_SESSION_TOKEN: 'bundletest',
  });
  ({ handler } = require(join(outdir, 'expiry-sweeper', 'index.js')) as { handler: ScheduledHandler });
});

describe('built expiry-sweeper bundle', () => {
  it('removes an expired grant on a scheduled event, with no token configured', async () => {
    // Prepare: a ledger grant that ended an hour ago
    const grant = withHold(null, sampleEntitlement({ access_length: 60 }), 'rule-1', { type: 'ledger' }, new Date(Date.now() - 3_600_000));
    await new DynamoGrantLedger(testDocumentClient(), tables.GRANTS_TABLE).save(grant, null, new Deadline(5_000));
    // Act
    const summary = await handler(
      { source: 'aws.events', 'detail-type': 'Scheduled Event' },
      { awsRequestId: 'run-1', getRemainingTimeInMillis: () => 60_000 },
    );
    // Assess
    expect(summary).toMatchObject({ removed: 1, failed: 0, pending: 0 });
    const { Item } = await testDocumentClient().send(
      new GetCommand({ TableName: tables.GRANTS_TABLE, Key: { app_instance: grant.app_instance, subject_permission: grant.subject_permission } }),
    );
    expect(Item).toMatchObject({ state: 'removed' });
    expect(await auditItemsOf(tables.AUDIT_TABLE, grant.email)).toEqual([expect.objectContaining({ kind: 'expiry_sweeper', reason: 'expired' })]);
  });
});
