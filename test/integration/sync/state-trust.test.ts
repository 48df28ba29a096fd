/**
 * On-call state that cannot be bent, on DynamoDB Local against loopback PagerDuty, incident.io
 * and calendar stand-ins: a person dropped from a rota is refused within one run whatever else
 * the run skipped, an unreadable page keeps only its own schedule's shifts, a renamed source's
 * shifts stop counting, merged levels never stretch, and a hand-written shift written while a
 * run is under way is never overwritten.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pipeline } from '../../../src/http/pipeline';
import { Deadline } from '../../../src/kernel/deadline';
import { PreApprovalService } from '../../../src/services/pre-approval-service';
import { shiftItem } from '../../../src/store/shift-item';
import { DynamoSourceStore, SOURCE_STATUS_PARTITION, SOURCES_PARTITION, type SourceStatus } from '../../../src/store/source-store';
import { shiftPartition } from '../../../src/store/state-keys';
import { DynamoStateSource } from '../../../src/store/state-source';
import { DynamoSyncedStateStore, type SyncedStateStore } from '../../../src/store/synced-state-store';
import type { SourceSecretTexts } from '../../../src/sync/source-secret-texts';
import { SyncService } from '../../../src/sync/sync-service';
import { testDeployment } from '../../support/deployment';
import { preApprovalBody, webhookRequest } from '../../support/events';
import { calendar, type IcsFeed, startIcsFeed, vevent } from '../../support/sources/ics-feed';
import { type IncidentIoApi, startIncidentIoApi } from '../../support/sources/incidentio-api';
import { onCallFromNow, type PagerDutyApi, type PagerDutyOnCall, startPagerDutyApi } from '../../support/sources/pagerduty-api';
import { testDocumentClient } from '../../support/tables';

const TOKEN = 'state-trust-token-0123456789';
const PD_KEY = 'pd-key-0123456789';
const IIO_KEY = 'iio-key-0123456789';
const PREFIX = 'lumos-sources/';
const HOUR = 3_600_000;

let pagerduty: PagerDutyApi;
let incidentio: IncidentIoApi;
let feed: IcsFeed;

const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
const compact = (iso: string) => `${iso.slice(0, 19).replace(/[-:]/g, '')}Z`;
const oncall = onCallFromNow;

/** The sources' secrets as the sync reads them, by name. */
function secretTexts(): SourceSecretTexts {
  const secrets = new Map([
    [`${PREFIX}pagerduty`, { api_key: PD_KEY, allowed_hosts: ['127.0.0.1'], base_url: pagerduty.origin }],
    [`${PREFIX}incidentio`, { api_key: IIO_KEY, allowed_hosts: ['127.0.0.1'], base_url: incidentio.origin }],
    [`${PREFIX}ics`, { url: feed.url, allowed_hosts: ['127.0.0.1'] }],
  ]);
  return { read: async (name) => JSON.stringify(secrets.get(name)) };
}

/** Fresh tables seeded with the demo (whose rule pre-approves whoever is on call for demo-oncall), a sync over them, and pre-approval. */
async function world(state?: (store: SyncedStateStore) => SyncedStateStore) {
  const deployment = await testDeployment(TOKEN, { seeded: true, env: { RULE_CACHE_SECONDS: '0' } });
  const table = deployment.tables.STATE_TABLE;
  const documents = testDocumentClient();
  const store = new DynamoSyncedStateStore(documents, table);
  const sync = new SyncService({
    sources: new DynamoSourceStore(documents, table),
    state: state ? state(store) : store,
    secrets: secretTexts(),
    sourcePrefixes: { current: PREFIX },
    fetchOptions: { sleep: async () => {} },
  });
  const preApprove: Pipeline = deployment.pipeline((deps) => new PreApprovalService(deps));
  return {
    table,
    run: (only?: string) => sync.run(new Deadline(30_000), only),
    putSource: (item: Record<string, unknown>) => documents.send(new PutCommand({ TableName: table, Item: { pk: SOURCES_PARTITION, sk: item.id, ...item } })),
    removeSource: (id: string) => documents.send(new DeleteCommand({ TableName: table, Key: { pk: SOURCES_PARTITION, sk: id } })),
    put: (item: Record<string, unknown>) => documents.send(new PutCommand({ TableName: table, Item: item })),
    answer: async (email: string) => ((await preApprove(webhookRequest(preApprovalBody({ email }), TOKEN))).body as { response: string }).response,
    shiftsOf: async (schedule: string) =>
      (
        await documents.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': shiftPartition(schedule) },
            ConsistentRead: true,
          }),
        )
      ).Items ?? [],
    statusOf: async (id: string) =>
      (await documents.send(new GetCommand({ TableName: table, Key: { pk: SOURCE_STATUS_PARTITION, sk: id }, ConsistentRead: true }))).Item as
        | SourceStatus
        | undefined,
    scheduleSources: (schedules: string[]) => new DynamoStateSource(documents, table, 0).scheduleSources(schedules, new Deadline(5_000)),
  };
}

beforeAll(async () => {
  [pagerduty, incidentio, feed] = await Promise.all([startPagerDutyApi(PD_KEY), startIncidentIoApi(IIO_KEY), startIcsFeed('feed-token-0123')]);
});

afterAll(async () => {
  await Promise.all([pagerduty?.close(), incidentio?.close(), feed?.close()]);
});

describe('16.1 completeness is per schedule, and item skips never block deletes', () => {
  it('16.1 refuses a person dropped from a PagerDuty rota within one run although another entry has no email', async () => {
    // Prepare
    const w = await world();
    await w.putSource({ id: 'pd-trust', type: 'pagerduty', secret: `${PREFIX}pagerduty`, schedules: { PTRUST1: 'demo-oncall' } });
    const dropped = oncall('PTRUST1', 'dropped@lumos.com', -1, 8);
    const noEmail: PagerDutyOnCall = { ...oncall('PTRUST1', 'x@lumos.com', -1, 8), user: { id: 'U0', name: 'No email' } };
    pagerduty.oncalls.push(dropped, noEmail);
    await w.run('pd-trust');
    const before = await w.answer('dropped@lumos.com');
    // Act: the person is taken off the rota; the entry without an email stays
    pagerduty.oncalls.splice(pagerduty.oncalls.indexOf(dropped), 1);
    const report = await w.run('pd-trust');
    const after = await w.answer('dropped@lumos.com');
    pagerduty.oncalls.splice(pagerduty.oncalls.indexOf(noEmail), 1);
    // Assess
    expect(before).toBe('PREAPPROVED');
    expect(report.outcomes[0]).toMatchObject({ status: 'complete', deleted: 1, skipped: { unknown_email: 1 }, complete: ['demo-oncall'], incomplete: [] });
    expect(after).toBe('NOT_PREAPPROVED');
    expect(await w.statusOf('pd-trust')).toMatchObject({
      last_run_status: 'complete',
      last_run_skipped: { unknown_email: 1 },
      schedules_complete: { 'demo-oncall': report.startedAt },
    });
  });

  it('16.1 refuses a person dropped from a calendar feed within one run although the feed holds an all-day holiday from 2019', async () => {
    // Prepare
    const w = await world();
    await w.putSource({ id: 'cal', type: 'ics', secret: `${PREFIX}ics`, schedule: 'demo-oncall' });
    const holiday = vevent({ UID: 'holiday-2019', 'DTSTART;VALUE=DATE': '20191225', 'DTEND;VALUE=DATE': '20191226', SUMMARY: 'Christmas' });
    const shift = vevent({ UID: 'shift-1', DTSTART: compact(at(-1)), DTEND: compact(at(6)), SUMMARY: 'On call: dropped@lumos.com' });
    feed.calendar = calendar(holiday, shift);
    await w.run('cal');
    const before = await w.answer('dropped@lumos.com');
    // Act
    feed.calendar = calendar(holiday);
    const report = await w.run('cal');
    // Assess
    expect(before).toBe('PREAPPROVED');
    expect(report.outcomes[0]).toMatchObject({ status: 'complete', deleted: 1 });
    expect(await w.answer('dropped@lumos.com')).toBe('NOT_PREAPPROVED');
  });

  it('16.1 keeps only the unreadable schedule’s vanished shifts, and judges each schedule by its own last complete read', async () => {
    // Prepare: two schedules of one source
    const w = await world();
    await w.putSource({
      id: 'iio-two',
      type: 'incidentio',
      secret: `${PREFIX}incidentio`,
      schedules: { '01FIRST': 'first-oncall', '01SECOND': 'second-oncall' },
    });
    const entry = (scheduleId: string, email: string) =>
      ({ schedule_id: scheduleId, list: 'final', start_at: at(-1), end_at: at(6), user: { id: email, name: email, email } }) as const;
    const first = entry('01FIRST', 'first@lumos.com');
    const second = entry('01SECOND', 'second@lumos.com');
    incidentio.entries.push(first, second);
    const complete = await w.run('iio-two');
    incidentio.entries.splice(incidentio.entries.indexOf(first), 1);
    incidentio.entries.splice(incidentio.entries.indexOf(second), 1);
    // Act: both people leave the rota; the first schedule's page cannot be read this time
    incidentio.next.push({ status: 200, headers: { 'content-type': 'application/json' }, body: '<html>502 Bad Gateway</html>' });
    const partial = await w.run('iio-two');
    // Assess
    expect(partial.outcomes[0]).toMatchObject({ status: 'partial', deleted: 1, complete: ['second-oncall'], incomplete: ['first-oncall'] });
    expect((await w.shiftsOf('first-oncall')).map((item) => item.email)).toEqual(['first@lumos.com']);
    expect(await w.shiftsOf('second-oncall')).toEqual([]);
    expect(await w.statusOf('iio-two')).toMatchObject({
      last_run_status: 'partial',
      last_run_incomplete: ['first-oncall'],
      schedules_complete: { 'first-oncall': complete.startedAt, 'second-oncall': partial.startedAt },
    });
    const judged = await w.scheduleSources(['first-oncall', 'second-oncall']);
    expect(judged).toEqual([
      { schedule: 'first-oncall', source: 'iio-two', last_success: complete.startedAt, stale_after: 30 },
      { schedule: 'second-oncall', source: 'iio-two', last_success: partial.startedAt, stale_after: 30 },
    ]);
  });
});

describe('16.2 a synced shift counts only through its own source', () => {
  it('16.2 refuses a person whose shift was synced by a renamed source, once the new source has run', async () => {
    // Prepare
    const w = await world();
    await w.putSource({ id: 'pd-old', type: 'pagerduty', secret: `${PREFIX}pagerduty`, schedules: { PRENAME1: 'demo-oncall' } });
    const alice = oncall('PRENAME1', 'alice.rename@lumos.com', -1, 8);
    pagerduty.oncalls.push(alice);
    await w.run();
    const before = await w.answer('alice.rename@lumos.com');
    // Act: the source is renamed, and Alice leaves the rota meanwhile; Bob joins
    await w.removeSource('pd-old');
    await w.putSource({ id: 'pd-new', type: 'pagerduty', secret: `${PREFIX}pagerduty`, schedules: { PRENAME1: 'demo-oncall' } });
    pagerduty.oncalls.splice(pagerduty.oncalls.indexOf(alice), 1);
    const bob = oncall('PRENAME1', 'bob.rename@lumos.com', -1, 8);
    pagerduty.oncalls.push(bob);
    const report = await w.run();
    pagerduty.oncalls.splice(pagerduty.oncalls.indexOf(bob), 1);
    // Assess
    expect(before).toBe('PREAPPROVED');
    expect(report.outcomes.find((outcome) => outcome.id === 'pd-new')).toMatchObject({ status: 'complete', written: 1, deleted: 1 });
    expect(await w.answer('alice.rename@lumos.com')).toBe('NOT_PREAPPROVED');
    expect(await w.answer('bob.rename@lumos.com')).toBe('PREAPPROVED');
    expect(await w.statusOf('pd-old')).toMatchObject({ present: false });
    expect((await w.shiftsOf('demo-oncall')).filter((item) => item.source !== undefined).map((item) => [item.email, item.source])).toEqual([
      ['bob.rename@lumos.com', 'pd-new'],
    ]);
  });

  it('16.2 does not count a removed source’s shifts even before any other source runs', async () => {
    // Prepare
    const w = await world();
    await w.putSource({ id: 'pd-gone', type: 'pagerduty', secret: `${PREFIX}pagerduty`, schedules: { PGONE01: 'demo-oncall' } });
    const carol = oncall('PGONE01', 'carol.gone@lumos.com', -1, 8);
    pagerduty.oncalls.push(carol);
    await w.run();
    pagerduty.oncalls.splice(pagerduty.oncalls.indexOf(carol), 1);
    const before = await w.answer('carol.gone@lumos.com');
    // Act
    await w.removeSource('pd-gone');
    await w.run();
    // Assess
    expect(before).toBe('PREAPPROVED');
    expect(await w.answer('carol.gone@lumos.com')).toBe('NOT_PREAPPROVED');
  });
});

describe('16.2 a shift whose source is not text', () => {
  it('16.2 does not count as hand-written: a shift pasted with "source": null leaves on_call undecided', async () => {
    // Prepare: the shape `lumos-state on-call --json` prints for a hand-written shift, written back by hand
    const w = await world();
    await w.put({ ...shiftItem('demo-oncall', 'pasted@lumos.com', new Date(Date.now() - HOUR), new Date(Date.now() + 8 * HOUR)), source: null });
    // Act
    const answer = await w.answer('pasted@lumos.com');
    // Assess
    expect(answer).toBe('NOT_PREAPPROVED');
  });
});

describe('16.7 synced values are bounded like imported ones', () => {
  it('16.7 skips a 400-day on-call, and never stretches a nearer level over a longer shift at another level', async () => {
    // Prepare
    const w = await world();
    await w.putSource({ id: 'pd-bounds', type: 'pagerduty', secret: `${PREFIX}pagerduty`, schedules: { PBOUND1: 'bounds-oncall' } });
    const endless = { ...oncall('PBOUND1', 'endless@lumos.com', -1, 2), end: new Date(Date.now() + 400 * 24 * HOUR).toISOString() };
    const third = oncall('PBOUND1', 'dana@lumos.com', -1, 10, 3);
    const first = { ...oncall('PBOUND1', 'dana@lumos.com', -1, 2, 1), start: third.start };
    pagerduty.oncalls.push(endless, third, first);
    // Act
    const report = await w.run('pd-bounds');
    pagerduty.oncalls.splice(pagerduty.oncalls.indexOf(endless), 3);
    // Assess
    expect(report.outcomes[0]).toMatchObject({ skipped: { too_long: 1 } });
    const shifts = await w.shiftsOf('bounds-oncall');
    expect(shifts.map((item) => item.email)).not.toContain('endless@lumos.com');
    expect(shifts.map((item) => [item.starts_at, item.ends_at, item.escalation_level])).toEqual([
      [third.start, first.end, 1],
      [first.end, third.end, 3],
    ]);
  });
});

describe('16.11 an item the table refuses is one item left out, not an outage', () => {
  it('16.11 writes the other shifts, deletes the vanished one and the refused shift\u2019s older version, and counts the refused put as bad_value', async () => {
    // Prepare: the real store, whose put of one person's shift carries, once `refusing`, what DynamoDB refuses (an empty attribute name)
    let refusing = false;
    const w = await world((store) => ({
      shiftsOf: (schedule, deadline) => store.shiftsOf(schedule, deadline),
      putUnlessOtherOrigin: (item, sourceId, deadline) =>
        store.putUnlessOtherOrigin(
          refusing && item.email === 'refused@lumos.com' ? (Object.assign({ '': 'x' }, item) as typeof item) : item,
          sourceId,
          deadline,
        ),
      existing: (keys, deadline) => store.existing(keys, deadline),
      deleteIfUnchanged: (item, deadline) => store.deleteIfUnchanged(item, deadline),
    }));
    await w.putSource({ id: 'pd-refuse', type: 'pagerduty', secret: `${PREFIX}pagerduty`, schedules: { PREFUSE: 'refuse-oncall' } });
    const gone = oncall('PREFUSE', 'gone@lumos.com', -1, 8);
    const kept = oncall('PREFUSE', 'kept@lumos.com', -1, 8);
    const refused = oncall('PREFUSE', 'refused@lumos.com', -1, 8);
    pagerduty.oncalls.push(gone, kept, refused);
    await w.run('pd-refuse');
    pagerduty.oncalls.splice(pagerduty.oncalls.indexOf(gone), 1);
    refusing = true;
    // Act
    const report = await w.run('pd-refuse');
    pagerduty.oncalls.splice(pagerduty.oncalls.indexOf(kept), 2);
    // Assess: Kept written again; Gone deleted as vanished; Refused's older shift deleted, as its new one could not be written
    expect(report.outcomes[0]).toMatchObject({ status: 'complete', written: 1, deleted: 2, skipped: { bad_value: 1 } });
    expect((await w.shiftsOf('refuse-oncall')).map((item) => item.email)).toEqual(['kept@lumos.com']);
  });
});

describe('16.10 the sync never overwrites a hand-written item', () => {
  it('16.10 keeps a hand-written shift written between the sync’s read and its write, and counts it kept', async () => {
    // Prepare: the store is the real one; the test writes by hand right after the run has read the schedule
    let handWritten: Record<string, unknown> | undefined;
    let put: ((item: Record<string, unknown>) => Promise<unknown>) | undefined;
    const w = await world((store) => ({
      shiftsOf: async (schedule, deadline) => {
        const items = await store.shiftsOf(schedule, deadline);
        if (handWritten && put) await put(handWritten);
        return items;
      },
      putUnlessOtherOrigin: (item, sourceId, deadline) => store.putUnlessOtherOrigin(item, sourceId, deadline),
      existing: (keys, deadline) => store.existing(keys, deadline),
      deleteIfUnchanged: (item, deadline) => store.deleteIfUnchanged(item, deadline),
    }));
    put = w.put;
    await w.putSource({ id: 'pd-race', type: 'pagerduty', secret: `${PREFIX}pagerduty`, schedules: { PRACE01: 'race-oncall' } });
    const erin = oncall('PRACE01', 'erin@lumos.com', -1, 8);
    pagerduty.oncalls.push(erin);
    handWritten = { ...shiftItem('race-oncall', 'erin@lumos.com', new Date(String(erin.start)), new Date(Date.now() + 2 * HOUR)) };
    // Act
    const report = await w.run('pd-race');
    pagerduty.oncalls.splice(pagerduty.oncalls.indexOf(erin), 1);
    // Assess
    expect(report.outcomes[0]).toMatchObject({ written: 0, kept: 1 });
    expect(await w.shiftsOf('race-oncall')).toEqual([handWritten]);
  });
});
