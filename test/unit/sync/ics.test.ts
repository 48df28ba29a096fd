import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
    expect(run.status).toBe('partial');
    expect(run.items.map((shift) => shift.email)).toEqual(['ok@lumos.com']);
    expect(run.skipped).toEqual({ bad_time: 3, no_end: 1, unknown_email: 2 });
  });

  it('skips a recurring event without DTSTART instead of walking it forever', async () => {
    // Prepare
    feed.calendar = calendar(vevent({ UID: 'no-start', DTEND: '20261129T180000Z', RRULE: 'FREQ=WEEKLY;BYDAY=MO,TH', ATTENDEE: 'mailto:x@lumos.com' }));

    // Act
    const run = await fetchIcsShifts(source, secret, runOptions());

    // Assess
    expect(run).toMatchObject({ status: 'partial', items: [], skipped: { bad_time: 1 } });
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
