/**
 * Where the connectors meet arbitrary input: whatever a feed or an API page holds, a fetch never
 * throws, and every shift it returns overlaps the window, starts before it ends, and names a
 * well-formed, normalised email.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emailProblem, normaliseEmail } from '../../../src/lumos/email';
import type { IncidentIoSource, KnowBe4Source, PagerDutySource } from '../../../src/sync/source-item';
import { parseIcsShifts } from '../../../src/sync/sources/ics-parser';
import { fetchIncidentIoShifts } from '../../../src/sync/sources/incidentio';
import { fetchKnowBe4Training } from '../../../src/sync/sources/knowbe4';
import { fetchPagerDutyShifts } from '../../../src/sync/sources/pagerduty';
import type { SyncedShift } from '../../../src/sync/sync-result';
import { BERLIN, calendar, vevent } from '../../support/sources/ics-feed';
import { NOW, runOptions, WINDOW } from '../../support/sources/run-options';

function expectSoundShift(shift: SyncedShift): void {
  const start = Date.parse(shift.starts_at);
  const end = Date.parse(shift.ends_at);
  expect(start).toBeLessThan(end);
  expect(start).toBeLessThan(WINDOW.to.getTime());
  expect(end).toBeGreaterThan(WINDOW.from.getTime());
  expect(new Date(start).toISOString()).toBe(shift.starts_at);
  expect(normaliseEmail(shift.email)).toBe(shift.email);
  expect(emailProblem(shift.email)).toBeNull();
}

/** A local date-time within a few weeks of now, as iCalendar writes it: 20261129T090000. */
const icsTime = fc.integer({ min: -40 * 24, max: 40 * 24 }).map((hours) => new Date(NOW + hours * 3_600_000).toISOString().replace(/[-:]/g, '').slice(0, 15));
const zoned = fc.oneof(
  icsTime.map((time) => `${time}Z`),
  icsTime.map((time) => `;TZID=Europe/Berlin:${time}`),
  icsTime,
  icsTime.map((time) => `;VALUE=DATE:${time.slice(0, 8)}`),
  fc.string({ maxLength: 20 }),
);
const rrule = fc.oneof(
  fc.constantFrom(
    'FREQ=DAILY',
    'FREQ=WEEKLY;INTERVAL=2',
    'FREQ=WEEKLY;BYDAY=MO,TH',
    'FREQ=HOURLY;INTERVAL=6',
    'FREQ=MONTHLY;BYMONTHDAY=31',
    'FREQ=DAILY;COUNT=3',
  ),
  fc.constantFrom('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', 'FREQ=MINUTELY;INTERVAL=7', 'FREQ=WEEKLY;UNTIL=20261101T000000Z', 'FREQ=BOGUS', 'INTERVAL=-1'),
  fc.string({ maxLength: 30 }),
);
const person = fc.oneof(fc.emailAddress(), fc.constantFrom('Peter@Lumos.com', 'not an email', 'a@b@c', ''), fc.string({ maxLength: 40 }));
const event = fc
  .record(
    {
      UID: fc.constantFrom('a', 'b', 'c'),
      DTSTART: zoned,
      DTEND: zoned,
      DURATION: fc.constantFrom('PT8H', 'P1D', '-PT1H', 'nonsense'),
      RRULE: rrule,
      EXDATE: zoned,
      'RECURRENCE-ID': zoned,
      STATUS: fc.constantFrom('CONFIRMED', 'CANCELLED', 'cancelled'),
      ATTENDEE: person.map((email) => `;CN=Someone:mailto:${email}`),
      SUMMARY: person.map((email) => `On call: ${email}`),
    },
    { requiredKeys: ['UID'] },
  )
  .map((properties) => vevent(properties));

describe('the iCalendar parser on arbitrary input', () => {
  it('never throws on any text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.array(fc.string()).map((lines) => calendar(...lines)),
        ),
        (text) => {
          const result = parseIcsShifts(text, { schedule: 'rota', window: WINDOW });
          for (const shift of result.collector.result().items) expectSoundShift(shift);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('returns only shifts that overlap the window, start before they end, and name a normalised email', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 6 }), fc.boolean(), (events, withZone) => {
        const text = withZone ? calendar(BERLIN, ...events) : calendar(...events);
        const run = parseIcsShifts(text, { schedule: 'rota', window: WINDOW }).collector.result();
        for (const shift of run.items) {
          expectSoundShift(shift);
          expect(shift.schedule).toBe('rota');
        }
      }),
      { numRuns: 200 },
    );
  });
});

/** Any JSON value, with the shapes the APIs use mixed in so the readers get past their first checks. */
const instant = fc.integer({ min: -72, max: 72 }).map((hours) => new Date(NOW + hours * 3_600_000).toISOString());
const hostile = fc.oneof(fc.jsonValue({ maxDepth: 2 }), instant, fc.emailAddress(), fc.constant(null), fc.constantFrom('P1', 'PAYMENTS', 1, 'Passed'));
const page = (entry: fc.Arbitrary<unknown>) => fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.array(entry, { maxLength: 8 }));

const fetchServing = (bodies: unknown[]) => {
  let index = 0;
  return async () => new Response(JSON.stringify(bodies[index++ % bodies.length] ?? null), { status: 200 });
};
const secret = { api_key: 'k', allowed_hosts: ['api.pagerduty.com', 'api.incident.io', 'us.api.knowbe4.com'] };

describe('the API connectors on arbitrary pages', () => {
  it('PagerDuty: never throws; every shift is sound and of a mapped schedule', async () => {
    const source: PagerDutySource = { id: 'pd', type: 'pagerduty', secret: 's', stale_after: 30, region: 'us', schedules: { PAYMENTS: 'payments-oncall' } };
    const oncall = fc.record({
      schedule: fc.oneof(hostile, fc.record({ id: hostile })),
      user: fc.oneof(hostile, fc.record({ email: hostile })),
      escalation_level: hostile,
      start: hostile,
      end: hostile,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            page(oncall).map((oncalls) => ({ oncalls, more: false })),
            fc.jsonValue(),
          ),
          { minLength: 1, maxLength: 3 },
        ),
        async (bodies) => {
          const run = await fetchPagerDutyShifts(source, secret, runOptions({ fetch: fetchServing(bodies), maxPages: 3 }));
          for (const shift of run.items) {
            expectSoundShift(shift);
            expect(shift.schedule).toBe('payments-oncall');
            if (shift.escalation_level !== undefined) expect(Number.isSafeInteger(shift.escalation_level)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('incident.io: never throws; every shift is sound', async () => {
    const source: IncidentIoSource = { id: 'inc', type: 'incidentio', secret: 's', stale_after: 30, schedules: { S1: 'platform' } };
    const entry = fc.record({ start_at: hostile, end_at: hostile, user: fc.oneof(hostile, fc.record({ email: hostile })) });
    const body = fc.record({
      schedule_entries: fc.oneof(hostile, fc.record({ final: page(entry) })),
      pagination_meta: fc.oneof(fc.constant(undefined), hostile),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(body, { minLength: 1, maxLength: 3 }), async (bodies) => {
        const run = await fetchIncidentIoShifts(source, secret, runOptions({ fetch: fetchServing(bodies), maxPages: 3 }));
        for (const shift of run.items) expectSoundShift(shift);
      }),
      { numRuns: 200 },
    );
  });

  it('KnowBe4: never throws; every record has a normalised email, a mapped course and a UTC instant', async () => {
    const source: KnowBe4Source = { id: 'kb4', type: 'knowbe4', secret: 's', stale_after: 30, region: 'us', campaigns: { '1': 'security-awareness' } };
    const enrollment = fc.record({
      status: fc.oneof(fc.constant('Passed'), hostile),
      completion_date: hostile,
      user: fc.oneof(hostile, fc.record({ id: hostile, email: hostile })),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(page(enrollment), { minLength: 1, maxLength: 3 }), async (bodies) => {
        const run = await fetchKnowBe4Training(source, secret, runOptions({ fetch: fetchServing(bodies), maxPages: 3 }));
        for (const record of run.items) {
          expect(record.course).toBe('security-awareness');
          expect(emailProblem(record.email)).toBeNull();
          expect(new Date(record.completed_at).toISOString()).toBe(record.completed_at);
        }
      }),
      { numRuns: 200 },
    );
  });
});
