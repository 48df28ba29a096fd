/**
 * The sync run on DynamoDB Local against loopback sources: a source that never answers ends on
 * time (whatever the garbage collector does) with its status recorded, beside a healthy source
 * whose shifts are written; a source's credential never follows a redirect or a pagination link
 * to another port, and such a run is not complete, so it deletes nothing.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/kernel/deadline';
import { DynamoSourceStore, SOURCE_STATUS_PARTITION, SOURCES_PARTITION, type SourceStatus } from '../../../src/store/source-store';
import { shiftPartition } from '../../../src/store/state-keys';
import { DynamoSyncedStateStore } from '../../../src/store/synced-state-store';
import { SecretsManagerSourceSecrets } from '../../../src/sync/source-secret-texts';
import { SyncService } from '../../../src/sync/sync-service';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { type FakeSecretsManager, startFakeSecretsManager } from '../../support/fake-secrets-manager';
import { calendar, type IcsFeed, startIcsFeed, vevent } from '../../support/sources/ics-feed';
import { type IncidentIoApi, type IncidentIoEntry, startIncidentIoApi } from '../../support/sources/incidentio-api';
import { json, type LoopbackApi, startLoopbackApi } from '../../support/sources/loopback-api';
import { collectGarbage, type StallingServer, startStallingServer } from '../../support/stalling-server';
import { testDocumentClient } from '../../support/tables';

const TOKEN = 'state-sync-token-0123456789';
const IIO_KEY = 'iio-key-0123456789';
const PREFIX = 'lumos-sources/';
const HOUR = 3_600_000;
const RUN_BUDGET_MS = 4_000;
const TEST_TIMEOUT_MS = 15_000;

let deployment: TestDeployment;
let secretsManager: FakeSecretsManager;
let stalled: StallingServer;
let feed: IcsFeed;
let incidentio: IncidentIoApi;
let other: LoopbackApi;
let sync: SyncService;

const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
const table = () => deployment.tables.STATE_TABLE;
const putSource = (item: Record<string, unknown>) =>
  testDocumentClient().send(new PutCommand({ TableName: table(), Item: { pk: SOURCES_PARTITION, sk: item.id, ...item } }));

async function shiftsOf(schedule: string): Promise<Record<string, unknown>[]> {
  const { Items } = await testDocumentClient().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': shiftPartition(schedule) },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

async function statusOf(id: string): Promise<SourceStatus | undefined> {
  const { Item } = await testDocumentClient().send(new GetCommand({ TableName: table(), Key: { pk: SOURCE_STATUS_PARTITION, sk: id }, ConsistentRead: true }));
  return Item as SourceStatus | undefined;
}

beforeAll(async () => {
  deployment = await testDeployment(TOKEN);
  [secretsManager, stalled, feed, incidentio, other] = await Promise.all([
    startFakeSecretsManager(),
    startStallingServer('silent'),
    startIcsFeed('feed-token-0123'),
    startIncidentIoApi(IIO_KEY),
    // Another service on another port of the same allowed host: it answers an empty schedule.
    startLoopbackApi(() => json({ schedule_entries: { final: [], overrides: [], scheduled: [] } })),
  ]);
  secretsManager.secrets.set(`${PREFIX}stalled`, JSON.stringify({ api_key: IIO_KEY, allowed_hosts: ['127.0.0.1'], base_url: stalled.origin }));
  secretsManager.secrets.set(`${PREFIX}ics`, JSON.stringify({ url: feed.url, allowed_hosts: ['127.0.0.1'] }));
  secretsManager.secrets.set(`${PREFIX}incidentio`, JSON.stringify({ api_key: IIO_KEY, allowed_hosts: ['127.0.0.1'], base_url: incidentio.origin }));
  const client = new SecretsManagerClient({
    endpoint: secretsManager.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const documents = testDocumentClient();
  sync = new SyncService({
    sources: new DynamoSourceStore(documents, table()),
    state: new DynamoSyncedStateStore(documents, table()),
    secrets: new SecretsManagerSourceSecrets(client, { current: PREFIX }),
    sourcePrefixes: { current: PREFIX },
    fetchOptions: { sleep: async () => {} },
  });
});
afterAll(() => Promise.all([secretsManager?.close(), stalled?.close(), feed?.close(), incidentio?.close(), other?.close()]));

describe('a source that never answers', () => {
  it(
    '16.6 a sync with one stalled and one healthy source ends inside its budget after a forced collection, with both statuses recorded and the healthy shifts written',
    async () => {
      // Prepare
      await putSource({ id: 'stalled', type: 'incidentio', secret: `${PREFIX}stalled`, schedules: { '01STALLED': 'stalled-rota' } });
      await putSource({ id: 'feed', type: 'ics', secret: `${PREFIX}ics`, schedule: 'feed-rota' });
      feed.calendar = calendar(
        vevent({ UID: 'feed-1@loopback', DTSTART: compact(at(-1)), DTEND: compact(at(5)), SUMMARY: 'On call: <feed.person@lumos.com>' }),
      );

      // Act: a collection once the stalled source has the request.
      const arrived = stalled.nextRequest();
      const started = Date.now();
      const running = sync.run(new Deadline(RUN_BUDGET_MS));
      await arrived;
      collectGarbage();
      await running;
      const elapsedMs = Date.now() - started;

      // Assess
      expect(elapsedMs).toBeLessThan(RUN_BUDGET_MS);
      expect(await statusOf('stalled')).toMatchObject({ last_run_status: 'failed', last_failure_reason: 'deadline_exceeded' });
      expect(await statusOf('feed')).toMatchObject({ last_run_status: 'complete' });
      expect((await shiftsOf('feed-rota')).map((shift) => shift.email)).toEqual(['feed.person@lumos.com']);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('a source that points elsewhere', () => {
  const entry = (hours: number, email: string): IncidentIoEntry => ({
    schedule_id: '01SCHEDPRIMARY',
    list: 'final',
    start_at: at(hours),
    end_at: at(hours + 2),
    user: { id: email, name: email, email },
  });
  const credentialsSeenBy = (server: LoopbackApi) => server.requests.filter((request) => request.headers.authorization !== undefined);

  beforeAll(async () => {
    await putSource({ id: 'iio', type: 'incidentio', secret: `${PREFIX}incidentio`, schedules: { '01SCHEDPRIMARY': 'payments-oncall' } });
  });
  beforeEach(async () => {
    incidentio.entries.length = 0;
    incidentio.entries.push(entry(-1, 'first@lumos.com'), entry(3, 'second@lumos.com'));
    incidentio.pageSize = 25;
    incidentio.afterUrlOrigin = undefined;
    other.requests.length = 0;
    // A complete run first: both shifts synced.
    await sync.run(new Deadline(10_000), 'iio');
    expect(await shiftsOf('payments-oncall')).toHaveLength(2);
  });

  it('16.8 a redirect to another port of the allowed host is sent no credential, and its empty answer deletes no shift', async () => {
    // Prepare
    incidentio.next.push({ status: 302, headers: { location: `${other.origin}/v2/schedule_entries?schedule_id=01SCHEDPRIMARY` } });

    // Act
    await sync.run(new Deadline(10_000), 'iio');

    // Assess
    expect(credentialsSeenBy(other)).toEqual([]);
    expect(await statusOf('iio')).toMatchObject({ last_run_status: 'failed', last_failure_reason: 'host_not_allowed', last_run_deleted: 0 });
    expect(await shiftsOf('payments-oncall')).toHaveLength(2);
  });

  it('16.8 an after_url to another port of the allowed host is sent no credential, and the run deletes no shift', async () => {
    // Prepare: one entry per page; the next page's link points at the other port.
    incidentio.pageSize = 1;
    incidentio.afterUrlOrigin = other.origin;

    // Act
    await sync.run(new Deadline(10_000), 'iio');

    // Assess
    expect(credentialsSeenBy(other)).toEqual([]);
    expect(await statusOf('iio')).toMatchObject({ last_run_status: 'failed', last_failure_reason: 'host_not_allowed', last_run_deleted: 0 });
    expect(await shiftsOf('payments-oncall')).toHaveLength(2);
  });
});

/** An ISO instant in iCalendar's UTC form (`20261129T110000Z`). */
function compact(iso: string): string {
  return iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
