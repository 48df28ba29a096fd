/** On-call and training reads against DynamoDB Local, with the item shapes admins and sync jobs write. */
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Deadline } from '../../../src/kernel/deadline';
import { logger } from '../../../src/kernel/logger';
import { isOnCall } from '../../../src/rules/evaluation';
import { shiftItem } from '../../../src/store/shift-item';
import { DynamoStateSource } from '../../../src/store/state-source';
import { trainingItem } from '../../../src/store/training-item';
import { createTestTables, type TableNames, testDocumentClient } from '../../support/tables';

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
    const past = Array.from({ length: 150 }, (_, index) =>
      shiftItem('busy', 'sre@lumos.com', new Date(NOW.getTime() - (index + 2) * 24 * HOUR), new Date(NOW.getTime() - (index + 2) * 24 * HOUR + 8 * HOUR)),
    );
    const current = shiftItem('busy', 'sre@lumos.com', new Date(NOW.getTime() - HOUR), new Date(NOW.getTime() + 7 * HOUR));
    const future = Array.from({ length: 20 }, (_, index) =>
      shiftItem('busy', 'sre@lumos.com', new Date(NOW.getTime() + (index + 1) * 24 * HOUR), new Date(NOW.getTime() + (index + 1) * 24 * HOUR + 8 * HOUR)),
    );
    await putAll([...past, current, ...future]);
    // Act
    const shifts = await source.shifts([{ schedule: 'busy', email: 'sre@lumos.com' }], NOW, new Deadline(5_000));
    // Assess
    expect(isOnCall(shifts, 'busy', 'sre@lumos.com', NOW)).toMatchObject({ starts_at: current.starts_at, ends_at: current.ends_at });
    expect(shifts.length).toBeLessThanOrEqual(25);
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
      trainingItem('learner@lumos.com', 'security-awareness', new Date('2026-10-01T00:00:00Z'), {
        courseName: 'Security Awareness',
        expiresAt: new Date('2027-10-01T00:00:00Z'),
      }),
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

describe('state items that are slightly off', () => {
  function captureWarnings(): string[] {
    logger.setLogLevel('WARN');
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    return lines;
  }

  afterEach(() => {
    vi.restoreAllMocks();
    logger.setLogLevel('SILENT');
  });

  it('reads start and end times written with an offset, keys included, as the same instants', async () => {
    // 12:30+01:00 is 11:30Z: started half an hour before NOW; its key sorts after NOW's UTC text.
    await putAll([
      { pk: 'oncall#offset', sk: 'sre@lumos.com#2026-11-23T12:30:00+01:00', starts_at: '2026-11-23T12:30:00+01:00', ends_at: '2026-11-23T20:30+0100' },
    ]);
    const shifts = await source.shifts([{ schedule: 'offset', email: 'sre@lumos.com' }], NOW, new Deadline(5_000));
    expect(isOnCall(shifts, 'offset', 'sre@lumos.com', NOW)).toEqual({
      schedule: 'offset',
      email: 'sre@lumos.com',
      starts_at: '2026-11-23T11:30:00.000Z',
      ends_at: '2026-11-23T19:30:00.000Z',
    });
  });

  it('leaves out an item with a number where a time belongs, and says so once per item', async () => {
    await putAll(
      [shiftItem('numbers', 'sre@lumos.com', new Date(NOW.getTime() - HOUR), new Date(NOW.getTime() + HOUR))].map((item) => ({
        ...item,
        ends_at: 1_795_000_000,
      })),
    );
    const lines = captureWarnings();
    const lookups = [{ schedule: 'numbers', email: 'sre@lumos.com' }];
    expect(await source.shifts(lookups, NOW, new Deadline(5_000))).toEqual([]);
    await source.shifts(lookups, NOW, new Deadline(5_000));
    const warnings = lines.filter((line) => line.includes('state item ignored'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] ?? '{}')).toMatchObject({ pk: 'oncall#numbers', problem: 'ends_at is not an ISO-8601 instant' });
  });

  it('does not count a shift whose email attribute is a look-alike of the person asked about', async () => {
    const item = shiftItem('lookalike', 'peterparker@lumos.com', new Date(NOW.getTime() - HOUR), new Date(NOW.getTime() + HOUR));
    await putAll([{ ...item, email: 'peterpar\u212Aer@lumos.com' }]);
    expect(await source.shifts([{ schedule: 'lookalike', email: 'peterparker@lumos.com' }], NOW, new Deadline(5_000))).toEqual([]);
  });

  it('keys items by the ASCII-folded email only', () => {
    expect(shiftItem('s', ' PeterPar\u212Aer@Lumos.com', NOW, NOW).sk).toBe(`peterpar\u212Aer@lumos.com#${NOW.toISOString()}`);
    expect(trainingItem('Peter@Lumos.COM', 'gdpr', NOW).pk).toBe('training#peter@lumos.com');
  });

  it('normalises training times written with an offset and refuses ones without a zone', async () => {
    await putAll([
      { pk: 'training#offset@lumos.com', sk: 'gdpr', email: 'Offset@Lumos.com', completed_at: '2026-09-01T02:00:00+02:00', expires_at: '2027-09-01T00:00:00Z' },
      { pk: 'training#offset@lumos.com', sk: 'local-time', completed_at: '2026-09-01T02:00:00' },
    ]);
    expect(await source.trainings(['offset@lumos.com'], new Deadline(5_000))).toEqual([
      { email: 'offset@lumos.com', course: 'gdpr', completed_at: '2026-09-01T00:00:00.000Z', expires_at: '2027-09-01T00:00:00.000Z' },
    ]);
  });
});
