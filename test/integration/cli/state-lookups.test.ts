/**
 * `lumos-state on-call` and `training` against DynamoDB Local: what the functions would see, read
 * as they read it, with the schedule's source and its staleness judged as the rules judge it.
 */
import { rmSync } from 'node:fs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/kernel/deadline';
import { type ShiftItem, shiftItem } from '../../../src/store/shift-item';
import { DynamoSourceStore } from '../../../src/store/source-store';
import { type TrainingItem, trainingItem } from '../../../src/store/training-item';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { lumosState, scratchFolder } from '../../support/state-cli';
import { testDocumentClient } from '../../support/tables';

const MINUTE = 60_000;
const at = (minutes: number) => new Date(Date.now() + minutes * MINUTE);
let deployment: TestDeployment;
let local: string[];
const scratch = scratchFolder();

const put = (item: ShiftItem | TrainingItem | Record<string, unknown>) =>
  testDocumentClient().send(new PutCommand({ TableName: deployment.tables.STATE_TABLE, Item: { ...item } }));

async function recordSuccess(id: string, schedule: string, startedAt: Date): Promise<void> {
  await new DynamoSourceStore(testDocumentClient(), deployment.tables.STATE_TABLE).recordRun(
    {
      id,
      startedAt,
      status: 'complete',
      staleAfter: 30,
      covers: { schedules: [schedule] },
      counts: { returned: 1, written: 1, deleted: 0, kept: 0, skipped: {} },
    },
    new Deadline(5_000),
  );
}

beforeAll(async () => {
  deployment = await testDeployment('state-lookups-token-0123456789');
  local = ['--endpoint', deployment.endpoint, '--state-table', deployment.tables.STATE_TABLE];
});

afterAll(() => rmSync(scratch.dir, { recursive: true, force: true }));

describe('lumos-state on-call', () => {
  it("lists who is on call now, each shift's origin, and the source fresh", async () => {
    // Prepare
    await recordSuccess('pd', 'sched-fresh', at(-5));
    await put(shiftItem('sched-fresh', 'peter@lumos.com', at(-60), at(60), { origin: { source: 'pd', syncedAt: at(-5) } }));
    await put(shiftItem('sched-fresh', 'mary@lumos.com', at(60), at(120)));
    // Act
    const run = await lumosState(['on-call', 'sched-fresh', ...local], scratch.dir);
    const later = await lumosState(['on-call', 'sched-fresh', '--at', at(90).toISOString(), '--json', ...local], scratch.dir);
    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain('sched-fresh is synced by source pd: last success ');
    expect(run.out).toContain(': fresh.');
    expect(run.out).toMatch(/peter@lumos\.com {2}on call: peter@lumos\.com is on call for sched-fresh until /);
    expect(run.out).toContain('synced by pd');
    expect(run.out).not.toContain('mary@lumos.com');
    expect(run.out).toContain('1 person on call for sched-fresh');
    // (the source is judged at --at: 95 minutes after its last success it is stale; Mary's shift is hand-written)
    expect(JSON.parse(later.out)).toMatchObject({
      source: { source: 'pd', stale: true },
      people: [{ email: 'mary@lumos.com', on_call: true, shifts: [{ source: null }] }],
    });
  });

  it('says a stale source makes its synced shifts undecided and counts keys the functions cannot find; nobody on call exits 1', async () => {
    // Prepare
    await recordSuccess('pd-stale', 'sched-stale', at(-120));
    await put(shiftItem('sched-stale', 'tony@lumos.com', at(-60), at(60), { origin: { source: 'pd-stale', syncedAt: at(-120) } }));
    await put({
      pk: 'oncall#sched-stale',
      sk: 'Bruce@lumos.com#2020-01-01T00:00:00Z',
      email: 'Bruce@lumos.com',
      starts_at: at(-60).toISOString(),
      ends_at: at(60).toISOString(),
    });
    // Act
    const run = await lumosState(['on-call', 'sched-stale', ...local], scratch.dir);
    const none = await lumosState(['on-call', 'sched-empty', ...local], scratch.dir);
    const badAt = await lumosState(['on-call', 'sched-stale', '--at', 'tomorrow', ...local], scratch.dir);
    // Assess
    expect(run.code).toBe(1);
    expect(run.out).toContain('stale (its synced shifts do not count)');
    expect(run.out).toContain('tony@lumos.com  undecided: source pd-stale last synced at ');
    expect(run.out).toContain('1 shift with a key the functions cannot find');
    expect(none.code).toBe(1);
    expect(none.out).toContain('sched-empty is synced by no source');
    expect(none.out).toContain('0 people on call for sched-empty');
    expect(badAt.code).toBe(2);
    expect(badAt.err).toMatch(/^error: --at "tomorrow": --at is not an ISO-8601 time/);
  });
});

describe('lumos-state training', () => {
  it("lists a person's records as the functions read them, found by any case of the email", async () => {
    // Prepare
    await put(trainingItem('wanda@lumos.com', 'security-awareness', at(-60 * 24 * 30), { expiresAt: at(-60) }));
    await put(trainingItem('wanda@lumos.com', 'privacy', at(-60 * 24), { origin: { source: 'kb4', syncedAt: at(-1) } }));
    // Act
    const run = await lumosState(['training', 'Wanda@Lumos.com', ...local], scratch.dir);
    const json = await lumosState(['training', 'wanda@lumos.com', '--json', ...local], scratch.dir);
    const nobody = await lumosState(['training', 'nobody@lumos.com', ...local], scratch.dir);
    const bad = await lumosState(['training', 'not an email', ...local], scratch.dir);
    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/privacy {2}completed \S+, does not expire; synced by kb4/);
    expect(run.out).toMatch(/security-awareness {2}completed \S+, expired \S+; hand-written/);
    expect(run.out).toContain('2 training records of wanda@lumos.com');
    expect(JSON.parse(json.out).records).toEqual([
      expect.objectContaining({ course: 'privacy', expired: false, source: 'kb4' }),
      expect.objectContaining({ course: 'security-awareness', expired: true, source: null }),
    ]);
    expect(nobody).toMatchObject({ code: 1 });
    expect(nobody.out).toContain('0 training records of nobody@lumos.com');
    expect(bad.code).toBe(2);
  });
});
