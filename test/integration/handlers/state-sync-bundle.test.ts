/**
 * The state sync's bundle as Lambda runs it (dist/state-sync/index.js as `npm run build` makes
 * it): an EventBridge event in, credentials from the environment, no token, only the state table
 * (DynamoDB Local) and a loopback Secrets Manager holding a loopback PagerDuty's key under the
 * deployment's source secret prefix (SOURCE_SECRET_PREFIX); a shift created in PagerDuty is synced
 * and the source's status records the success. Calendar feeds are read by ics-worker.js beside the
 * bundle, in a worker thread ended at the source's deadline.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHandlers } from '../../../scripts/build';
import type { ScheduledHandler } from '../../../src/app/scheduled';
import { SOURCE_STATUS_PARTITION, SOURCES_PARTITION } from '../../../src/store/source-store';
import { shiftPartition } from '../../../src/store/state-keys';
import { type FakeSecretsManager, startFakeSecretsManager } from '../../support/fake-secrets-manager';
import { calendar, type IcsFeed, startIcsFeed, vevent } from '../../support/sources/ics-feed';
import { type PagerDutyApi, startPagerDutyApi } from '../../support/sources/pagerduty-api';
import { createTestTables, type TableNames, testDocumentClient } from '../../support/tables';

const PREFIX = 'acme-sources/';
const PD_KEY = 'pd-bundle-key-0123456789';
const HOUR = 3_600_000;

let handler: ScheduledHandler;
let tables: TableNames;
let secretsManager: FakeSecretsManager;
let pagerduty: PagerDutyApi;
let healthyFeed: IcsFeed;
let stallingFeed: IcsFeed;

beforeAll(async () => {
  // Prepare: build, start the stand-ins, then load the bundle with a Lambda-like environment (only what its spec lists).
  const outdir = mkdtempSync(join(tmpdir(), 'state-sync-bundle-'));
  await buildHandlers(outdir);
  let endpoint: string;
  ({ endpoint, tables } = await createTestTables());
  [secretsManager, pagerduty, healthyFeed, stallingFeed] = await Promise.all([
    startFakeSecretsManager(),
    startPagerDutyApi(PD_KEY),
    startIcsFeed('healthy-feed-token'),
    startIcsFeed('stalling-feed-token'),
  ]);
  secretsManager.secrets.set(`${PREFIX}pagerduty`, JSON.stringify({ api_key: PD_KEY, allowed_hosts: ['127.0.0.1'], base_url: pagerduty.origin }));
  secretsManager.secrets.set(`${PREFIX}healthy-feed`, JSON.stringify({ url: healthyFeed.url, allowed_hosts: ['127.0.0.1'] }));
  secretsManager.secrets.set(`${PREFIX}stalling-feed`, JSON.stringify({ url: stallingFeed.url, allowed_hosts: ['127.0.0.1'] }));
  for (const name of ['TOKEN_SECRET_ID', 'LUMOS_WEBHOOK_TOKEN', 'RULES_TABLE', 'GRANTS_TABLE', 'AUDIT_TABLE']) delete process.env[name];
  Object.assign(process.env, {
    ...secretsManager.sdkEnvironment,
    STATE_TABLE: tables.STATE_TABLE,
    SOURCE_SECRET_PREFIX: PREFIX,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bundletest',
    AWS_SECRET_ACCESS_KEY: 'bundletest',
    AWS_SESSION_TOKEN: 'bundletest',
  });
  ({ handler } = require(join(outdir, 'state-sync', 'index.js')) as { handler: ScheduledHandler });
});

afterAll(async () => {
  await Promise.all([secretsManager?.close(), pagerduty?.close(), healthyFeed?.close(), stallingFeed?.close()]);
});

describe('built state-sync bundle', () => {
  it('syncs a shift created in PagerDuty on a scheduled event, and records the source as synced', async () => {
    // Prepare: a PagerDuty source for one schedule, and a shift on it from an hour ago to six hours ahead
    const documents = testDocumentClient();
    await documents.send(
      new PutCommand({
        TableName: tables.STATE_TABLE,
        Item: { pk: SOURCES_PARTITION, sk: 'pd-bundle', type: 'pagerduty', secret: `${PREFIX}pagerduty`, schedules: { PBUNDLE: 'bundle-oncall' } },
      }),
    );
    const starts = new Date(Date.now() - HOUR).toISOString();
    const ends = new Date(Date.now() + 6 * HOUR).toISOString();
    pagerduty.oncalls.push({
      schedule_id: 'PBUNDLE',
      escalation_level: 1,
      start: starts,
      end: ends,
      user: { id: 'U1', name: 'Mary Jane', email: 'Mary.Jane@lumos.com' },
    });
    // Act
    const summary = await handler(
      { source: 'aws.events', 'detail-type': 'Scheduled Event' },
      { awsRequestId: 'run-1', getRemainingTimeInMillis: () => 120_000 },
    );
    // Assess
    expect(summary).toEqual({ complete: 1, partial: 0, failed: 0, refused: 0, written: 1, deleted: 0, stale: 0, incompleteSchedules: 0 });
    const { Items } = await documents.send(
      new QueryCommand({
        TableName: tables.STATE_TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': shiftPartition('bundle-oncall') },
        ConsistentRead: true,
      }),
    );
    expect(Items).toEqual([expect.objectContaining({ email: 'mary.jane@lumos.com', starts_at: starts, ends_at: ends, source: 'pd-bundle' })]);
    const { Item: status } = await documents.send(
      new GetCommand({ TableName: tables.STATE_TABLE, Key: { pk: SOURCE_STATUS_PARTITION, sk: 'pd-bundle' }, ConsistentRead: true }),
    );
    expect(status).toMatchObject({ last_run_status: 'complete', last_run_written: 1, schedules: ['bundle-oncall'], present: true });
    expect(status?.schedules_complete).toEqual({ 'bundle-oncall': status?.last_success });
    expect(Date.parse(String(status?.last_success))).toBeGreaterThan(Date.now() - 60_000);
  });

  it('16.5 reads a calendar in ics-worker.js beside the bundle, and ends a stalling one at its deadline inside the run', async () => {
    // Prepare: a healthy feed and one whose weekly step from a Thursday never lands on the Sunday it asks for
    const documents = testDocumentClient();
    const put = (item: Record<string, unknown>) => documents.send(new PutCommand({ TableName: tables.STATE_TABLE, Item: { pk: SOURCES_PARTITION, ...item } }));
    await put({ sk: 'ics-healthy', type: 'ics', secret: `${PREFIX}healthy-feed`, schedule: 'calendar-oncall' });
    await put({ sk: 'ics-stalling', type: 'ics', secret: `${PREFIX}stalling-feed`, schedule: 'stalling-oncall' });
    const stamp = (hours: number) =>
      new Date(Date.now() + hours * HOUR)
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');
    healthyFeed.calendar = calendar(vevent({ UID: 'shift', DTSTART: stamp(-1), DTEND: stamp(6), ATTENDEE: 'mailto:Gwen@Lumos.com' }));
    stallingFeed.calendar = calendar(
      vevent({ UID: 'never', DTSTART: '20261126T090000Z', DTEND: '20261126T170000Z', RRULE: 'FREQ=DAILY;INTERVAL=7;BYDAY=SU', ATTENDEE: 'mailto:b@lumos.com' }),
    );
    // Lambda has 12 s left: the run keeps 5 s back, so it has 7 s
    const startedAt = Date.now();

    // Act
    const summary = await handler(
      { source: 'aws.events', 'detail-type': 'Scheduled Event' },
      { awsRequestId: 'run-2', getRemainingTimeInMillis: () => 12_000 },
    );

    // Assess
    expect(Date.now() - startedAt).toBeLessThan(7_000);
    expect(summary).toMatchObject({ complete: 2, failed: 1 });
    const { Items } = await documents.send(
      new QueryCommand({
        TableName: tables.STATE_TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': shiftPartition('calendar-oncall') },
        ConsistentRead: true,
      }),
    );
    expect(Items).toEqual([expect.objectContaining({ email: 'gwen@lumos.com', source: 'ics-healthy' })]);
    const { Item: status } = await documents.send(
      new GetCommand({ TableName: tables.STATE_TABLE, Key: { pk: SOURCE_STATUS_PARTITION, sk: 'ics-stalling' }, ConsistentRead: true }),
    );
    expect(status).toMatchObject({ last_run_status: 'failed', last_failure_reason: 'deadline_exceeded' });
  });
});
