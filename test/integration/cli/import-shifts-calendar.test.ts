/**
 * `lumos-state import-shifts` of an .ics file against DynamoDB Local, run as the program runs it:
 * the calendar is read in a worker thread bounded by `--calendar-timeout`, and an event whose
 * attendees name no single person on call is listed by its UID.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { calendar, vevent } from '../../support/sources/ics-feed';
import { lumosState, partitionItems, scratchFolder } from '../../support/state-cli';

const TOKEN = 'import-calendar-token-0123456789';
const HOUR = 3_600_000;
let deployment: TestDeployment;
let local: string[];
const scratch = scratchFolder();
const stamp = (offsetHours: number) =>
  new Date(Date.now() + offsetHours * HOUR)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
const shiftsOf = (schedule: string) => partitionItems(deployment.tables.STATE_TABLE, `oncall#${schedule}`);

beforeAll(async () => {
  deployment = await testDeployment(TOKEN);
  local = ['--endpoint', deployment.endpoint, '--state-table', deployment.tables.STATE_TABLE];
});

afterAll(() => rmSync(scratch.dir, { recursive: true, force: true }));

describe('lumos-state import-shifts of a calendar', () => {
  it('16.5 returns within --calendar-timeout with an error when an RRULE never matches, and writes nothing', async () => {
    // Prepare: a weekly step from a Thursday that never lands on the Sunday it asks for
    const file = scratch.write(
      'stalling.ics',
      calendar(
        vevent({ UID: 'ok', DTSTART: stamp(1), DTEND: stamp(5), ATTENDEE: 'mailto:mary@lumos.com' }),
        vevent({
          UID: 'never',
          DTSTART: '20261126T090000Z',
          DTEND: '20261126T170000Z',
          RRULE: 'FREQ=DAILY;INTERVAL=7;BYDAY=SU',
          ATTENDEE: 'mailto:b@lumos.com',
        }),
      ),
    );
    const startedAt = Date.now();

    // Act
    const run = await lumosState(
      ['import-shifts', file, '--schedule', 'stalling-rota', '--by', 'a@lumos.com', '--calendar-timeout', '1', ...local],
      scratch.dir,
    );

    // Assess
    expect(Date.now() - startedAt).toBeLessThan(3_000);
    expect(run.code).toBe(2);
    expect(run.err).toContain('stalling.ics: reading the calendar took longer than 1 s (--calendar-timeout), so nothing was imported');
    expect(run.out).toBe('');
    expect(await shiftsOf('stalling-rota')).toEqual([]);
  });

  it('16.5 refuses a --calendar-timeout that is not a whole number of seconds from 1 to 3600', async () => {
    // Prepare
    const file = scratch.write('any.ics', calendar());

    // Act
    const runs = await Promise.all(
      ['0', '1.5', 'soon', '3601'].map((value) => lumosState(['import-shifts', file, '--schedule', 'r', '--calendar-timeout', value, ...local], scratch.dir)),
    );

    // Assess
    for (const run of runs) {
      expect(run.code).toBe(2);
      expect(run.err).toContain('a whole number of seconds from 1 to 3600');
    }
  });

  it('16.4 lists each event whose attendees name no single person on call by its UID, and imports the organizer-as-chair event for its attendee', async () => {
    // Prepare
    const file = scratch.write(
      'attendees.ics',
      calendar(
        vevent({
          UID: 'google-export',
          DTSTART: stamp(1),
          DTEND: stamp(5),
          ORGANIZER: 'mailto:boss@lumos.com',
          ATTENDEE: [';ROLE=CHAIR;PARTSTAT=ACCEPTED:mailto:boss@lumos.com', ';PARTSTAT=ACCEPTED:mailto:peter@lumos.com'],
        }),
        vevent({ UID: 'two-people', DTSTART: stamp(6), DTEND: stamp(9), ATTENDEE: ['mailto:peter@lumos.com', 'mailto:mary@lumos.com'] }),
        vevent({
          UID: 'declined',
          DTSTART: stamp(10),
          DTEND: stamp(12),
          RRULE: 'FREQ=DAILY;COUNT=3',
          ATTENDEE: ';PARTSTAT=DECLINED:mailto:sam@lumos.com',
          SUMMARY: 'On call: sam@lumos.com',
        }),
      ),
    );

    // Act
    const run = await lumosState(['import-shifts', file, '--schedule', 'attendee-rota', '--by', 'a@lumos.com', ...local], scratch.dir);

    // Assess
    expect(run.code).toBe(1);
    expect(run.out).toContain('Rejected 2 rows (not written):');
    expect(run.out).toContain('event: "UID:two-people": its ATTENDEEs do not name exactly one person on call');
    expect(run.out).toContain('event: "UID:declined": its ATTENDEEs do not name exactly one person on call');
    expect((await shiftsOf('attendee-rota')).map((item) => item.email)).toEqual(['peter@lumos.com']);
  });
});
