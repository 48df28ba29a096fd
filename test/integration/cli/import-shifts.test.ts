/**
 * `lumos-state import-shifts` (and `remove-shift`) against DynamoDB Local, run as the program runs it: valid rows
 * written as hand-written shifts recording who imported them, rejected rows listed with line,
 * value and reason (exit 1), `--dry-run` writing nothing, `--replace` removing only dropped
 * hand-written shifts in the file's range, hostile cells, an .ics file, and an imported shift
 * pre-approving through the real pipeline.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PreApprovalService } from '../../../src/services/pre-approval-service';
import { type ShiftItem, shiftItem } from '../../../src/store/shift-item';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { fixture, webhookRequest } from '../../support/events';
import { lumosState, partitionItems, scratchFolder } from '../../support/state-cli';
import { testDocumentClient } from '../../support/tables';

const ROOT = join(__dirname, '..', '..', '..');
const TOKEN = 'import-shifts-token-0123456789';
const HOUR = 3_600_000;
const iso = (offsetHours: number) => new Date(Date.now() + offsetHours * HOUR).toISOString();
let deployment: TestDeployment;
let local: string[];
const scratch = scratchFolder();

const shiftsOf = (schedule: string) => partitionItems(deployment.tables.STATE_TABLE, `oncall#${schedule}`);
const put = (item: ShiftItem) => testDocumentClient().send(new PutCommand({ TableName: deployment.tables.STATE_TABLE, Item: { ...item } }));

beforeAll(async () => {
  deployment = await testDeployment(TOKEN);
  local = ['--endpoint', deployment.endpoint, '--state-table', deployment.tables.STATE_TABLE];
});

afterAll(() => rmSync(scratch.dir, { recursive: true, force: true }));

describe('lumos-state import-shifts from a CSV', () => {
  it('writes the valid rows as hand-written shifts, lists each rejected row with its line, value and reason, and exits 1', async () => {
    // Far ahead: a shift that has ended may be expired by DynamoDB Local's TTL while the test reads it.
    // Prepare: a BOM, CRLF, quoting, and one row per reason
    const file = scratch.write(
      'rota.csv',
      '\uFEFFemail,starts_at,ends_at\r\n' +
        ` Peter.Parker@Lumos.com ,2036-12-01T09:00:00+01:00,2036-12-01T17:00:00+01:00\r\n` +
        `"mary jane@lumos.com",2036-12-01T09:00:00Z,2036-12-01T17:00:00Z\r\n` +
        `"tony@lumos.com",2036-12-01 09:00:00Z,"2036-12-01T17:00:00Z"\r\n` +
        `bruce@lumos.com,2036-12-01T09:00,2036-12-01T17:00:00Z\r\n` +
        `clark@lumos.com,2036-12-01T17:00:00Z,2036-12-01T09:00:00Z\r\n` +
        `diana@lumos.com,2036-12-01T00:00:00Z,2037-02-01T00:00:00Z\r\n` +
        `\r\n` +
        `only,two\r\n`,
    );
    // Act
    const run = await lumosState(['import-shifts', file, '--schedule', 'rota-a', '--by', 'admin@lumos.com', ...local], scratch.dir);
    // Assess
    expect(run.code).toBe(1);
    expect(run.err).toBe('');
    expect(run.out).toContain('Wrote 2 shifts of rota-a to ');
    expect(run.out).toContain('Rejected 5 rows (not written):');
    expect(run.out).toContain('line 3: "mary jane@lumos.com": not an email address: whitespace or a control character inside');
    expect(run.out).toContain('line 5: "2036-12-01T09:00": starts_at is not an ISO-8601 time with a zone');
    expect(run.out).toContain('line 6: "2036-12-01T09:00:00Z": ends_at is not after starts_at');
    expect(run.out).toContain('line 7: "2037-02-01T00:00:00Z": a shift longer than 31 days');
    expect(run.out).toContain('line 9: "only,two": 2 fields where the header has 3');
    const items = await shiftsOf('rota-a');
    expect(items).toHaveLength(2);
    expect(items).toContainEqual(
      expect.objectContaining({
        sk: 'peter.parker@lumos.com#2036-12-01T08:00:00.000Z',
        email: 'peter.parker@lumos.com',
        starts_at: '2036-12-01T08:00:00.000Z',
        ends_at: '2036-12-01T16:00:00.000Z',
        imported_by: 'admin@lumos.com',
      }),
    );
    expect(items.every((item) => item.source === undefined)).toBe(true);
  });

  it('with --dry-run prints what would be written and writes nothing (--json: the same as one document)', async () => {
    // Prepare
    const file = scratch.write('dry.csv', `email,starts_at,ends_at\npeter@lumos.com,${iso(1)},${iso(2)}\n`);
    // Act
    const human = await lumosState(['import-shifts', file, '--schedule', 'rota-dry', '--dry-run', '--by', 'a@lumos.com', ...local], scratch.dir);
    const json = await lumosState(['import-shifts', file, '--schedule', 'rota-dry', '--dry-run', '--by', 'a@lumos.com', '--json', ...local], scratch.dir);
    // Assess
    expect(human.code).toBe(0);
    expect(human.out).toContain('Would write 1 shift of rota-dry');
    expect(human.out).toContain('(dry run: nothing written)');
    expect(JSON.parse(json.out)).toMatchObject({ dry_run: true, written: [{ line: 2, email: 'peter@lumos.com' }], rejected: [] });
    expect(await shiftsOf('rota-dry')).toEqual([]);
  });

  it('rejects hostile cells (a formula, a huge field, control characters) and prints none of them raw', async () => {
    // Prepare
    const file = scratch.write(
      'hostile.csv',
      'email,starts_at,ends_at\n' +
        `=HYPERLINK("http://evil")@lumos.com,${iso(1)},${iso(2)}\n` +
        `@SUM(A1)@lumos.com,${iso(1)},${iso(2)}\n` +
        `${'x'.repeat(50_000)}@lumos.com,${iso(1)},${iso(2)}\n` +
        `"evil\u001b[2J@lumos.com",${iso(1)},${iso(2)}\n` +
        `ok@lumos.com,${iso(1)}\u0007,${iso(2)}\n` +
        `"unterminated@lumos.com,${iso(1)},${iso(2)}\n`,
    );
    // Act
    const run = await lumosState(['import-shifts', file, '--schedule', 'rota-hostile', '--by', 'a@lumos.com', ...local], scratch.dir);
    // Assess
    expect(run.code).toBe(1);
    expect(run.out).toContain('Rejected 6 rows');
    expect(run.out).toContain('line 2: "=HYPERLINK(\\"http://evil\\")@lumos.com": not an email address: it starts like a spreadsheet formula');
    expect(run.out).toContain('line 4: "xxxx');
    expect(run.out).toContain('a field longer than 1,000 characters');
    expect(run.out).toContain('line 5: "evil\\u{1b}[2J@lumos.com": not an email address: whitespace or a control character inside');
    expect(run.out).toContain('starts_at is not an ISO-8601 time with a zone');
    expect(run.out).toContain('line 7: ');
    expect(run.out).toContain('a quoted field is never closed');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no raw control character may reach the terminal.
    expect(run.out).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(run.out.length).toBeLessThan(5_000);
    expect(await shiftsOf('rota-hostile')).toEqual([]);
  });

  it('rejects a row repeating an earlier one (same person and start), naming the line it repeats', async () => {
    // Prepare
    const [starts, ends] = [iso(1), iso(2)];
    const file = scratch.write('twice.csv', `email,starts_at,ends_at\npeter@lumos.com,${starts},${ends}\nPETER@lumos.com,${starts},${iso(3)}\n`);
    // Act
    const run = await lumosState(['import-shifts', file, '--schedule', 'rota-twice', '--by', 'a@lumos.com', ...local], scratch.dir);
    // Assess
    expect(run.code).toBe(1);
    expect(run.out).toContain('line 3: "peter@lumos.com": the same person and starts_at as line 2');
    expect(await shiftsOf('rota-twice')).toEqual([expect.objectContaining({ ends_at: ends })]);
  });

  it('refuses a file without the header row, or one that is not there (exit 2, one line)', async () => {
    // Prepare
    const file = scratch.write('noheader.csv', `peter@lumos.com,${iso(1)},${iso(2)}\n`);
    // Act
    const noHeader = await lumosState(['import-shifts', file, '--schedule', 's', '--by', 'a@lumos.com', ...local], scratch.dir);
    const missing = await lumosState(['import-shifts', 'nope.csv', '--schedule', 's', '--by', 'a@lumos.com', ...local], scratch.dir);
    const noSchedule = await lumosState(['import-shifts', file, '--by', 'a@lumos.com', ...local], scratch.dir);
    // Assess
    expect(noHeader).toMatchObject({ code: 2, out: '' });
    expect(noHeader.err).toMatch(/^error: noheader\.csv: the header row must be email,starts_at,ends_at/);
    expect(missing).toMatchObject({ code: 2, err: 'error: nope.csv: no such file\n' });
    expect(noSchedule).toMatchObject({ code: 2, err: 'error: --schedule NAME is required\n' });
  });
});

describe('lumos-state import-shifts --replace', () => {
  it("removes the schedule's hand-written shifts in the file's range that it no longer lists, never synced ones or those outside the range", async () => {
    // Prepare: last week's import had Peter and Mary; a sync wrote Tony; Bruce's shift is after the range
    const schedule = 'rota-replace';
    await put(shiftItem(schedule, 'peter@lumos.com', new Date(iso(1)), new Date(iso(9))));
    await put(shiftItem(schedule, 'mary@lumos.com', new Date(iso(9)), new Date(iso(17))));
    await put(shiftItem(schedule, 'tony@lumos.com', new Date(iso(9)), new Date(iso(17)), { origin: { source: 'pd', syncedAt: new Date() } }));
    await put(shiftItem(schedule, 'bruce@lumos.com', new Date(iso(30)), new Date(iso(38))));
    const peter = (await shiftsOf(schedule)).find((item) => item.email === 'peter@lumos.com');
    const file = scratch.write(
      'replace.csv',
      `email,starts_at,ends_at\npeter@lumos.com,${peter?.starts_at},${peter?.ends_at}\nwanda@lumos.com,${iso(9)},${iso(17)}\n`,
    );
    // Act
    const dry = await lumosState(
      ['import-shifts', file, '--schedule', schedule, '--replace', '--dry-run', '--by', 'a@lumos.com', '--json', ...local],
      scratch.dir,
    );
    const afterDry = await shiftsOf(schedule);
    const run = await lumosState(['import-shifts', file, '--schedule', schedule, '--replace', '--by', 'a@lumos.com', ...local], scratch.dir);
    // Assess
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.out).replace.removed).toEqual([expect.objectContaining({ email: 'mary@lumos.com' })]);
    expect(afterDry).toHaveLength(4);
    expect(run.code).toBe(0);
    expect(run.out).toContain('Removed 1 hand-written shift no longer listed');
    expect((await shiftsOf(schedule)).map((item) => item.email).sort()).toEqual(['bruce@lumos.com', 'peter@lumos.com', 'tony@lumos.com', 'wanda@lumos.com']);
  });

  it('removes nothing while any row is rejected (it may be a shift still meant)', async () => {
    // Prepare
    const schedule = 'rota-replace-rejected';
    await put(shiftItem(schedule, 'mary@lumos.com', new Date(iso(2)), new Date(iso(3))));
    const file = scratch.write('replace-bad.csv', `email,starts_at,ends_at\npeter@lumos.com,${iso(1)},${iso(9)}\nmary-at-lumos.com,${iso(2)},${iso(3)}\n`);
    // Act
    const run = await lumosState(['import-shifts', file, '--schedule', schedule, '--replace', '--by', 'a@lumos.com', ...local], scratch.dir);
    // Assess
    expect(run.code).toBe(1);
    expect(run.out).toContain('Removed nothing: rows were rejected');
    expect((await shiftsOf(schedule)).map((item) => item.email).sort()).toEqual(['mary@lumos.com', 'peter@lumos.com']);
  });

  it('leaves a synced shift with the same key alone and rejects that row', async () => {
    // Prepare
    const schedule = 'rota-synced-key';
    const synced = shiftItem(schedule, 'tony@lumos.com', new Date(iso(1)), new Date(iso(2)), { origin: { source: 'pd', syncedAt: new Date() } });
    await put(synced);
    const file = scratch.write('same-key.csv', `email,starts_at,ends_at\ntony@lumos.com,${synced.starts_at},${iso(5)}\n`);
    // Act
    const run = await lumosState(['import-shifts', file, '--schedule', schedule, '--by', 'a@lumos.com', ...local], scratch.dir);
    // Assess
    expect(run.code).toBe(1);
    expect(run.out).toContain('source pd synced this shift; the sync keeps it current');
    expect(await shiftsOf(schedule)).toEqual([expect.objectContaining({ source: 'pd', ends_at: synced.ends_at })]);
  });
});

describe('lumos-state import-shifts from an .ics file', () => {
  it("imports the calendar's events from 24 hours ago on, and says which window it read", async () => {
    // Prepare
    const stamp = (offsetHours: number) =>
      iso(offsetHours)
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');
    const file = scratch.write(
      'rota.ics',
      [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'PRODID:-//test//EN',
        'BEGIN:VEVENT',
        'UID:a',
        `DTSTART:${stamp(1)}`,
        `DTEND:${stamp(9)}`,
        'SUMMARY:On call: peter@lumos.com',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:b',
        `DTSTART:${stamp(-100)}`,
        `DTEND:${stamp(-92)}`,
        'SUMMARY:On call: old@lumos.com',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:c',
        `DTSTART:${stamp(2)}`,
        `DTEND:${stamp(3)}`,
        'SUMMARY:nobody',
        'END:VEVENT',
        'END:VCALENDAR',
        '',
      ].join('\r\n'),
    );
    // Act
    const run = await lumosState(['import-shifts', file, '--schedule', 'rota-ics', '--by', 'a@lumos.com', ...local], scratch.dir);
    // Assess
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/Read the calendar's events from \S+ to \S+\./);
    expect(run.out).toContain('event: "1 event": no email in ATTENDEE or SUMMARY');
    expect((await shiftsOf('rota-ics')).map((item) => item.email)).toEqual(['peter@lumos.com']);
  });
});

describe('an imported shift', () => {
  it('pre-approves through the real pipeline under the demo on-call rule', async () => {
    // Prepare
    const rule = parse(readFileSync(join(ROOT, 'rules', 'oncall-preapprove.yaml'), 'utf8')) as Record<string, unknown>;
    await testDocumentClient().send(new PutCommand({ TableName: deployment.tables.RULES_TABLE, Item: rule }));
    const file = scratch.write('demo.csv', `email,starts_at,ends_at\nPeterParker@lumos.com,${iso(-1)},${iso(8)}\n`);
    const request = () => deployment.pipeline((deps) => new PreApprovalService(deps))(webhookRequest(fixture('pre-approval.json'), TOKEN));
    const before = await request();
    // Act
    const run = await lumosState(['import-shifts', file, '--schedule', 'demo-oncall', '--by', 'a@lumos.com', ...local], scratch.dir);
    const after = await request();
    // Assess
    expect(run.code).toBe(0);
    expect(before.body?.response).toBe('NOT_PREAPPROVED');
    expect(after.body?.response).toBe('PREAPPROVED');
  });
});

describe('lumos-state remove-shift', () => {
  it("removes the person's hand-written shifts on the schedule, never a synced one or another person's, and says how many", async () => {
    // Prepare
    const schedule = 'rota-remove';
    await put(shiftItem(schedule, 'peter@lumos.com', new Date(iso(1)), new Date(iso(9))));
    await put(shiftItem(schedule, 'peter@lumos.com', new Date(iso(25)), new Date(iso(33))));
    await put(shiftItem(schedule, 'peter@lumos.com', new Date(iso(49)), new Date(iso(57)), { origin: { source: 'pd', syncedAt: new Date() } }));
    await put(shiftItem(schedule, 'peterparker@lumos.com', new Date(iso(1)), new Date(iso(9))));
    // Act
    const run = await lumosState(['remove-shift', schedule, 'Peter@Lumos.com', '--by', 'admin@lumos.com', ...local], scratch.dir);
    const again = await lumosState(['remove-shift', schedule, 'peter@lumos.com', '--by', 'admin@lumos.com', '--json', ...local], scratch.dir);
    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain('Removed 2 hand-written shifts of peter@lumos.com on rota-remove');
    expect(run.out).toContain('1 synced shift left: the source owns them');
    expect(JSON.parse(again.out)).toMatchObject({ removed: [], synced_left: 1 });
    expect((await shiftsOf(schedule)).map((item) => `${item.email} ${item.source ?? '-'}`).sort()).toEqual(['peter@lumos.com pd', 'peterparker@lumos.com -']);
  });
});
