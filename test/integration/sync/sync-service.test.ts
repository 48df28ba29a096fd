/**
 * The sync run on DynamoDB Local, against the loopback PagerDuty, incident.io, iCalendar and
 * KnowBe4 stand-ins and a loopback Secrets Manager: synced shifts and training records decide
 * the demo rules through the real pipelines, vanished shifts go after a complete run only, hand-
 * written items are never touched, a schedule has one source, and each source's status says
 * what its last run did.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pipeline } from '../../../src/http/pipeline';
import { Deadline } from '../../../src/kernel/deadline';
import { PreApprovalService } from '../../../src/services/pre-approval-service';
import { RequestValidationService } from '../../../src/services/request-validation-service';
import { shiftItem } from '../../../src/store/shift-item';
import { DynamoSourceStore, SOURCE_STATUS_PARTITION, SOURCES_PARTITION, type SourceStatus } from '../../../src/store/source-store';
import { shiftPartition, shiftSortKey, trainingPartition } from '../../../src/store/state-keys';
import { DynamoStateSource } from '../../../src/store/state-source';
import { DynamoSyncedStateStore } from '../../../src/store/synced-state-store';
import { SecretsManagerSourceSecrets } from '../../../src/sync/source-secret-texts';
import { SyncService, UnknownSourceError } from '../../../src/sync/sync-service';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { preApprovalBody, webhookRequest } from '../../support/events';
import { type FakeSecretsManager, startFakeSecretsManager } from '../../support/fake-secrets-manager';
import { calendar, type IcsFeed, startIcsFeed, vevent } from '../../support/sources/ics-feed';
import { type IncidentIoApi, startIncidentIoApi } from '../../support/sources/incidentio-api';
import { type KnowBe4Api, startKnowBe4Api } from '../../support/sources/knowbe4-api';
import { json } from '../../support/sources/loopback-api';
import { onCallFromNow, type PagerDutyApi, startPagerDutyApi } from '../../support/sources/pagerduty-api';
import { testDocumentClient } from '../../support/tables';

const TOKEN = 'state-sync-token-0123456789';
const PD_KEY = 'pd-key-0123456789';
const KB4_KEY = 'kb4-key-0123456789';
const IIO_KEY = 'iio-key-0123456789';
const HOUR = 3_600_000;
const PREFIX = 'lumos-sources/';

let deployment: TestDeployment;
let secretsManager: FakeSecretsManager;
let pagerduty: PagerDutyApi;
let knowbe4: KnowBe4Api;
let feed: IcsFeed;
let incidentio: IncidentIoApi;
let sync: SyncService;
let preApprove: Pipeline;
let validate: Pipeline;

const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
const oncall = onCallFromNow;

const table = () => deployment.tables.STATE_TABLE;
const put = (item: Record<string, unknown>) => testDocumentClient().send(new PutCommand({ TableName: table(), Item: item }));
const putSource = (item: Record<string, unknown>) => put({ pk: SOURCES_PARTITION, sk: item.id, ...item });
const run = (only?: string) => sync.run(new Deadline(30_000), only);

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
  // Statuses are read afresh on every call: a new source's shifts count from its first recorded run, not after the cache.
  deployment = await testDeployment(TOKEN, { seeded: true, env: { RULE_CACHE_SECONDS: '0' } });
  [secretsManager, pagerduty, knowbe4, feed, incidentio] = await Promise.all([
    startFakeSecretsManager(),
    startPagerDutyApi(PD_KEY),
    startKnowBe4Api(KB4_KEY),
    startIcsFeed('feed-token-0123'),
    startIncidentIoApi(IIO_KEY),
  ]);
  secretsManager.secrets.set(`${PREFIX}pagerduty`, JSON.stringify({ api_key: PD_KEY, allowed_hosts: ['127.0.0.1'], base_url: pagerduty.origin }));
  secretsManager.secrets.set(`${PREFIX}knowbe4`, JSON.stringify({ api_key: KB4_KEY, allowed_hosts: ['127.0.0.1'], base_url: knowbe4.origin }));
  secretsManager.secrets.set(`${PREFIX}incidentio`, JSON.stringify({ api_key: IIO_KEY, allowed_hosts: ['127.0.0.1'], base_url: incidentio.origin }));
  secretsManager.secrets.set(`${PREFIX}ics`, JSON.stringify({ url: feed.url, allowed_hosts: ['127.0.0.1'] }));
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
  preApprove = deployment.pipeline((deps) => new PreApprovalService(deps));
  validate = deployment.pipeline((deps) => new RequestValidationService(deps, 'closed', undefined));
  // The demo rule's schedule, synced from PagerDuty; the seed's hand-written demo shift stays beside it.
  await putSource({ id: 'pd-demo', type: 'pagerduty', secret: `${PREFIX}pagerduty`, schedules: { PDEMO01: 'demo-oncall' }, stale_after: 15 });
});

afterAll(async () => {
  await Promise.all([secretsManager?.close(), pagerduty?.close(), knowbe4?.close(), feed?.close(), incidentio?.close()]);
});

describe('on-call shifts from PagerDuty', () => {
  it('makes a shift created in PagerDuty count within one sync: the demo rule then pre-approves', async () => {
    // Prepare
    const email = 'new.oncall@lumos.com';
    const before = await preApprove(webhookRequest(preApprovalBody({ email }), TOKEN));
    const shift = oncall('PDEMO01', 'New.OnCall@Lumos.com', -2, 6, 2);
    pagerduty.oncalls.push(shift);
    // Act
    const report = await run('pd-demo');
    const after = await preApprove(webhookRequest(preApprovalBody({ email }), TOKEN));
    // Assess
    expect(before.body).toMatchObject({ response: 'NOT_PREAPPROVED' });
    expect(report.outcomes).toEqual([expect.objectContaining({ id: 'pd-demo', status: 'complete', returned: 1, written: 1, deleted: 0 })]);
    expect(after.body).toMatchObject({ response: 'PREAPPROVED' });
    const synced = (await shiftsOf('demo-oncall')).find((item) => item.email === email);
    expect(synced).toMatchObject({ source: 'pd-demo', escalation_level: 2, starts_at: shift.start, ends_at: shift.end });
    expect(Date.parse(String(synced?.synced_at))).toBeGreaterThan(Date.now() - 60_000);
    expect(String(synced?.synced_at)).toMatch(/Z$/);
  });

  it('deletes a cancelled override after the next complete run, keeps the ongoing shift that started earlier, never touches hand-written shifts', async () => {
    // Prepare
    await putSource({ id: 'pd-rota', type: 'pagerduty', secret: `${PREFIX}pagerduty`, schedules: { PROTA01: 'rota-oncall' } });
    const ongoing = oncall('PROTA01', 'alice@lumos.com', -30, 5);
    const override = oncall('PROTA01', 'bob@lumos.com', 2, 4);
    pagerduty.oncalls.push(ongoing, override);
    const handWritten = shiftItem('rota-oncall', 'carol@lumos.com', new Date(Date.now() + HOUR), new Date(Date.now() + 3 * HOUR));
    const sameKey = shiftItem('rota-oncall', 'bob@lumos.com', new Date(String(override.start)), new Date(Date.now() + 10 * HOUR));
    await run('pd-rota');
    // A hand-written shift with a synced shift's key: the sync leaves it as the admin wrote it.
    await put({ ...handWritten });
    const first = await shiftsOf('rota-oncall');
    // Act: the override is cancelled in PagerDuty, and an admin writes Bob's shift by hand meanwhile
    pagerduty.oncalls.splice(pagerduty.oncalls.indexOf(override), 1);
    await run('pd-rota');
    const afterCancel = await shiftsOf('rota-oncall');
    await put({ ...sameKey });
    pagerduty.oncalls.push(override);
    const third = await run('pd-rota');
    pagerduty.oncalls.splice(pagerduty.oncalls.indexOf(override), 1);
    await run('pd-rota');
    const last = await shiftsOf('rota-oncall');
    // Assess
    expect(first.map((item) => item.email).sort()).toEqual(['alice@lumos.com', 'bob@lumos.com', 'carol@lumos.com']);
    expect(afterCancel.map((item) => item.email).sort()).toEqual(['alice@lumos.com', 'carol@lumos.com']);
    expect(afterCancel.find((item) => item.email === 'alice@lumos.com')).toMatchObject({ starts_at: ongoing.start, source: 'pd-rota' });
    expect(third.outcomes[0]).toMatchObject({ returned: 2, written: 1, kept: 1 });
    expect(last.find((item) => item.email === 'bob@lumos.com')).toEqual(sameKey);
    expect(last.find((item) => item.email === 'carol@lumos.com')).toEqual(handWritten);
    expect(await shiftsOf('demo-oncall')).toContainEqual(expect.objectContaining({ email: 'peterparker@lumos.com' }));
    expect((await shiftsOf('demo-oncall')).find((item) => item.email === 'peterparker@lumos.com')?.source).toBeUndefined();
  });

  it('deletes nothing after a partial run (a page that does not parse), and records it as partial with the skip', async () => {
    // Prepare: 101 on-calls, so the second page (offset 100) holds Dave
    await putSource({ id: 'pd-partial', type: 'pagerduty', secret: `${PREFIX}pagerduty`, schedules: { PPART01: 'partial-oncall' } });
    const fillers = Array.from({ length: 100 }, (_, index) => oncall('PPART01', `filler${index}@lumos.com`, -1, 8));
    const dave = oncall('PPART01', 'dave@lumos.com', 1, 9);
    const erin = oncall('PPART01', 'erin@lumos.com', 1, 9);
    pagerduty.oncalls.push(...fillers, dave, erin);
    const complete = await run('pd-partial');
    pagerduty.oncalls.splice(pagerduty.oncalls.indexOf(erin), 1);
    pagerduty.malformedOffsets.add(100);
    // Act
    const partial = await run('pd-partial');
    pagerduty.malformedOffsets.delete(100);
    // Assess
    expect(complete.outcomes[0]).toMatchObject({ status: 'complete', returned: 102, written: 102 });
    expect(partial.outcomes[0]).toMatchObject({ status: 'partial', returned: 100, deleted: 0, skipped: { page_unparseable: 1 } });
    const emails = (await shiftsOf('partial-oncall')).map((item) => item.email);
    expect(emails).toHaveLength(102);
    expect(emails).toEqual(expect.arrayContaining(['dave@lumos.com', 'erin@lumos.com']));
    expect(await statusOf('pd-partial')).toMatchObject({ last_run_status: 'partial', last_run_skipped: { page_unparseable: 1 }, last_run_deleted: 0 });
  });

  it('leaves the state untouched after a 401 and records the failure, its reason and the last success', async () => {
    // Prepare
    await putSource({ id: 'pd-denied', type: 'pagerduty', secret: `${PREFIX}pagerduty`, schedules: { PDENY01: 'denied-oncall' }, stale_after: 45 });
    const frank = oncall('PDENY01', 'frank@lumos.com', -1, 7);
    pagerduty.oncalls.push(frank);
    const good = await run('pd-denied');
    pagerduty.oncalls.splice(pagerduty.oncalls.indexOf(frank), 1);
    pagerduty.next.push(json({ error: { message: 'Unauthorized', code: 2006 } }, 401));
    // Act
    const failed = await run('pd-denied');
    // Assess
    expect(failed.outcomes[0]).toMatchObject({ status: 'failed', failure: { reason: 'unauthorized' }, written: 0, deleted: 0 });
    expect((await shiftsOf('denied-oncall')).map((item) => item.email)).toEqual(['frank@lumos.com']);
    const status = await statusOf('pd-denied');
    expect(status).toMatchObject({
      last_success: good.startedAt,
      last_failure: failed.startedAt,
      last_failure_reason: 'unauthorized',
      last_run_status: 'failed',
      stale_after: 45,
      schedules: ['denied-oncall'],
    });
    expect(status?.last_failure_message).not.toContain(PD_KEY);
  });

  it('records a secret outside the source secret prefix, or missing, as a failure of that source only', async () => {
    // Prepare
    await putSource({ id: 'pd-nosecret', type: 'pagerduty', secret: `${PREFIX}missing`, schedules: { PNONE01: 'nosecret-oncall' } });
    // Act
    const report = await run('pd-nosecret');
    // Assess
    expect(report.outcomes[0]).toMatchObject({ status: 'failed', failure: { reason: 'secret_unavailable' } });
    expect(await statusOf('pd-nosecret')).toMatchObject({ last_failure_reason: 'secret_unavailable' });
  });
});

describe('reading synced state', () => {
  it('tells synced shifts and training records from hand-written ones by their source', async () => {
    // Prepare
    const reader = new DynamoStateSource(testDocumentClient(), table());
    const deadline = new Deadline(5_000);
    // Act
    const shifts = await reader.shifts(
      [
        { schedule: 'demo-oncall', email: 'new.oncall@lumos.com' },
        { schedule: 'demo-oncall', email: 'peterparker@lumos.com' },
      ],
      new Date(),
      deadline,
    );
    const trainings = await reader.trainings(['peterparker@lumos.com'], deadline);
    // Assess
    expect(shifts.find((shift) => shift.email === 'new.oncall@lumos.com')).toMatchObject({ source: 'pd-demo', escalation_level: 2 });
    const handWritten = shifts.find((shift) => shift.email === 'peterparker@lumos.com');
    expect(handWritten).toBeDefined();
    expect(handWritten && 'source' in handWritten).toBe(false);
    expect(trainings.length).toBeGreaterThan(0);
    expect(trainings.every((record) => !('source' in record))).toBe(true);
  });
});

describe('on-call shifts from incident.io', () => {
  it('writes the final entries, and deletes an entry that left the rota after the next complete run', async () => {
    // Prepare
    await putSource({ id: 'iio', type: 'incidentio', secret: `${PREFIX}incidentio`, schedules: { '01HSCHED': 'incident-oncall' } });
    const entry = (email: string, start: number, end: number) => ({
      schedule_id: '01HSCHED',
      list: 'final' as const,
      start_at: at(start),
      end_at: at(end),
      user: { id: email, name: email, email },
    });
    const ivy = entry('Ivy@Lumos.com', -3, 3);
    const jack = entry('jack@lumos.com', 3, 9);
    incidentio.entries.push(ivy, jack);
    const first = await run('iio');
    incidentio.entries.splice(incidentio.entries.indexOf(jack), 1);
    // Act
    const second = await run('iio');
    // Assess
    expect(first.outcomes[0]).toMatchObject({ status: 'complete', written: 2 });
    expect(second.outcomes[0]).toMatchObject({ status: 'complete', written: 1, deleted: 1 });
    expect(await shiftsOf('incident-oncall')).toEqual([
      expect.objectContaining({ email: 'ivy@lumos.com', starts_at: ivy.start_at, ends_at: ivy.end_at, source: 'iio' }),
    ]);
  });
});

describe('one source per schedule', () => {
  it('refuses a second source claiming a schedule another source syncs, and syncs the others', async () => {
    // Prepare: an iCalendar source whose id sorts first, claiming the demo schedule and one of its own
    feed.calendar = calendar(vevent({ UID: 'shift-1', DTSTART: compact(at(-1)), DTEND: compact(at(5)), SUMMARY: 'On call: grace@lumos.com' }));
    await putSource({ id: 'a-calendar', type: 'ics', secret: `${PREFIX}ics`, schedule: 'demo-oncall' });
    // Act
    const report = await run();
    // Assess
    const refusal = report.problems.find((problem) => problem.id === 'a-calendar');
    expect(refusal?.message).toBe(
      'source "a-calendar" is refused: schedule "demo-oncall" is already synced by source "pd-demo" (a schedule name maps to one source only)',
    );
    expect(report.outcomes.map((outcome) => outcome.id)).not.toContain('a-calendar');
    expect(report.outcomes.find((outcome) => outcome.id === 'pd-demo')?.status).toBe('complete');
    // One source's failure in the same run stops no other
    expect(report.outcomes.find((outcome) => outcome.id === 'pd-nosecret')?.status).toBe('failed');
    expect(report.outcomes.find((outcome) => outcome.id === 'iio')?.status).toBe('complete');
    expect((await shiftsOf('demo-oncall')).map((item) => item.email)).not.toContain('grace@lumos.com');
    expect(await statusOf('a-calendar')).toMatchObject({ last_failure_reason: 'misconfigured', last_run_status: 'failed' });
    expect((await statusOf('a-calendar'))?.schedules).toBeUndefined();
    // Once the claim is withdrawn (the feed becomes its own schedule), it syncs
    await putSource({ id: 'a-calendar', type: 'ics', secret: `${PREFIX}ics`, schedule: 'calendar-oncall' });
    const next = await run('a-calendar');
    expect(next.outcomes[0]).toMatchObject({ status: 'complete', written: 1 });
    expect((await shiftsOf('calendar-oncall')).map((item) => item.email)).toEqual(['grace@lumos.com']);
    await testDocumentClient().send(new DeleteCommand({ TableName: table(), Key: { pk: SOURCES_PARTITION, sk: 'a-calendar' } }));
  });

  it('reports a malformed source item with its path, and an unknown source asked for by name', async () => {
    // Prepare
    await putSource({ id: 'broken', type: 'pagerduty', secret: `${PREFIX}pagerduty`, schedules: {} });
    // Act
    const report = await run('broken');
    // Assess
    expect(report.problems).toEqual([{ id: 'broken', message: 'source "broken" is malformed: schedules: map at least one schedule' }]);
    await expect(run('nowhere')).rejects.toBeInstanceOf(UnknownSourceError);
    await testDocumentClient().send(new DeleteCommand({ TableName: table(), Key: { pk: SOURCES_PARTITION, sk: 'broken' } }));
  });
});

describe('training records from KnowBe4', () => {
  it('makes the demo training requirement pass once the LMS says Passed', async () => {
    // Prepare
    const email = 'kb4.hire@lumos.com';
    await putSource({ id: 'kb4', type: 'knowbe4', secret: `${PREFIX}knowbe4`, campaigns: { '3423': 'security-awareness' } });
    const before = await validate(webhookRequest(preApprovalBody({ email }), TOKEN));
    knowbe4.enrollments.push({
      enrollment_id: 1,
      campaign_id: 3423,
      store_purchase_id: 12,
      module_name: 'Security Awareness 2026',
      campaign_name: 'Annual training',
      status: 'Passed',
      completion_date: new Date(Date.now() - 2 * 24 * HOUR).toISOString(),
      user: { id: 1, first_name: 'Kay', last_name: 'Hire', email: 'KB4.Hire@Lumos.com' },
    });
    // Act
    const report = await run('kb4');
    const after = await validate(webhookRequest(preApprovalBody({ email }), TOKEN));
    // Assess
    expect(before.body).toMatchObject({ response: 'VALIDATION_FAILED' });
    expect(report.outcomes[0]).toMatchObject({ status: 'complete', returned: 1, written: 1 });
    expect(after.body).toMatchObject({ response: 'VALIDATION_PASSED' });
    const { Item } = await testDocumentClient().send(new GetCommand({ TableName: table(), Key: { pk: trainingPartition(email), sk: 'security-awareness' } }));
    expect(Item).toMatchObject({ email, source: 'kb4', course: 'security-awareness' });
    expect(await statusOf('kb4')).toMatchObject({ courses: ['security-awareness'], last_run_status: 'complete', last_run_written: 1 });
  });
});

describe('the deadline', () => {
  it('fails a source that has no time left as deadline_exceeded, writing nothing, and still records its status', async () => {
    // Prepare: all of the run's time is kept back for the status
    const documents = testDocumentClient();
    const hurried = new SyncService(
      {
        sources: new DynamoSourceStore(documents, table()),
        state: new DynamoSyncedStateStore(documents, table()),
        secrets: { read: async () => JSON.stringify({ api_key: PD_KEY, allowed_hosts: ['127.0.0.1'], base_url: pagerduty.origin }) },
        sourcePrefixes: { current: PREFIX },
      },
      { concurrency: 1, statusReserveMs: 10_000 },
    );
    await putSource({ id: 'pd-late', type: 'pagerduty', secret: `${PREFIX}pagerduty`, schedules: { PLATE01: 'late-oncall' } });
    pagerduty.oncalls.push(oncall('PLATE01', 'kim@lumos.com', -1, 5));
    // Act
    const report = await hurried.run(new Deadline(5_000), 'pd-late');
    // Assess
    expect(report.outcomes[0]).toMatchObject({ status: 'failed', failure: { reason: 'deadline_exceeded' }, written: 0 });
    expect(await shiftsOf('late-oncall')).toEqual([]);
    expect(await statusOf('pd-late')).toMatchObject({ last_failure_reason: 'deadline_exceeded', last_run_status: 'failed' });
  });
});

describe('overlapping runs', () => {
  it('keeps a shift a later run wrote again: a delete only removes an item exactly as its run read it', async () => {
    // Prepare
    const store = new DynamoSyncedStateStore(testDocumentClient(), table());
    const item = shiftItem('overlap-oncall', 'hank@lumos.com', new Date(), new Date(Date.now() + HOUR), {
      origin: { source: 'pd-overlap', syncedAt: new Date(Date.now() - 5 * 60_000) },
    });
    const seen = { ...item, source: 'pd-overlap', synced_at: String(item.synced_at) };
    await put({ ...item, synced_at: new Date().toISOString() });
    // Act
    const deleted = await store.deleteIfUnchanged(seen, new Deadline(5_000));
    // Assess
    expect(deleted).toBe(false);
    expect((await shiftsOf('overlap-oncall')).map((shift) => shift.sk)).toEqual([shiftSortKey('hank@lumos.com', item.starts_at)]);
  });

  it('keeps the later-started run status when an earlier-started run records after it', async () => {
    // Prepare
    const store = new DynamoSourceStore(testDocumentClient(), table());
    const counts = { returned: 0, written: 0, deleted: 0, kept: 0, skipped: {} };
    await store.recordRun({ id: 'ordered', startedAt: new Date(Date.now()), status: 'complete', counts }, new Deadline(5_000));
    // Act
    const recorded = await store.recordRun(
      { id: 'ordered', startedAt: new Date(Date.now() - 60_000), status: 'failed', failure: { reason: 'network', message: 'late' }, counts },
      new Deadline(5_000),
    );
    // Assess
    expect(recorded).toBe(false);
    expect(await statusOf('ordered')).toMatchObject({ last_run_status: 'complete' });
    expect((await statusOf('ordered'))?.last_failure).toBeUndefined();
  });
});

/** An ISO instant as iCalendar's UTC form: 20261129T120000Z. */
function compact(iso: string): string {
  return `${iso.slice(0, 19).replace(/[-:]/g, '')}Z`;
}
