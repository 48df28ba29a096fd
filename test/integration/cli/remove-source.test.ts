/**
 * `lumos-state remove-source` against DynamoDB Local: a source gone for good, with its source
 * item, its status and every item it synced (shifts found per schedule it covered, training
 * records by a scan), never another origin's; `--dry-run` counting the same and removing nothing;
 * an item written by another origin after it was read left in place.
 */
import { rmSync } from 'node:fs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/kernel/deadline';
import { type ShiftItem, shiftItem } from '../../../src/store/shift-item';
import { DynamoSourceStore, SOURCE_STATUS_PARTITION, SOURCES_PARTITION } from '../../../src/store/source-store';
import { type TrainingItem, trainingItem } from '../../../src/store/training-item';
import { type DynamoProxy, startDynamoProxy } from '../../support/dynamo-proxy';
import { lumosState, partitionItems, scratchFolder } from '../../support/state-cli';
import { createTestTables, testDocumentClient } from '../../support/tables';

const HOUR = 3_600_000;
const NOW = Date.now();
const at = (offsetHours: number) => new Date(NOW + offsetHours * HOUR);
let table: string;
let local: string[];
let proxy: DynamoProxy;
const scratch = scratchFolder();

const put = (item: ShiftItem | TrainingItem | Record<string, unknown>) => testDocumentClient().send(new PutCommand({ TableName: table, Item: { ...item } }));
const synced = (source: string) => ({ origin: { source, syncedAt: at(0) } });
const shift = (schedule: string, email: string, source?: string) => shiftItem(schedule, email, at(-1), at(8), source === undefined ? {} : synced(source));
const sks = async (pk: string) => (await partitionItems(table, pk)).map((item) => item.sk).sort();
const removeSource = (id: string, ...more: string[]) => lumosState(['remove-source', id, '--by', 'admin@lumos.com', ...more, ...local], scratch.dir);

beforeAll(async () => {
  const { endpoint, tables } = await createTestTables();
  table = tables.STATE_TABLE;
  local = ['--endpoint', endpoint, '--state-table', table];
  proxy = await startDynamoProxy(endpoint);
});

afterEach(() => proxy.reset());

afterAll(async () => {
  await proxy.close();
  rmSync(scratch.dir, { recursive: true, force: true });
});

describe('lumos-state remove-source', () => {
  it("16.2 removes a shift source's item, its status and its shifts in each schedule it covered, never another origin's; --dry-run counts the same and removes nothing", async () => {
    // Prepare
    await put({ pk: SOURCES_PARTITION, sk: 'pd', type: 'pagerduty', secret: 'lumos-sources/pd', schedules: { P1: 'rota-a', P2: 'rota-b' } });
    await put({ pk: SOURCE_STATUS_PARTITION, sk: 'pd', schedules: ['rota-a', 'rota-b'], last_success: at(-1).toISOString() });
    await put({ pk: SOURCES_PARTITION, sk: 'pd-other', type: 'ics', secret: 'lumos-sources/ics', schedule: 'rota-c' });
    for (const item of [
      shift('rota-a', 'peter@lumos.com', 'pd'),
      shift('rota-a', 'mary@lumos.com', 'pd'),
      shift('rota-a', 'bruce@lumos.com'),
      shift('rota-a', 'tony@lumos.com', 'pd-other'),
      shift('rota-b', 'clark@lumos.com', 'pd'),
    ])
      await put(item);
    const before = await Promise.all(['oncall#rota-a', 'oncall#rota-b', SOURCES_PARTITION, SOURCE_STATUS_PARTITION].map(sks));
    // Act
    const dry = await removeSource('pd', '--dry-run', '--json');
    const afterDry = await Promise.all(['oncall#rota-a', 'oncall#rota-b', SOURCES_PARTITION, SOURCE_STATUS_PARTITION].map(sks));
    const run = await removeSource('pd');
    // Assess
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.out)).toMatchObject({
      source: 'pd',
      dry_run: true,
      searched: { schedules: ['rota-a', 'rota-b'] },
      removed: { source_item: true, status: true, shifts: 3, training_records: 0 },
      shifts_by_schedule: { 'rota-a': 2, 'rota-b': 1 },
    });
    expect(afterDry).toEqual(before);
    expect(run.code).toBe(0);
    expect(run.out).toBe(
      [
        'Looked in the 2 schedules it covered: rota-a, rota-b.',
        '  rota-a: 2 synced shifts',
        '  rota-b: 1 synced shift',
        `Removed source pd from ${table} (by admin@lumos.com): its source item, its status, 3 synced shifts and 0 synced training records.`,
        '',
      ].join('\n'),
    );
    expect(await sks('oncall#rota-a')).toEqual([shift('rota-a', 'bruce@lumos.com').sk, shift('rota-a', 'tony@lumos.com').sk]);
    expect(await sks('oncall#rota-b')).toEqual([]);
    expect(await sks(SOURCES_PARTITION)).toEqual(['pd-other']);
    expect(await partitionItems(table, SOURCE_STATUS_PARTITION)).toEqual([
      { pk: SOURCE_STATUS_PARTITION, sk: 'pd', present: false, removed_at: expect.stringMatching(/Z$/), removed_by: 'admin@lumos.com' },
    ]);
    // Run again: nothing of it is left
    expect((await removeSource('pd')).code).toBe(1);
  });

  it('16.2 with --scan also finds its shifts in a schedule it no longer covers', async () => {
    // Prepare: the source once synced rota-old, and now maps only rota-new
    await put({ pk: SOURCES_PARTITION, sk: 'pd-moved', type: 'pagerduty', secret: 'lumos-sources/pd', schedules: { P7: 'rota-new' } });
    await put({ pk: SOURCE_STATUS_PARTITION, sk: 'pd-moved', schedules: ['rota-new'] });
    await put(shift('rota-old', 'left@lumos.com', 'pd-moved'));
    await put(shift('rota-new', 'now@lumos.com', 'pd-moved'));
    // Act
    const plain = await removeSource('pd-moved', '--dry-run', '--json');
    const scanned = await removeSource('pd-moved', '--scan', '--json');
    // Assess
    expect(JSON.parse(plain.out)).toMatchObject({ searched: { schedules: ['rota-new'] }, removed: { shifts: 1 } });
    expect(JSON.parse(scanned.out)).toMatchObject({ searched: { scan: true }, removed: { shifts: 2 } });
    expect(await sks('oncall#rota-old')).toEqual([]);
  });

  it('16.2 a sync run that started before the removal cannot bring the source back; a run after the source is added again can', async () => {
    // Prepare: a run reads the source, then the admin removes it, then the run records its status
    await put({ pk: SOURCES_PARTITION, sk: 'pd-race', type: 'pagerduty', secret: 'lumos-sources/pd', schedules: { P9: 'rota-race' } });
    await put({ pk: SOURCE_STATUS_PARTITION, sk: 'pd-race', schedules: ['rota-race'], last_success: at(-1).toISOString() });
    const store = new DynamoSourceStore(testDocumentClient(), table);
    const counts = { returned: 1, written: 1, deleted: 0, kept: 0, skipped: {} };
    const record = (startedAt: Date) =>
      store.recordRun({ id: 'pd-race', startedAt, status: 'complete', covers: { schedules: ['rota-race'] }, counts }, new Deadline(5_000));
    const runStarted = new Date();
    // Act
    const removed = await removeSource('pd-race');
    const late = await record(runStarted);
    const statusAfterLate = (await partitionItems(table, SOURCE_STATUS_PARTITION)).find((item) => item.sk === 'pd-race');
    const later = await record(new Date(Date.now() + 1_000));
    // Assess
    expect(removed.code).toBe(0);
    expect(late).toBe(false);
    expect(statusAfterLate).toMatchObject({ present: false });
    expect(statusAfterLate?.last_run_started).toBeUndefined();
    expect(later).toBe(true);
    const readded = (await partitionItems(table, SOURCE_STATUS_PARTITION)).find((item) => item.sk === 'pd-race');
    expect(readded).toMatchObject({ present: true, schedules: ['rota-race'] });
    expect(readded?.removed_at).toBeUndefined();
    // Removed again later: found as a live source, with its status
    await put({ pk: SOURCES_PARTITION, sk: 'pd-race', type: 'pagerduty', secret: 'lumos-sources/pd', schedules: { P9: 'rota-race' } });
    expect(JSON.parse((await removeSource('pd-race', '--json')).out)).toMatchObject({ removed: { source_item: true, status: true } });
  });

  it('16.2 leaves no removal mark behind for an id that was never a source', async () => {
    // Act
    const run = await removeSource('no-such-source');
    // Assess
    expect(run.code).toBe(1);
    expect((await partitionItems(table, SOURCE_STATUS_PARTITION)).map((item) => item.sk)).not.toContain('no-such-source');
  });

  it("16.2 finds a training source's records, kept per person, by a scan and removes only its own", async () => {
    // Prepare
    await put({ pk: SOURCES_PARTITION, sk: 'kb4', type: 'knowbe4', secret: 'lumos-sources/kb4', campaigns: { '1': 'security' } });
    await put({ pk: SOURCE_STATUS_PARTITION, sk: 'kb4', courses: ['security', 'privacy'] });
    for (const item of [
      trainingItem('gus@lumos.com', 'security', at(-48), synced('kb4')),
      trainingItem('lalo@lumos.com', 'privacy', at(-48), synced('kb4')),
      trainingItem('lalo@lumos.com', 'security', at(-48)),
      trainingItem('kim@lumos.com', 'security', at(-48), synced('kb4-eu')),
    ])
      await put(item);
    // Act
    const run = await removeSource('kb4', '--json');
    // Assess
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({
      searched: { scan: true },
      removed: { source_item: true, status: true, shifts: 0, training_records: 2 },
      changed_meanwhile: 0,
    });
    expect(await sks('training#gus@lumos.com')).toEqual([]);
    expect(await sks('training#lalo@lumos.com')).toEqual(['security']);
    expect(await sks('training#kim@lumos.com')).toEqual(['security']);
    // In words, with what a run under way may still write (training records do not go through the source's status)
    await put(trainingItem('gus@lumos.com', 'security', at(-1), synced('kb4')));
    expect((await removeSource('kb4')).out).toContain(
      'A sync run already under way may still write a training record of kb4: run remove-source kb4 --scan again',
    );
  });

  it('16.2 scans for what a source left when neither its item nor its status is there any more; an id with nothing at all exits 1', async () => {
    // Prepare
    await put(shift('rota-d', 'peter@lumos.com', 'gone'));
    await put(trainingItem('peter@lumos.com', 'privacy', at(-48), synced('gone')));
    // Act
    const gone = await removeSource('gone');
    const typo = await removeSource('gnoe');
    // Assess
    expect(gone.code).toBe(0);
    expect(gone.out).toContain('Scanned the whole state table for its items (training records are kept per person).');
    expect(gone.out).toContain(
      `Removed source gone from ${table} (by admin@lumos.com): no source item, no status, 1 synced shift and 1 synced training record.`,
    );
    expect(await sks('oncall#rota-d')).toEqual([]);
    expect(typo.code).toBe(1);
    expect(typo.out).toBe(`No source gnoe in ${table}: no source item, no status, no item it synced. Nothing removed.\n`);
  });

  it('16.2 leaves an item another origin wrote under the key after it was read, and says so', async () => {
    // Prepare: an admin imports Peter's shift under the key of the source's between the read and the delete
    await put({ pk: SOURCE_STATUS_PARTITION, sk: 'ics-old', schedules: ['rota-e'] });
    const ofSource = shift('rota-e', 'peter@lumos.com', 'ics-old');
    const handWritten = shift('rota-e', 'peter@lumos.com');
    await put(ofSource);
    const importer = proxy.before({
      when: (operation, body) => operation === 'DeleteItem' && body.includes(ofSource.sk),
      run: async () => void (await put(handWritten)),
    });
    // Act
    const run = await lumosState(['remove-source', 'ics-old', '--by', 'admin@lumos.com', '--endpoint', proxy.endpoint, '--state-table', table], scratch.dir);
    // Assess
    expect(importer.ran()).toBe(true);
    expect(await partitionItems(table, 'oncall#rota-e')).toEqual([handWritten]);
    expect(run.code).toBe(0);
    expect(run.out).toContain('no source item, its status, 0 synced shifts and 0 synced training records.');
    expect(run.out).toContain('Left 1 item: written by another origin since it was read (no longer of source ics-old).');
  });
});
