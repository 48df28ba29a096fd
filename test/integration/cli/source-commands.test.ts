/**
 * `lumos-state sources` and `sync` against DynamoDB Local, a loopback iCalendar feed and a
 * loopback Secrets Manager: one sync run now with each source's outcome, and each source's status
 * (last success, last failure and why, stale or not) as the rules would judge it.
 */
import { rmSync } from 'node:fs';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SOURCE_STATUS_PARTITION, SOURCES_PARTITION } from '../../../src/store/source-store';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { type FakeSecretsManager, startFakeSecretsManager } from '../../support/fake-secrets-manager';
import { calendar, type IcsFeed, startIcsFeed, vevent } from '../../support/sources/ics-feed';
import { lumosState, partitionItems, scratchFolder } from '../../support/state-cli';
import { testDocumentClient } from '../../support/tables';

const PREFIX = 'lumos-sources/';
const HOUR = 3_600_000;
const stamp = (offsetHours: number) =>
  new Date(Date.now() + offsetHours * HOUR)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
let deployment: TestDeployment;
let local: string[];
let secretsManager: FakeSecretsManager;
let feed: IcsFeed;
const scratch = scratchFolder();

const putSource = (item: Record<string, unknown>) =>
  testDocumentClient().send(new PutCommand({ TableName: deployment.tables.STATE_TABLE, Item: { pk: SOURCES_PARTITION, sk: item.id, ...item } }));

beforeAll(async () => {
  deployment = await testDeployment('source-commands-token-0123456789');
  local = ['--endpoint', deployment.endpoint, '--state-table', deployment.tables.STATE_TABLE];
  [secretsManager, feed] = await Promise.all([startFakeSecretsManager(), startIcsFeed('feed-token-0123')]);
  for (const [name, value] of Object.entries(secretsManager.sdkEnvironment)) vi.stubEnv(name, value);
  secretsManager.secrets.set(`${PREFIX}ics`, JSON.stringify({ url: feed.url, allowed_hosts: ['127.0.0.1'] }));
  feed.calendar = calendar(vevent({ UID: 'a', DTSTART: stamp(-1), DTEND: stamp(7), SUMMARY: 'On call: grace@lumos.com' }));
  await putSource({ id: 'calendar', type: 'ics', secret: `${PREFIX}ics`, schedule: 'calendar-oncall' });
  await putSource({ id: 'no-secret', type: 'ics', secret: `${PREFIX}missing`, schedule: 'other-oncall' });
  await putSource({ id: 'broken', type: 'pagerduty', secret: `${PREFIX}x`, schedules: {} });
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all([secretsManager.close(), feed.close()]);
  rmSync(scratch.dir, { recursive: true, force: true });
});

describe('lumos-state sync and sources', () => {
  it('16.1 says stale, and which schedule, when a source succeeds every run but never reads one schedule whole', async () => {
    // Prepare: the last run succeeded a minute ago, but ops-oncall was last read whole two hours ago
    const minuteAgo = new Date(Date.now() - 60_000).toISOString();
    await putSource({ id: 'pd-half', type: 'pagerduty', secret: `${PREFIX}pagerduty`, schedules: { PA: 'pay-oncall', PB: 'ops-oncall' } });
    await testDocumentClient().send(
      new PutCommand({
        TableName: deployment.tables.STATE_TABLE,
        Item: {
          pk: SOURCE_STATUS_PARTITION,
          sk: 'pd-half',
          last_success: minuteAgo,
          last_run_status: 'partial',
          last_run_incomplete: ['ops-oncall'],
          stale_after: 30,
          schedules: ['pay-oncall', 'ops-oncall'],
          schedules_complete: { 'pay-oncall': minuteAgo, 'ops-oncall': new Date(Date.now() - 2 * HOUR).toISOString() },
        },
      }),
    );
    // Act
    const run = await lumosState(['sources', ...local], scratch.dir);
    const json = await lumosState(['sources', '--json', ...local], scratch.dir);
    // Assess
    expect(run.code).toBe(1);
    expect(run.out).toContain('pd-half  pagerduty → pay-oncall, ops-oncall: stale (after 30 min)');
    expect(run.out).toContain('  not read whole in the last run: ops-oncall');
    expect(run.out).toContain('  stale: ops-oncall (their synced shifts do not count)');
    expect(JSON.parse(json.out).sources).toContainEqual(
      expect.objectContaining({ id: 'pd-half', stale: true, stale_schedules: ['ops-oncall'], incomplete_schedules: ['ops-oncall'] }),
    );
    for (const pk of [SOURCES_PARTITION, SOURCE_STATUS_PARTITION]) {
      await testDocumentClient().send(new DeleteCommand({ TableName: deployment.tables.STATE_TABLE, Key: { pk, sk: 'pd-half' } }));
    }
  });

  it('lists every source as never synced before a run, and stale', async () => {
    // Act
    const run = await lumosState(['sources', ...local], scratch.dir);
    // Assess
    expect(run.code).toBe(1);
    expect(run.out).toContain('calendar  ics → calendar-oncall: stale (after 30 min)');
    expect(run.out).toContain('  last success never');
    expect(run.out).toMatch(/broken {2}not synced: stale \(after 30 min\)\n {2}last success never\n {2}refused: source "broken" is malformed: schedules: /);
  });

  it('runs one sync of a named source now and prints its outcome; its shifts are written and it is fresh', async () => {
    // Act
    const run = await lumosState(['sync', 'calendar', ...local], scratch.dir);
    const sources = await lumosState(['sources', '--json', ...local], scratch.dir);
    // Assess
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('calendar  complete: 1 returned, 1 written, 0 deleted, 0 kept');
    expect((await partitionItems(deployment.tables.STATE_TABLE, 'oncall#calendar-oncall')).map((item) => item.email)).toEqual(['grace@lumos.com']);
    expect(JSON.parse(sources.out).sources).toContainEqual(expect.objectContaining({ id: 'calendar', stale: false, last_run_status: 'complete' }));
  });

  it('runs every source: a failing one says why and exits 1, and sources then shows its last failure', async () => {
    // Act
    const run = await lumosState(['sync', ...local], scratch.dir);
    const sources = await lumosState(['sources', ...local], scratch.dir);
    const unknown = await lumosState(['sync', 'nope', ...local], scratch.dir);
    // Assess
    expect(run.code).toBe(1);
    expect(run.out).toContain('calendar  complete');
    expect(run.out).toMatch(/no-secret {2}failed: secret_unavailable: /);
    expect(run.out).toMatch(/broken {2}refused: /);
    expect(run.out).toContain('3 sources synced at ');
    expect(sources.out).toMatch(
      /no-secret {2}ics → other-oncall: stale \(after 30 min\)\n {2}last success never; last run failed\n {2}last failure \S+: secret_unavailable: /,
    );
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.err).toContain('no source "nope" is configured');
  });
});
