/**
 * A calendar feed whose recurrence ical.js cannot finish expanding, synced beside a healthy
 * PagerDuty source on DynamoDB Local with loopback stand-ins: the calendar is read in a worker
 * thread ended at its deadline, so the run ends inside its budget and PagerDuty's shifts are
 * written while the calendar spins.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/kernel/deadline';
import { DynamoSourceStore, SOURCE_STATUS_PARTITION, SOURCES_PARTITION } from '../../../src/store/source-store';
import { shiftPartition } from '../../../src/store/state-keys';
import { DynamoSyncedStateStore } from '../../../src/store/synced-state-store';
import { SecretsManagerSourceSecrets } from '../../../src/sync/source-secret-texts';
import { SyncService } from '../../../src/sync/sync-service';
import { type FakeSecretsManager, startFakeSecretsManager } from '../../support/fake-secrets-manager';
import { calendar, type IcsFeed, startIcsFeed, vevent } from '../../support/sources/ics-feed';
import { type PagerDutyApi, startPagerDutyApi } from '../../support/sources/pagerduty-api';
import { createTestTables, type TableNames, testDocumentClient } from '../../support/tables';

const PREFIX = 'lumos-sources/';
const PD_KEY = 'pd-stall-key-0123456789';
const FEED_TOKEN = 'st4ll-f33d-t0k3n';
const HOUR = 3_600_000;
const BUDGET_MS = 6_000;

let tables: TableNames;
let secretsManager: FakeSecretsManager;
let pagerduty: PagerDutyApi;
let feed: IcsFeed;
let sync: SyncService;

const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
const stamp = (hours: number) =>
  at(hours)
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

beforeAll(async () => {
  ({ tables } = await createTestTables());
  [secretsManager, pagerduty, feed] = await Promise.all([startFakeSecretsManager(), startPagerDutyApi(PD_KEY), startIcsFeed(FEED_TOKEN)]);
  secretsManager.secrets.set(`${PREFIX}pagerduty`, JSON.stringify({ api_key: PD_KEY, allowed_hosts: ['127.0.0.1'], base_url: pagerduty.origin }));
  secretsManager.secrets.set(`${PREFIX}rota-feed`, JSON.stringify({ url: feed.url, allowed_hosts: ['127.0.0.1'] }));
  const documents = testDocumentClient();
  sync = new SyncService({
    sources: new DynamoSourceStore(documents, tables.STATE_TABLE),
    state: new DynamoSyncedStateStore(documents, tables.STATE_TABLE),
    secrets: new SecretsManagerSourceSecrets(
      new SecretsManagerClient({ endpoint: secretsManager.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
      { current: PREFIX },
    ),
    sourcePrefixes: { current: PREFIX },
    fetchOptions: { sleep: async () => {} },
  });
});

afterAll(async () => {
  await Promise.all([secretsManager?.close(), pagerduty?.close(), feed?.close()]);
});

describe('a stalling calendar beside a healthy source (16.5)', () => {
  it('16.5 the run ends inside its budget with the healthy source synced, and the calendar failed as deadline_exceeded naming only its host', async () => {
    // Prepare: the 30th of February, and a weekly step from a Thursday that never lands on the Sunday it asks for
    const documents = testDocumentClient();
    const putSource = (item: Record<string, unknown>) =>
      documents.send(new PutCommand({ TableName: tables.STATE_TABLE, Item: { pk: SOURCES_PARTITION, sk: item.id, ...item } }));
    await putSource({ id: 'pd-healthy', type: 'pagerduty', secret: `${PREFIX}pagerduty`, schedules: { PHEALTHY: 'healthy-oncall' } });
    await putSource({ id: 'rota-stalling', type: 'ics', secret: `${PREFIX}rota-feed`, schedule: 'stalling-rota' });
    const starts = at(-1);
    const ends = at(7);
    pagerduty.oncalls.push({
      schedule_id: 'PHEALTHY',
      escalation_level: 1,
      start: starts,
      end: ends,
      user: { id: 'U1', name: 'Peter', email: 'peter@lumos.com' },
    });
    feed.calendar = calendar(
      vevent({ UID: 'ok', DTSTART: stamp(1), DTEND: stamp(5), ATTENDEE: 'mailto:mary@lumos.com' }),
      vevent({
        UID: 'feb-30',
        DTSTART: '20260101T090000Z',
        DTEND: '20260101T170000Z',
        RRULE: 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30',
        ATTENDEE: 'mailto:a@lumos.com',
      }),
      vevent({ UID: 'never', DTSTART: '20261126T090000Z', DTEND: '20261126T170000Z', RRULE: 'FREQ=DAILY;INTERVAL=7;BYDAY=SU', ATTENDEE: 'mailto:b@lumos.com' }),
    );
    const startedAt = Date.now();

    // Act
    const report = await sync.run(new Deadline(BUDGET_MS));

    // Assess
    expect(Date.now() - startedAt).toBeLessThan(BUDGET_MS);
    const outcome = (id: string) => report.outcomes.find((each) => each.id === id);
    expect(outcome('pd-healthy')).toMatchObject({ status: 'complete', written: 1 });
    expect(outcome('rota-stalling')).toMatchObject({ status: 'failed', written: 0, failure: { reason: 'deadline_exceeded' } });
    const { Items } = await documents.send(
      new QueryCommand({
        TableName: tables.STATE_TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': shiftPartition('healthy-oncall') },
        ConsistentRead: true,
      }),
    );
    expect(Items).toEqual([expect.objectContaining({ email: 'peter@lumos.com', starts_at: starts, ends_at: ends, source: 'pd-healthy' })]);
    const { Item: status } = await documents.send(
      new GetCommand({ TableName: tables.STATE_TABLE, Key: { pk: SOURCE_STATUS_PARTITION, sk: 'rota-stalling' }, ConsistentRead: true }),
    );
    expect(status).toMatchObject({
      last_run_status: 'failed',
      last_failure_reason: 'deadline_exceeded',
      last_failure_message: `the deadline passed while reading the feed at ${new URL(feed.url).host}`,
    });
    expect(JSON.stringify(status)).not.toContain(FEED_TOKEN);
  });
});
