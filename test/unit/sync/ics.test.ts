import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/kernel/deadline';
import { type IcsSource, parseSourceItem } from '../../../src/sync/source-item';
import type { FeedSecret } from '../../../src/sync/source-secret';
import { fetchIcsShifts } from '../../../src/sync/sources/ics';
import { parseIcsShifts } from '../../../src/sync/sources/ics-parser';
import { BERLIN, calendar, type IcsFeed, startIcsFeed, vevent } from '../../support/sources/ics-feed';
import { runOptions, WINDOW } from '../../support/sources/run-options';

const TOKEN = 'f33d-t0k3n';
let feed: IcsFeed;
let secret: FeedSecret;
const source = parseSourceItem(
  { id: 'rota', type: 'ics', secret: 'lumos-sources/rota-feed', schedule: 'support-rota' },
  { current: 'lumos-sources/' },
) as IcsSource;

/** A fortnightly rotation of two people, a week each, handing over on Mondays at 09:00 Berlin time. */
const peter = vevent({
  UID: 'rota-peter@loopback',
  DTSTART: ';TZID=Europe/Berlin:20261102T090000',
  DTEND: ';TZID=Europe/Berlin:20261109T090000',
  RRULE: 'FREQ=WEEKLY;INTERVAL=2',
  SUMMARY: 'On call: Peter Parker',
  ATTENDEE: ';CN=Peter Parker:mailto:PeterParker@Lumos.com',
});
const mary = vevent({
  UID: 'rota-mary@loopback',
  DTSTART: ';TZID=Europe/Berlin:20261109T090000',
  DTEND: ';TZID=Europe/Berlin:20261116T090000',
  RRULE: 'FREQ=WEEKLY;INTERVAL=2',
  SUMMARY: 'On call: Mary Jane <mary.jane@lumos.com>',
});

beforeAll(async () => {
  feed = await startIcsFeed(TOKEN);
  secret = { url: feed.url, allowed_hosts: ['127.0.0.1'] };
});
afterAll(() => feed.close());
beforeEach(() => {
  feed.requests.length = 0;
  feed.next.length = 0;
});

describe('iCalendar on-call feeds', () => {
  it('expands a weekly rotation in the window, with an exception that ends a shift early and an override for the night', async () => {
    // Prepare: Mary's week is cut short on Sunday at 20:00; Sam covers the night until Monday's handover.
    feed.calendar = calendar(
      BERLIN,
      peter,
      mary,
      vevent({
        UID: 'rota-mary@loopback',
        'RECURRENCE-ID': ';TZID=Europe/Berlin:20261123T090000',
        DTSTART: ';TZID=Europe/Berlin:20261123T090000',
        DTEND: ';TZID=Europe/Berlin:20261129T200000',
        SUMMARY: 'On call: Mary Jane <mary.jane@lumos.com>',
      }),
      vevent({ UID: 'override-sam@loopback', DTSTART: '20261129T190000Z', DTEND: ';TZID=Europe/Berlin:20261130T090000', SUMMARY: 'Override: sam@lumos.com' }),
    );

    // Act
    const run = await fetchIcsShifts(source, secret, runOptions());

    // Assess
    expect(run.status).toBe('complete');
    expect(run.items).toEqual([
      { schedule: 'support-rota', email: 'peterparker@lumos.com', starts_at: '2026-11-30T08:00:00.000Z', ends_at: '2026-12-07T08:00:00.000Z' },
      { schedule: 'support-rota', email: 'mary.jane@lumos.com', starts_at: '2026-11-23T08:00:00.000Z', ends_at: '2026-11-29T19:00:00.000Z' },
      { schedule: 'support-rota', email: 'sam@lumos.com', starts_at: '2026-11-29T19:00:00.000Z', ends_at: '2026-11-30T08:00:00.000Z' },
    ]);
    expect(feed.requests).toHaveLength(1);
  });

  it('leaves out occurrences removed by EXDATE or cancelled by an exception', async () => {
    // Prepare
    feed.calendar = calendar(
      BERLIN,
      peter.replace('RRULE:', 'EXDATE;TZID=Europe/Berlin:20261130T090000\r\nRRULE:'),
      mary,
      vevent({
        UID: 'rota-mary@loopback',
        'RECURRENCE-ID': ';TZID=Europe/Berlin:20261123T090000',
        DTSTART: ';TZID=Europe/Berlin:20261123T090000',
        DTEND: ';TZID=Europe/Berlin:20261130T090000',
        STATUS: 'CANCELLED',
      }),
    );

    // Act
    const run = await fetchIcsShifts(source, secret, runOptions());

    // Assess
    expect(run).toMatchObject({ status: 'complete', items: [] });
  });

  it('skips and counts events it cannot use, and keeps the rest', async () => {
    // Prepare
    feed.calendar = calendar(
      BERLIN,
      vevent({ UID: 'ok', DTSTART: '20261129T120000Z', DTEND: '20261129T180000Z', ATTENDEE: 'mailto:ok@lumos.com' }),
      vevent({ UID: 'floating', DTSTART: '20261129T120000', DTEND: '20261129T180000', ATTENDEE: 'mailto:floating@lumos.com' }),
      vevent({ UID: 'all-day', DTSTART: ';VALUE=DATE:20261129', DTEND: ';VALUE=DATE:20261130', ATTENDEE: 'mailto:allday@lumos.com' }),
      vevent({ UID: 'no-end', DTSTART: '20261129T120000Z', ATTENDEE: 'mailto:noend@lumos.com' }),
      vevent({ UID: 'nobody', DTSTART: '20261129T120000Z', DTEND: '20261129T180000Z', SUMMARY: 'Whoever is around' }),
      vevent({ UID: 'not-an-email', DTSTART: '20261129T120000Z', DTEND: '20261129T180000Z', ATTENDEE: 'mailto:peter parker' }),
      vevent({ UID: 'backwards', DTSTART: '20261129T180000Z', DTEND: '20261129T120000Z', ATTENDEE: 'mailto:backwards@lumos.com' }),
      vevent({ UID: 'past', DTSTART: '20261101T120000Z', DTEND: '20261101T180000Z', ATTENDEE: 'mailto:past@lumos.com' }),
    );

    // Act
    const run = await fetchIcsShifts(source, secret, runOptions());

    // Assess
    // Skipped events are counted, and the feed was still read whole: its vanished shifts may go.
    expect(run.status).toBe('complete');
    expect(run.items.map((shift) => shift.email)).toEqual(['ok@lumos.com']);
    expect(run.skipped).toEqual({ bad_time: 3, no_end: 1, unknown_email: 2 });
  });

  it('skips a recurring event without DTSTART instead of walking it forever', async () => {
    // Prepare
    feed.calendar = calendar(vevent({ UID: 'no-start', DTEND: '20261129T180000Z', RRULE: 'FREQ=WEEKLY;BYDAY=MO,TH', ATTENDEE: 'mailto:x@lumos.com' }));

    // Act
    const run = await fetchIcsShifts(source, secret, runOptions());

    // Assess
    expect(run).toMatchObject({ status: 'complete', items: [], skipped: { bad_time: 1 } });
  });

  it('fails with the reason when the feed refuses its token, and never names the token', async () => {
    // Act
    const run = await fetchIcsShifts(source, { ...secret, url: feed.url.replace(TOKEN, 'wr0ng-t0k3n') }, runOptions());

    // Assess
    expect(run).toMatchObject({ status: 'failed', failure: { reason: 'unauthorized' } });
    expect(JSON.stringify(run)).not.toMatch(/t0k3n/);
  });

  it('fails when the feed is not iCalendar at all', async () => {
    // Prepare
    feed.calendar = '<html><body>Sign in</body></html>';

    // Act
    const run = await fetchIcsShifts(source, secret, runOptions());

    // Assess
    expect(run).toMatchObject({ status: 'failed', failure: { reason: 'unparseable' } });
  });

  it('refuses a feed on a host the secret does not allow before anything is sent', async () => {
    // Act
    const run = await fetchIcsShifts(source, { ...secret, allowed_hosts: ['calendar.example.com'] }, runOptions());

    // Assess
    expect(run).toMatchObject({ status: 'failed', failure: { reason: 'host_not_allowed' }, requests: 0 });
    expect(feed.requests).toHaveLength(0);
  });

  it('fails a feed larger than the bound', async () => {
    // Prepare
    feed.calendar = calendar(vevent({ UID: 'big', DESCRIPTION: 'x'.repeat(5000) }));

    // Act
    const run = await fetchIcsShifts(source, secret, runOptions({ maxBodyBytes: 1000 }));

    // Assess
    expect(run).toMatchObject({ status: 'failed', failure: { reason: 'too_large' } });
  });
});

describe('iCalendar parsing within the deadline', () => {
  it('stops a long expansion when the deadline passes, failing the run rather than returning half a rota', () => {
    // Prepare: a rule that recurs every minute since 2020; the clock says the deadline is gone after the first checks.
    const text = calendar(
      vevent({ UID: 'busy', DTSTART: '20200101T000000Z', DTEND: '20200101T000100Z', RRULE: 'FREQ=MINUTELY', ATTENDEE: 'mailto:a@lumos.com' }),
    );
    let checks = 0;

    // Act
    const result = parseIcsShifts(text, { schedule: 'rota', window: WINDOW, outOfTime: () => ++checks > 2 });

    // Assess
    expect(result.outOfTime).toBe(true);
    expect(checks).toBe(3);
  });
});

describe('the person on call in a calendar event (16.4)', () => {
  it('16.4 the organizer listed as an attendee, with ROLE=CHAIR as Google exports it or in another case, is not on call: the other attendee is', async () => {
    // Prepare
    feed.calendar = calendar(
      vevent({
        UID: 'google@loopback',
        DTSTART: '20261129T120000Z',
        DTEND: '20261129T180000Z',
        ORGANIZER: ';CN=Boss:mailto:boss@lumos.com',
        ATTENDEE: [';CN=Boss;ROLE=CHAIR;PARTSTAT=ACCEPTED:mailto:boss@lumos.com', ';ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:mailto:peter@lumos.com'],
      }),
      vevent({
        UID: 'outlook@loopback',
        DTSTART: '20261129T180000Z',
        DTEND: '20261130T060000Z',
        ORGANIZER: 'mailto:Boss@Lumos.com',
        ATTENDEE: ['mailto:BOSS@lumos.com', 'mailto:mary@lumos.com'],
      }),
    );

    // Act
    const run = await fetchIcsShifts(source, secret, runOptions());

    // Assess
    expect(run.status).toBe('complete');
    expect(run.items.map((shift) => [shift.email, shift.starts_at])).toEqual([
      ['peter@lumos.com', '2026-11-29T12:00:00.000Z'],
      ['mary@lumos.com', '2026-11-29T18:00:00.000Z'],
    ]);
  });

  it('16.4 an attendee who declined, a room, a group and a non-participant are not on call: the one who takes part is', async () => {
    // Prepare
    feed.calendar = calendar(
      vevent({
        UID: 'crowd@loopback',
        DTSTART: '20261129T120000Z',
        DTEND: '20261129T180000Z',
        ATTENDEE: [
          ';PARTSTAT=DECLINED:mailto:declined@lumos.com',
          ';CUTYPE=ROOM:mailto:war-room@lumos.com',
          ';CUTYPE=GROUP:mailto:sre-team@lumos.com',
          ';ROLE=NON-PARTICIPANT:mailto:fyi@lumos.com',
          ';CUTYPE=INDIVIDUAL;ROLE=OPT-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:mary@lumos.com',
        ],
      }),
    );

    // Act
    const run = await fetchIcsShifts(source, secret, runOptions());

    // Assess
    expect(run).toMatchObject({ status: 'complete', items: [{ email: 'mary@lumos.com', starts_at: '2026-11-29T12:00:00.000Z' }] });
  });

  it('16.4 an event whose attendees name no one or several people on call is skipped as ambiguous_attendee, its UID noted, SUMMARY not read instead', () => {
    // Prepare: a twice-daily event with two people (two occurrences in the window), the organizer alone as chair, everyone declined
    const text = calendar(
      vevent({
        UID: 'two-people@loopback',
        DTSTART: '20261129T120000Z',
        DTEND: '20261129T180000Z',
        RRULE: 'FREQ=HOURLY;INTERVAL=12',
        ATTENDEE: ['mailto:peter@lumos.com', 'mailto:mary@lumos.com'],
      }),
      vevent({
        UID: 'chair-only@loopback',
        DTSTART: '20261129T120000Z',
        DTEND: '20261129T180000Z',
        ORGANIZER: 'mailto:boss@lumos.com',
        ATTENDEE: ';ROLE=CHAIR:mailto:boss@lumos.com',
        SUMMARY: 'On call: sam@lumos.com',
      }),
      vevent({
        UID: 'all-declined@loopback',
        DTSTART: '20261129T120000Z',
        DTEND: '20261129T180000Z',
        ATTENDEE: [';PARTSTAT=DECLINED:mailto:peter@lumos.com', ';PARTSTAT=declined:mailto:mary@lumos.com'],
      }),
    );

    // Act
    const result = parseIcsShifts(text, { schedule: 'rota', window: WINDOW });
    const run = result.collector.result();

    // Assess
    expect(run.items).toEqual([]);
    expect(run.skipped).toEqual({ ambiguous_attendee: 4 });
    expect(result.ambiguousUids).toEqual(['two-people@loopback', 'chair-only@loopback', 'all-declined@loopback']);
  });

  it('16.4 the same person listed twice is one person; one attendee without a usable address is unknown_email, SUMMARY not read instead', () => {
    // Prepare
    const text = calendar(
      vevent({
        UID: 'twice',
        DTSTART: '20261129T120000Z',
        DTEND: '20261129T180000Z',
        ATTENDEE: ['mailto:Peter@Lumos.com', ';CN=Peter:mailto:peter@lumos.com'],
      }),
      vevent({
        UID: 'no-address',
        DTSTART: '20261129T180000Z',
        DTEND: '20261130T060000Z',
        ATTENDEE: ';CN=Mary:urn:uuid:1234',
        SUMMARY: 'On call: sam@lumos.com',
      }),
    );

    // Act
    const run = parseIcsShifts(text, { schedule: 'rota', window: WINDOW }).collector.result();

    // Assess
    expect(run.items.map((shift) => shift.email)).toEqual(['peter@lumos.com']);
    expect(run.skipped).toEqual({ unknown_email: 1 });
  });
});

describe('events far outside the window (16.1)', () => {
  it('16.1 leaves out an all-day holiday years ago, with or without an end, rather than counting a skip', () => {
    // Prepare: RFC 5545 lets a date DTSTART stand without DTEND (one day)
    const text = calendar(
      vevent({ UID: 'xmas', 'DTSTART;VALUE=DATE': '20191225', 'DTEND;VALUE=DATE': '20191226', SUMMARY: 'Christmas' }),
      vevent({ UID: 'boxing', 'DTSTART;VALUE=DATE': '20191226', SUMMARY: 'Boxing Day' }),
      vevent({ UID: 'ok', DTSTART: '20261129T120000Z', DTEND: '20261129T180000Z', ATTENDEE: 'mailto:ok@lumos.com' }),
    );
    // Act
    const run = parseIcsShifts(text, { schedule: 'rota', window: WINDOW }).collector.result();
    // Assess
    expect(run.items.map((shift) => shift.email)).toEqual(['ok@lumos.com']);
    expect(run.skipped).toEqual({});
  });
});

describe('iCalendar reading bounded in time (16.5)', () => {
  // A Thursday start stepping seven days at a time never lands on a Sunday: ical.js walks candidates without end.
  const neverSunday = vevent({
    UID: 'never@loopback',
    DTSTART: '20261126T090000Z',
    DTEND: '20261126T170000Z',
    RRULE: 'FREQ=DAILY;INTERVAL=7;BYDAY=SU',
    ATTENDEE: 'mailto:never@lumos.com',
  });

  it("16.5 a feed with an RRULE that never matches fails the run at its deadline as deadline_exceeded, naming the feed's host only", async () => {
    // Prepare
    feed.calendar = calendar(vevent({ UID: 'ok', DTSTART: '20261129T120000Z', DTEND: '20261129T180000Z', ATTENDEE: 'mailto:ok@lumos.com' }), neverSunday);
    const startedAt = Date.now();

    // Act
    const run = await fetchIcsShifts(source, secret, runOptions({ deadline: new Deadline(2_000) }));

    // Assess
    expect(Date.now() - startedAt).toBeLessThan(4_000);
    expect(run).toMatchObject({ status: 'failed', items: [], failure: { reason: 'deadline_exceeded' } });
    expect(run.failure?.message).toBe(`the deadline passed while reading the feed at ${new URL(feed.url).host}`);
  });

  it('16.5 a stuck feed gives the CPU back well before a long deadline: its parse has a bound of its own', async () => {
    // Prepare: most of a run's two minutes left, and a feed's own bound of half a second
    feed.calendar = calendar(neverSunday);
    const startedAt = Date.now();

    // Act
    const run = await fetchIcsShifts(source, secret, runOptions({ deadline: new Deadline(120_000), maxCalendarParseMs: 500 }));

    // Assess
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(run).toMatchObject({ status: 'failed', failure: { reason: 'deadline_exceeded' } });
  });

  it("16.5 FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30 is skipped as bad_value at once, and the feed's other events are read", async () => {
    // Prepare
    feed.calendar = calendar(
      vevent({ UID: 'ok', DTSTART: '20261129T120000Z', DTEND: '20261129T180000Z', ATTENDEE: 'mailto:ok@lumos.com' }),
      vevent({
        UID: 'feb-30',
        DTSTART: '20260101T090000Z',
        DTEND: '20260101T170000Z',
        RRULE: 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30',
        ATTENDEE: 'mailto:x@lumos.com',
      }),
      vevent({
        UID: 'feb-29',
        DTSTART: '20261129T180000Z',
        DTEND: '20261130T060000Z',
        RRULE: 'FREQ=YEARLY;BYMONTH=2,11;BYMONTHDAY=-1,29',
        ATTENDEE: 'mailto:y@lumos.com',
      }),
    );

    // Act
    const run = await fetchIcsShifts(source, secret, runOptions({ deadline: new Deadline(20_000) }));

    // Assess
    expect(run.status).toBe('complete');
    expect(run.items.map((shift) => shift.email)).toEqual(['ok@lumos.com', 'y@lumos.com']);
    expect(run.skipped).toEqual({ bad_value: 1 });
  });
});

describe('calendar times bounded as imports bound them (16.7)', () => {
  /** A zone whose only offset is `offset`. */
  const zone = (tzid: string, offset: string) =>
    [
      'BEGIN:VTIMEZONE',
      `TZID:${tzid}`,
      'BEGIN:STANDARD',
      'DTSTART:19700101T000000',
      `TZOFFSETFROM:${offset}`,
      `TZOFFSETTO:${offset}`,
      'END:STANDARD',
      'END:VTIMEZONE',
    ].join('\r\n');

  it('16.7 an event in a VTIMEZONE with an offset beyond ±14 h (+2400) is skipped as bad_time, not moved by hours; +1400 is a real zone', async () => {
    // Prepare: ical.js reads +2400 as −03:00, so 09:00 on the 29th would become 12:00 UTC, inside the window
    feed.calendar = calendar(
      zone('Evil/Zone', '+2400'),
      zone('Pacific/Kiritimati', '+1400'),
      vevent({ UID: 'moved', DTSTART: ';TZID=Evil/Zone:20261129T090000', DTEND: ';TZID=Evil/Zone:20261129T150000', ATTENDEE: 'mailto:moved@lumos.com' }),
      vevent({
        UID: 'kiribati',
        DTSTART: ';TZID=Pacific/Kiritimati:20261130T020000',
        DTEND: ';TZID=Pacific/Kiritimati:20261130T100000',
        ATTENDEE: 'mailto:kiri@lumos.com',
      }),
    );

    // Act
    const run = await fetchIcsShifts(source, secret, runOptions());

    // Assess
    expect(run.items).toEqual([
      { schedule: 'support-rota', email: 'kiri@lumos.com', starts_at: '2026-11-29T12:00:00.000Z', ends_at: '2026-11-29T20:00:00.000Z' },
    ]);
    expect(run.skipped).toEqual({ bad_time: 1 });
  });

  it('16.7 a time before the year 1000 is skipped as bad_time (0026 is no 2026), recurring or not', async () => {
    // Prepare
    feed.calendar = calendar(
      vevent({ UID: 'typo', DTSTART: '00261129T120000Z', DTEND: '00261129T180000Z', ATTENDEE: 'mailto:typo@lumos.com' }),
      vevent({ UID: 'typo-yearly', DTSTART: '00261129T120000Z', DTEND: '00261129T180000Z', RRULE: 'FREQ=YEARLY', ATTENDEE: 'mailto:yearly@lumos.com' }),
    );

    // Act
    const run = await fetchIcsShifts(source, secret, runOptions());

    // Assess
    expect(run.items).toEqual([]);
    expect(run.skipped).toEqual({ bad_time: 2 });
  });

  it('16.7 an event longer than 31 days is skipped as bad_time, as imports refuse it; 31 days is a shift', async () => {
    // Prepare
    feed.calendar = calendar(
      vevent({ UID: 'forever', DTSTART: '20261101T000000Z', DTEND: '20261231T000000Z', ATTENDEE: 'mailto:forever@lumos.com' }),
      vevent({ UID: 'month', DTSTART: '20261101T000000Z', DTEND: '20261202T000000Z', ATTENDEE: 'mailto:month@lumos.com' }),
    );

    // Act
    const run = await fetchIcsShifts(source, secret, runOptions());

    // Assess
    expect(run.items.map((shift) => shift.email)).toEqual(['month@lumos.com']);
    expect(run.skipped).toEqual({ bad_time: 1 });
  });
});
