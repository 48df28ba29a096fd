/** On-call and training reads against DynamoDB Local, with the item shapes admins and sync jobs write. */
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { isOnCall } from '../../src/rules/evaluate';
import { Deadline } from '../../src/runtime/deadline';
import { shiftItem } from '../../src/store/shift-item';
import { DynamoStateSource } from '../../src/store/state-source';
import { trainingItem } from '../../src/store/training-item';
import { createTestTables, testDocumentClient, type TableNames } from '../support/tables';

const HOUR = 3_600_000;
const NOW = new Date('2026-11-23T12:00:00.000Z');
let tables: TableNames;
let source: DynamoStateSource;

beforeAll(async () => {
  ({ tables } = await createTestTables());
  source = new DynamoStateSource(testDocumentClient(), tables.STATE_TABLE);
});

async function putAll(items: ReadonlyArray<object>) {
  for (let start = 0; start < items.length; start += 25) {
    const batch = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
    await testDocumentClient().send(new BatchWriteCommand({ RequestItems: { [tables.STATE_TABLE]: batch } }));
  }
}

describe('on-call shifts', () => {
  it('finds the current shift behind 150 past ones that TTL has not removed yet, and ignores future ones', async () => {
    // Prepare
    const past = Array.from({ length: 150 }, (_, index) => shiftItem('busy', 'sre@lumos.com', new Date(NOW.getTime() - (index + 2) * 24 * HOUR), new Date(NOW.getTime() - (index + 2) * 24 * HOUR + 8 * HOUR)));
    const current = shiftItem('busy', 'sre@lumos.com', new Date(NOW.getTime() - HOUR), new Date(NOW.getTime() + 7 * HOUR));
    const future = Array.from({ length: 20 }, (_, index) => shiftItem('busy', 'sre@lumos.com', new Date(NOW.getTime() + (index + 1) * 24 * HOUR), new Date(NOW.getTime() + (index + 1) * 24 * HOUR + 8 * HOUR)));
    await putAll([...past, current, ...future]);
    // Act
    const shifts = await source.shifts([{ schedule: 'busy', email: 'sre@lumos.com' }], NOW, new Deadline(5_000));
    // Assess
    expect(isOnCall(shifts, 'busy', 'sre@lumos.com', NOW)).toMatchObject({ starts_at: current.starts_at, ends_at: current.ends_at });
    expect(shifts.length).toBeLessThanOrEqual(10);
  });

  it('never mistakes another person whose email starts the same way', async () => {
    await putAll([shiftItem('prefix', 'a@x.com.au', new Date(NOW.getTime() - HOUR), new Date(NOW.getTime() + HOUR))]);
    const shifts = await source.shifts([{ schedule: 'prefix', email: 'a@x.com' }], NOW, new Deadline(5_000));
    expect(shifts).toEqual([]);
  });
});

describe('training records', () => {
  it('reads every course of the person and nobody else', async () => {
    await putAll([
      trainingItem('learner@lumos.com', 'security-awareness', new Date('2026-10-01T00:00:00Z'), { courseName: 'Security Awareness', expiresAt: new Date('2027-10-01T00:00:00Z') }),
      trainingItem('learner@lumos.com', 'gdpr', new Date('2026-09-01T00:00:00Z')),
      trainingItem('other@lumos.com', 'gdpr', new Date('2026-09-01T00:00:00Z')),
    ]);
    const records = await source.trainings(['learner@lumos.com'], new Deadline(5_000));
    expect(records.sort((a, b) => a.course.localeCompare(b.course))).toEqual([
      { email: 'learner@lumos.com', course: 'gdpr', completed_at: '2026-09-01T00:00:00.000Z', expires_at: null },
      { email: 'learner@lumos.com', course: 'security-awareness', completed_at: '2026-10-01T00:00:00.000Z', expires_at: '2027-10-01T00:00:00.000Z' },
    ]);
  });

  it('skips an item without completed_at rather than counting it', async () => {
    await testDocumentClient().send(new PutCommand({ TableName: tables.STATE_TABLE, Item: { pk: 'training#half@lumos.com', sk: 'gdpr' } }));
    expect(await source.trainings(['half@lumos.com'], new Deadline(5_000))).toEqual([]);
  });
});
