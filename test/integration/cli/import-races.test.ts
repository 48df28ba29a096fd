/**
 * The imports against a sync (or another import) writing at the same time, made deterministic by
 * a proxy in front of DynamoDB Local that runs the other writer at one exact point: after the
 * import has read, before its write goes on. A synced item written there survives as the
 * source's and the import says it kept it; a shift written again there is not removed or cut.
 */
import { rmSync } from 'node:fs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ShiftItem, shiftItem } from '../../../src/store/shift-item';
import { type TrainingItem, trainingItem } from '../../../src/store/training-item';
import { type DynamoProxy, startDynamoProxy } from '../../support/dynamo-proxy';
import { lumosState, partitionItems, scratchFolder } from '../../support/state-cli';
import { createTestTables, testDocumentClient } from '../../support/tables';

const HOUR = 3_600_000;
const NOW = Date.now();
const at = (offsetHours: number) => new Date(NOW + offsetHours * HOUR);
const iso = (offsetHours: number) => at(offsetHours).toISOString();
let table: string;
let proxy: DynamoProxy;
let viaProxy: string[];
const scratch = scratchFolder();

const partition = (pk: string) => partitionItems(table, pk);
const put = (item: ShiftItem | TrainingItem) => testDocumentClient().send(new PutCommand({ TableName: table, Item: { ...item } }));
/** The import's write of this key: a put (or a batch write) naming it. */
const writeOf = (key: string) => (operation: string, body: string) => ['PutItem', 'BatchWriteItem'].includes(operation) && body.includes(key);

beforeAll(async () => {
  const { endpoint, tables } = await createTestTables();
  table = tables.STATE_TABLE;
  proxy = await startDynamoProxy(endpoint);
  viaProxy = ['--endpoint', proxy.endpoint, '--state-table', table];
});

afterEach(() => proxy.reset());

afterAll(async () => {
  await proxy.close();
  rmSync(scratch.dir, { recursive: true, force: true });
});

describe('lumos-state import-shifts racing a sync', () => {
  it('16.10 a shift a sync writes between the check and the write stays the source’s, and the import lists it as kept', async () => {
    // Prepare: the rota lists Peter and Mary; a sync writes Peter's shift just before the import's write of it
    const schedule = 'rota-race';
    const synced = shiftItem(schedule, 'peter@lumos.com', at(1), at(9), { origin: { source: 'pd', syncedAt: at(0) } });
    const sync = proxy.before({ when: writeOf(synced.sk), run: async () => void (await put(synced)) });
    const file = scratch.write('race.csv', `email,starts_at,ends_at\npeter@lumos.com,${iso(1)},${iso(12)}\nmary@lumos.com,${iso(1)},${iso(9)}\n`);
    // Act
    const run = await lumosState(['import-shifts', file, '--schedule', schedule, '--by', 'a@lumos.com', '--json', ...viaProxy], scratch.dir);
    // Assess
    expect(sync.ran()).toBe(true);
    const items = await partition(`oncall#${schedule}`);
    expect(items.find((item) => item.email === 'peter@lumos.com')).toEqual(synced);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.out);
    expect(report.written.map((shift: { email: string }) => shift.email)).toEqual(['mary@lumos.com']);
    expect(report.kept).toEqual([{ line: 2, email: 'peter@lumos.com', starts_at: iso(1), ends_at: iso(12), source: 'pd' }]);
    expect(items.find((item) => item.email === 'mary@lumos.com')).toMatchObject({ imported_by: 'a@lumos.com' });
  });

  it('16.10 says so in the summary too', async () => {
    // Prepare
    const schedule = 'rota-race-summary';
    const synced = shiftItem(schedule, 'peter@lumos.com', at(1), at(9), { origin: { source: 'pd', syncedAt: at(0) } });
    const sync = proxy.before({ when: writeOf(synced.sk), run: async () => void (await put(synced)) });
    const file = scratch.write('race-summary.csv', `email,starts_at,ends_at\npeter@lumos.com,${iso(1)},${iso(12)}\n`);
    // Act
    const run = await lumosState(['import-shifts', file, '--schedule', schedule, '--by', 'a@lumos.com', ...viaProxy], scratch.dir);
    // Assess
    expect(sync.ran()).toBe(true);
    expect(run.code).toBe(0);
    expect(run.out).toContain(`Wrote 0 shifts of ${schedule}`);
    expect(run.out).toContain(`  peter@lumos.com  ${iso(1)} → ${iso(12)}  (source pd)\n`);
    expect(run.out).toContain('Kept 1 synced shift a source wrote under the same key meanwhile (not written: the sync keeps it current).');
    expect(await partition(`oncall#${schedule}`)).toEqual([synced]);
  });

  it('16.10 --replace neither removes nor cuts a shift written again after it was read, and lists it', async () => {
    // Prepare: Bruce's shift (inside the range) is extended by another import, Peter's (under way) taken over by a sync, each just before --replace acts on it
    const schedule = 'rota-race-replace';
    const bruce = shiftItem(schedule, 'bruce@lumos.com', at(5), at(15), { imported: { by: 'old@lumos.com', at: at(-1) } });
    const peter = shiftItem(schedule, 'peter@lumos.com', at(-10), at(30), { imported: { by: 'old@lumos.com', at: at(-1) } });
    await put(bruce);
    await put(peter);
    const bruceAgain = { ...bruce, ends_at: iso(20), ttl: Math.floor(at(20).getTime() / 1000) };
    const peterSynced = shiftItem(schedule, 'peter@lumos.com', at(-10), at(30), { origin: { source: 'pd', syncedAt: at(0) } });
    const actsOn = (key: string) => (operation: string, body: string) => ['DeleteItem', 'UpdateItem'].includes(operation) && body.includes(key);
    const otherImport = proxy.before({ when: actsOn(bruce.sk), run: async () => void (await put(bruceAgain)) });
    const sync = proxy.before({ when: actsOn(peter.sk), run: async () => void (await put(peterSynced)) });
    const file = scratch.write('race-replace.csv', `email,starts_at,ends_at\nwanda@lumos.com,${iso(1)},${iso(48)}\n`);
    // Act
    const run = await lumosState(['import-shifts', file, '--schedule', schedule, '--replace', '--by', 'a@lumos.com', '--json', ...viaProxy], scratch.dir);
    // Assess
    const items = await partition(`oncall#${schedule}`);
    expect(otherImport.ran()).toBe(true);
    expect(items.find((item) => item.email === 'bruce@lumos.com')).toEqual(bruceAgain);
    expect(sync.ran()).toBe(true);
    expect(items.find((item) => item.email === 'peter@lumos.com')).toEqual(peterSynced);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out).replace).toMatchObject({
      cut: [],
      removed: [],
      changed: [
        { email: 'peter@lumos.com', starts_at: iso(-10), ends_at: iso(30) },
        { email: 'bruce@lumos.com', starts_at: iso(5), ends_at: iso(15) },
      ],
    });
  });
});

describe('lumos-state import-training racing a sync', () => {
  it('16.10 a record a sync writes between the check and the write stays the source’s, and the import lists it as kept', async () => {
    // Prepare
    const synced = trainingItem('gus@lumos.com', 'security', at(-48), { origin: { source: 'kb4', syncedAt: at(0) } });
    const sync = proxy.before({ when: writeOf(synced.pk), run: async () => void (await put(synced)) });
    const file = scratch.write('race-training.csv', `email,completed_at\ngus@lumos.com,${iso(-1)}\nlalo@lumos.com,${iso(-1)}\n`);
    // Act
    const run = await lumosState(['import-training', file, '--course', 'security', '--by', 'a@lumos.com', ...viaProxy], scratch.dir);
    // Assess
    expect(sync.ran()).toBe(true);
    expect(await partition('training#gus@lumos.com')).toEqual([synced]);
    expect(run.code).toBe(0);
    expect(run.out).toContain('Wrote 1 training record of security');
    expect(run.out).toContain('  gus@lumos.com  (source kb4)\n');
    expect(run.out).toContain('Kept 1 synced record a source wrote under the same key meanwhile');
    expect(await partition('training#lalo@lumos.com')).toEqual([expect.objectContaining({ imported_by: 'a@lumos.com' })]);
  });
});
