/**
 * The state sync's IAM (lib/access.ts) against the calls a real run makes: every request a sync
 * sends to the state table, through a recording proxy in front of DynamoDB Local, is an action
 * the sync's role allows, on a partition its `dynamodb:LeadingKeys` condition allows. A run that
 * writes and deletes shifts, writes training records, removes another source's shift, and marks
 * a removed source gone covers every kind of call the sync makes.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_STATEMENTS } from '../../../lib/access';
import { Deadline } from '../../../src/kernel/deadline';
import { createDocumentClient } from '../../../src/store/dynamo-client';
import { shiftItem } from '../../../src/store/shift-item';
import { DynamoSourceStore, SOURCES_PARTITION } from '../../../src/store/source-store';
import { DynamoSyncedStateStore } from '../../../src/store/synced-state-store';
import { SyncService } from '../../../src/sync/sync-service';
import { type DynamoProxy, startDynamoProxy } from '../../support/dynamo-proxy';
import { type KnowBe4Api, startKnowBe4Api } from '../../support/sources/knowbe4-api';
import { onCallFromNow, type PagerDutyApi, startPagerDutyApi } from '../../support/sources/pagerduty-api';
import { createTestTables, testDocumentClient } from '../../support/tables';

const PD_KEY = 'pd-key-0123456789';
const KB4_KEY = 'kb4-key-0123456789';
const PREFIX = 'lumos-sources/';
const HOUR = 3_600_000;

let proxy: DynamoProxy;
let pagerduty: PagerDutyApi;
let knowbe4: KnowBe4Api;
let table: string;

/** One request as IAM sees it: the action and the partition keys it touches. */
interface Call {
  action: string;
  partitions: string[];
}

const calls: Call[] = [];

/** The partition keys of a DynamoDB JSON request body, as `dynamodb:LeadingKeys` takes them. */
function partitionsOf(operation: string, body: Record<string, unknown>): string[] {
  const pkOf = (item: unknown) => String((item as { pk?: { S?: string } } | undefined)?.pk?.S);
  switch (operation) {
    case 'Query': {
      const values = body.ExpressionAttributeValues as Record<string, { S?: string }>;
      // Every query of the sync is `pk = :pk`.
      expect(body.KeyConditionExpression).toMatch(/^pk = :pk\b/);
      return [String(values[':pk']?.S)];
    }
    case 'PutItem':
      return [pkOf(body.Item)];
    case 'UpdateItem':
    case 'DeleteItem':
    case 'GetItem':
      return [pkOf(body.Key)];
    default:
      return [];
  }
}

function allowed({ action, partitions }: Call): boolean {
  const pattern = (text: string) => new RegExp(`^${text.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 's');
  return SYNC_STATEMENTS.some(
    (statement) =>
      statement.actions.includes(`dynamodb:${action}`) &&
      partitions.length > 0 &&
      partitions.every((pk) => statement.partitions.some((allowedPk) => pattern(allowedPk).test(pk))),
  );
}

beforeAll(async () => {
  let endpoint: string;
  ({
    endpoint,
    tables: { STATE_TABLE: table },
  } = await createTestTables());
  [proxy, pagerduty, knowbe4] = await Promise.all([startDynamoProxy(endpoint), startPagerDutyApi(PD_KEY), startKnowBe4Api(KB4_KEY)]);
  // Records every request's action and partitions; matches none, so nothing waits.
  proxy.before({
    when: (operation, body) => {
      calls.push({ action: operation, partitions: partitionsOf(operation, JSON.parse(body) as Record<string, unknown>) });
      return false;
    },
    run: async () => {},
  });
});

afterAll(() => Promise.all([proxy?.close(), pagerduty?.close(), knowbe4?.close()]));

describe('16.9 the sync role allows every call a sync run makes, and nothing else is needed', () => {
  it('16.9 each request of a run that writes, deletes, removes an orphan and marks a gone source is an allowed action on an allowed partition', async () => {
    // Prepare: a PagerDuty and a KnowBe4 source, an orphan of a removed source, and a status without its source item
    const direct = testDocumentClient();
    const put = (item: Record<string, unknown>) => direct.send(new PutCommand({ TableName: table, Item: item }));
    await put({ pk: SOURCES_PARTITION, sk: 'pd', type: 'pagerduty', secret: `${PREFIX}pd`, schedules: { PIAM: 'iam-oncall' } });
    await put({ pk: SOURCES_PARTITION, sk: 'kb4', type: 'knowbe4', secret: `${PREFIX}kb4`, campaigns: { '7': 'security-awareness' } });
    await put({ pk: SOURCES_PARTITION, sk: 'old', type: 'pagerduty', secret: `${PREFIX}pd`, schedules: { POLD: 'old-oncall' } });
    const now = Date.now();
    await put({
      ...shiftItem('iam-oncall', 'orphan@lumos.com', new Date(now - HOUR), new Date(now + HOUR), {
        origin: { source: 'gone', syncedAt: new Date(now - HOUR) },
      }),
    });
    pagerduty.oncalls.push(onCallFromNow('PIAM', 'stays@lumos.com', -1, 6), onCallFromNow('PIAM', 'leaves@lumos.com', -1, 6));
    knowbe4.enrollments.push({
      enrollment_id: 1,
      campaign_id: 7,
      store_purchase_id: 1,
      module_name: 'Security Awareness',
      campaign_name: 'Annual',
      status: 'Passed',
      completion_date: new Date(now - 24 * HOUR).toISOString(),
      user: { id: 1, first_name: 'A', last_name: 'B', email: 'trained@lumos.com' },
    });
    const secrets = {
      [`${PREFIX}pd`]: { api_key: PD_KEY, allowed_hosts: ['127.0.0.1'], base_url: pagerduty.origin },
      [`${PREFIX}kb4`]: { api_key: KB4_KEY, allowed_hosts: ['127.0.0.1'], base_url: knowbe4.origin },
    };
    const documents = createDocumentClient(proxy.endpoint);
    const sync = new SyncService({
      sources: new DynamoSourceStore(documents, table),
      state: new DynamoSyncedStateStore(documents, table),
      secrets: { read: async (name) => JSON.stringify(secrets[name as keyof typeof secrets]) },
      sourcePrefixes: { current: PREFIX },
      fetchOptions: { sleep: async () => {} },
    });
    await sync.run(new Deadline(30_000));
    // The old source is removed, and one person leaves the rota
    await direct.send(new DeleteCommand({ TableName: table, Key: { pk: SOURCES_PARTITION, sk: 'old' } }));
    pagerduty.oncalls.splice(1, 1);
    // Act
    const report = await sync.run(new Deadline(30_000));
    // Assess: the run did each kind of write
    expect(report.outcomes.find((outcome) => outcome.id === 'pd')).toMatchObject({ status: 'complete', deleted: 1, written: 1 });
    expect(report.outcomes.find((outcome) => outcome.id === 'kb4')).toMatchObject({ status: 'complete', written: 1 });
    const actions = new Set(calls.map((call) => call.action));
    expect([...actions].sort()).toEqual(['DeleteItem', 'PutItem', 'Query', 'UpdateItem']);
    expect(calls.filter((call) => !allowed(call))).toEqual([]);
  });
});
