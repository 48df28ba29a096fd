/**
 * `lumos-state import-shifts --replace` against DynamoDB Local, by overlap: a hand-written shift
 * the new rota no longer lists and that is under way when the file's range starts is cut to end
 * there (its key unchanged), any other overlapping one is removed, synced shifts are listed as
 * kept and never touched, and shifts outside the range stay; `--dry-run` says the same and
 * changes nothing.
 */
import { rmSync } from 'node:fs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ShiftItem, shiftItem } from '../../../src/store/shift-item';
import { lumosState, partitionItems, scratchFolder } from '../../support/state-cli';
import { createTestTables, testDocumentClient } from '../../support/tables';

const HOUR = 3_600_000;
const NOW = Date.now();
const at = (offsetHours: number) => new Date(NOW + offsetHours * HOUR);
const iso = (offsetHours: number) => at(offsetHours).toISOString();
let table: string;
let local: string[];
const scratch = scratchFolder();

const shiftsOf = (schedule: string) => partitionItems(table, `oncall#${schedule}`);
const put = (item: ShiftItem) => testDocumentClient().send(new PutCommand({ TableName: table, Item: { ...item } }));
const byEmail = (items: Record<string, unknown>[]) => Object.fromEntries(items.map((item) => [item.email as string, item]));

beforeAll(async () => {
  const { endpoint, tables } = await createTestTables();
  table = tables.STATE_TABLE;
  local = ['--endpoint', endpoint, '--state-table', table];
});

afterAll(() => rmSync(scratch.dir, { recursive: true, force: true }));

describe('lumos-state import-shifts --replace', () => {
  it('16.1 takes a dropped person off a calendar rota although the calendar holds an all-day holiday from 2019, and a row a source syncs does not stop it', async () => {
    // Prepare: Peter was imported for days; the new calendar lists Wanda, Tony (whose key a source syncs) and an old holiday
    const schedule = 'rota-calendar';
    await put(shiftItem(schedule, 'peter@lumos.com', at(-10), at(70), { imported: { by: 'old@lumos.com', at: at(-48) } }));
    // Whole seconds, as the calendar writes its times
    const second = (offsetHours: number) => new Date(Math.floor(at(offsetHours).getTime() / 1000) * 1000);
    await put(shiftItem(schedule, 'tony@lumos.com', second(2), second(10), { origin: { source: 'pd', syncedAt: at(0) } }));
    const stamp = (offsetHours: number) => `${iso(offsetHours).slice(0, 19).replace(/[-:]/g, '')}Z`;
    const file = scratch.write(
      'rota.ics',
      [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'BEGIN:VEVENT',
        'UID:holiday-2019',
        'DTSTART;VALUE=DATE:20191225',
        'DTEND;VALUE=DATE:20191226',
        'SUMMARY:Christmas',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:wanda',
        `DTSTART:${stamp(1)}`,
        `DTEND:${stamp(48)}`,
        'SUMMARY:On call: wanda@lumos.com',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:tony',
        `DTSTART:${stamp(2)}`,
        `DTEND:${stamp(10)}`,
        'SUMMARY:On call: tony@lumos.com',
        'END:VEVENT',
        'END:VCALENDAR',
        '',
      ].join('\r\n'),
    );
    // Act
    const run = await lumosState(['import-shifts', file, '--schedule', schedule, '--replace', '--by', 'a@lumos.com', '--json', ...local], scratch.dir);
    // Assess: the synced row is refused (exit 1), and the replace still cut Peter at the file's start
    expect(run.code).toBe(1);
    const report = JSON.parse(run.out);
    expect(report.rejected).toEqual([expect.objectContaining({ value: 'tony@lumos.com', reason: expect.stringContaining('source pd synced this shift') })]);
    expect(report.replace.cut).toEqual([expect.objectContaining({ email: 'peter@lumos.com', cut_to: second(1).toISOString() })]);
    expect(byEmail(await shiftsOf(schedule))['peter@lumos.com']).toMatchObject({ ends_at: second(1).toISOString() });
  });

  it("16.3 cuts a dropped person's ongoing hand-written shift at the file's start (off call at once), removes the other overlapping ones, and lists synced ones as kept", async () => {
    // Prepare: last week's import put Peter on call for days; the new rota (from an hour ahead) lists only Wanda
    const schedule = 'rota-overlap';
    const imported = { imported: { by: 'old@lumos.com', at: at(-48) } };
    await put(shiftItem(schedule, 'peter@lumos.com', at(-10), at(70), imported));
    // Ends as the range starts (and not yet expired by TTL): no overlap
    await put(shiftItem(schedule, 'mary@lumos.com', at(-20), at(1), imported));
    await put(shiftItem(schedule, 'bruce@lumos.com', at(5), at(15), imported));
    await put(shiftItem(schedule, 'clark@lumos.com', at(20), at(60), imported));
    await put(shiftItem(schedule, 'diana@lumos.com', at(48), at(56), imported));
    await put(shiftItem(schedule, 'tony@lumos.com', at(-10), at(30), { origin: { source: 'pd', syncedAt: at(0) } }));
    const before = byEmail(await shiftsOf(schedule));
    const file = scratch.write('overlap.csv', `email,starts_at,ends_at\nwanda@lumos.com,${iso(1)},${iso(48)}\n`);
    const args = ['import-shifts', file, '--schedule', schedule, '--replace', '--by', 'a@lumos.com', ...local];
    // Act
    const dry = await lumosState([...args, '--dry-run', '--json'], scratch.dir);
    const afterDry = byEmail(await shiftsOf(schedule));
    const run = await lumosState(args, scratch.dir);
    const onCall = await lumosState(['on-call', schedule, '--at', iso(2), '--json', ...local], scratch.dir);
    // Assess
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.out).replace).toEqual({
      range: { from: iso(1), to: iso(48) },
      cut: [{ email: 'peter@lumos.com', starts_at: iso(-10), ends_at: iso(70), cut_to: iso(1) }],
      removed: [
        { email: 'bruce@lumos.com', starts_at: iso(5), ends_at: iso(15) },
        { email: 'clark@lumos.com', starts_at: iso(20), ends_at: iso(60) },
      ],
      kept: [{ email: 'tony@lumos.com', starts_at: iso(-10), ends_at: iso(30), source: 'pd' }],
      changed: [],
    });
    expect(afterDry).toEqual(before);
    expect(run.code).toBe(0);
    expect(run.out).toContain(`  peter@lumos.com  ${iso(-10)} → ${iso(70)}  now ends ${iso(1)}\n`);
    expect(run.out).toContain(`Cut 1 hand-written shift no longer listed that started before the file's range, to end at ${iso(1)}.`);
    expect(run.out).toContain('Removed 2 hand-written shifts no longer listed');
    expect(run.out).toContain(`  tony@lumos.com  ${iso(-10)} → ${iso(30)}  (source pd)\n`);
    expect(run.out).toContain('Kept 1 synced shift in the range: the sources own them.');
    const after = byEmail(await shiftsOf(schedule));
    expect(Object.keys(after).sort()).toEqual(['diana@lumos.com', 'mary@lumos.com', 'peter@lumos.com', 'tony@lumos.com', 'wanda@lumos.com']);
    expect(after['peter@lumos.com']).toEqual({ ...before['peter@lumos.com'], ends_at: iso(1), ttl: Math.floor(at(1).getTime() / 1000) });
    for (const unchanged of ['mary@lumos.com', 'diana@lumos.com', 'tony@lumos.com']) expect(after[unchanged]).toEqual(before[unchanged]);
    expect(JSON.parse(onCall.out).people.map((person: { email: string }) => person.email)).not.toContain('peter@lumos.com');
  });

  it('16.3 cuts nothing and removes nothing while a row is rejected', async () => {
    // Prepare
    const schedule = 'rota-overlap-rejected';
    await put(shiftItem(schedule, 'peter@lumos.com', at(-10), at(70)));
    const file = scratch.write('overlap-bad.csv', `email,starts_at,ends_at\nwanda@lumos.com,${iso(1)},${iso(48)}\nnot-an-email,${iso(2)},${iso(3)}\n`);
    // Act
    const run = await lumosState(['import-shifts', file, '--schedule', schedule, '--replace', '--by', 'a@lumos.com', '--json', ...local], scratch.dir);
    // Assess
    expect(run.code).toBe(1);
    expect(JSON.parse(run.out).replace).toMatchObject({ cut: [], removed: [], kept: [], skipped: expect.stringContaining('rows were rejected') });
    expect(byEmail(await shiftsOf(schedule))['peter@lumos.com']).toMatchObject({ ends_at: iso(70) });
  });
});
