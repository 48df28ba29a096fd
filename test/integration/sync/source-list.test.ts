/** Reading the sources on DynamoDB Local: each parsed, each schedule or course name owned by one source. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/kernel/deadline';
import { DynamoSourceStore, SOURCES_PARTITION } from '../../../src/store/source-store';
import { readSources } from '../../../src/sync/source-list';
import { createTestTables, testDocumentClient } from '../../support/tables';

const PREFIX = 'lumos-sources/';
let table: string;
let store: DynamoSourceStore;

beforeEach(async () => {
  table = (await createTestTables()).tables.STATE_TABLE;
  store = new DynamoSourceStore(testDocumentClient(), table);
});

const putSource = (item: Record<string, unknown>) =>
  testDocumentClient().send(new PutCommand({ TableName: table, Item: { pk: SOURCES_PARTITION, sk: item.id, ...item } }));
const read = () => readSources(store, { current: PREFIX }, new Deadline(5_000));
const counts = { returned: 0, written: 0, deleted: 0, kept: 0, skipped: {} };

describe('readSources', () => {
  it('gives a name claimed by two new sources to the lower id, refusing the other whole', async () => {
    // Prepare
    await putSource({ id: 'b-pd', type: 'pagerduty', secret: `${PREFIX}pd`, schedules: { P1: 'shared', P2: 'own' } });
    await putSource({ id: 'a-ics', type: 'ics', secret: `${PREFIX}ics`, schedule: 'shared' });
    // Act
    const list = await read();
    // Assess
    expect(list.sources.map((source) => source.id)).toEqual(['a-ics']);
    expect(list.problems).toEqual([
      { id: 'b-pd', message: 'source "b-pd" is refused: schedule "shared" is already synced by source "a-ics" (a schedule name maps to one source only)' },
    ]);
  });

  it('keeps a name with the source whose status already covers it, whatever the ids', async () => {
    // Prepare
    await putSource({ id: 'z-pd', type: 'pagerduty', secret: `${PREFIX}pd`, schedules: { P1: 'shared' } });
    await store.recordRun({ id: 'z-pd', startedAt: new Date(), status: 'complete', covers: { schedules: ['shared'] }, counts }, new Deadline(5_000));
    await putSource({ id: 'a-ics', type: 'ics', secret: `${PREFIX}ics`, schedule: 'shared' });
    // Act
    const list = await read();
    // Assess
    expect(list.sources.map((source) => source.id)).toEqual(['z-pd']);
    expect(list.problems.map((problem) => problem.id)).toEqual(['a-ics']);
  });

  it('keeps schedule and course names apart, and refuses a course claimed twice', async () => {
    // Prepare
    await putSource({ id: 'pd', type: 'pagerduty', secret: `${PREFIX}pd`, schedules: { P1: 'security' } });
    await putSource({ id: 'kb4-a', type: 'knowbe4', secret: `${PREFIX}kb4`, campaigns: { '1': 'security' } });
    await putSource({ id: 'kb4-b', type: 'knowbe4', secret: `${PREFIX}kb4`, modules: { '2': 'security' } });
    // Act
    const list = await read();
    // Assess
    expect(list.sources.map((source) => source.id)).toEqual(['kb4-a', 'pd']);
    expect(list.problems).toEqual([
      { id: 'kb4-b', message: 'source "kb4-b" is refused: course "security" is already synced by source "kb4-a" (a course name maps to one source only)' },
    ]);
  });

  it('reports a malformed item, a secret outside the prefix and an id that is not its key, each as its own problem', async () => {
    // Prepare
    await putSource({ id: 'ok', type: 'ics', secret: `${PREFIX}ics`, schedule: 'fine' });
    await putSource({ id: 'typo', type: 'pagerdutty', secret: `${PREFIX}pd`, schedules: { P1: 'x' } });
    await putSource({ id: 'elsewhere', type: 'ics', secret: 'prod/database', schedule: 'y' });
    await testDocumentClient().send(
      new PutCommand({ TableName: table, Item: { pk: SOURCES_PARTITION, sk: 'keyed', id: 'other', type: 'ics', secret: `${PREFIX}ics`, schedule: 'z' } }),
    );
    // Act
    const list = await read();
    // Assess
    expect(list.sources.map((source) => source.id)).toEqual(['ok']);
    expect(list.problems).toEqual([
      { id: 'elsewhere', message: 'source "elsewhere" is malformed: secret: must start with the source secret prefix lumos-sources/' },
      { id: 'keyed', message: `source "keyed" is malformed: id: must be the item's sort key` },
      { id: 'typo', message: 'source "typo" is malformed: type: must be one of pagerduty, incidentio, ics, knowbe4' },
    ]);
  });
});
