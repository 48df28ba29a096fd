/**
 * lumos-state commands run directly against DynamoDB Local, without the program or a terminal:
 * `run` with its options and a clock returns the result, the exit code comes from it. Times are
 * a few days ahead (an ended shift may be taken by DynamoDB Local's TTL), the clock set among them.
 */
import { rmSync } from 'node:fs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TablesOptions } from '../../../src/cli/shared/open-tables';
import { importTrainingCommand } from '../../../src/cli/state/commands/import-training';
import { onCallCommand } from '../../../src/cli/state/commands/on-call';
import { trainingCommand } from '../../../src/cli/state/commands/training';
import { shiftItem } from '../../../src/store/shift-item';
import { trainingItem } from '../../../src/store/training-item';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { partitionItems, scratchFolder } from '../../support/state-cli';
import { testDocumentClient } from '../../support/tables';

const DAY = 86_400_000;
const START = Date.now() + 3 * DAY;
const day = (days: number) => new Date(START + days * DAY);
let deployment: TestDeployment;
let tables: TablesOptions;
const scratch = scratchFolder();
const clockAt = (now: Date) => ({ cwd: scratch.dir, now: () => now });

const put = (item: object) => testDocumentClient().send(new PutCommand({ TableName: deployment.tables.STATE_TABLE, Item: { ...item } }));

beforeAll(async () => {
  deployment = await testDeployment('state-command-runs-token-0123456789');
  tables = { endpoint: deployment.endpoint, stateTable: deployment.tables.STATE_TABLE };
});

afterAll(() => rmSync(scratch.dir, { recursive: true, force: true }));

describe('training, run directly', () => {
  it('judges a record expired by the clock it is given, and exits 1 for a person with no record', async () => {
    // Prepare
    await put(trainingItem('ada@lumos.com', 'security-awareness', day(-30), { expiresAt: day(1) }));
    // Act
    const before = await trainingCommand.run({ email: 'ada@lumos.com', tables }, clockAt(day(0)));
    const after = await trainingCommand.run({ email: 'ada@lumos.com', tables }, clockAt(day(2)));
    const nobody = await trainingCommand.run({ email: 'nobody@lumos.com', tables }, clockAt(day(0)));
    // Assess
    expect(before.records).toEqual([expect.objectContaining({ course: 'security-awareness', expired: false })]);
    expect(after.records).toEqual([expect.objectContaining({ course: 'security-awareness', expired: true })]);
    expect(trainingCommand.exitCode(before)).toBe(0);
    expect(trainingCommand.exitCode(nobody)).toBe(1);
  });
});

describe('on-call, run directly', () => {
  it('finds who is on call at the clock it is given unless --at says otherwise, and exits 1 when nobody is', async () => {
    // Prepare
    await put(shiftItem('runs-oncall', 'grace@lumos.com', day(0), day(1)));
    // Act
    const during = await onCallCommand.run({ schedule: 'runs-oncall', tables }, clockAt(day(0.5)));
    const asked = await onCallCommand.run({ schedule: 'runs-oncall', at: day(2), tables }, clockAt(day(0.5)));
    // Assess
    expect(during.at).toEqual(day(0.5));
    expect(during.people).toEqual([expect.objectContaining({ email: 'grace@lumos.com', on_call: true })]);
    expect(onCallCommand.exitCode(during)).toBe(0);
    expect(asked.people).toEqual([]);
    expect(onCallCommand.exitCode(asked)).toBe(1);
  });
});

describe('import-training, run directly', () => {
  it('in a dry run returns what it would write and what it rejects, exit 1, and writes nothing', async () => {
    // Prepare
    const file = scratch.write('runs.csv', `email,completed_at\nlin@lumos.com,${day(-1).toISOString()}\nnot-an-email,${day(-1).toISOString()}\n`);
    // Act
    const outcome = await importTrainingCommand.run({ file, name: 'privacy', dryRun: true, by: 'admin@lumos.com', tables }, clockAt(day(0)));
    // Assess
    expect(outcome.written).toEqual([{ line: 2, email: 'lin@lumos.com', completed_at: day(-1).toISOString(), expires_at: null }]);
    expect(outcome.rejected).toEqual([expect.objectContaining({ line: 3, value: 'not-an-email' })]);
    expect(importTrainingCommand.exitCode(outcome)).toBe(1);
    expect(await partitionItems(deployment.tables.STATE_TABLE, 'training#lin@lumos.com')).toEqual([]);
  });
});
