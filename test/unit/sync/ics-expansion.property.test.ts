/**
 * The calendar parse in its worker thread (src/sync/sources/ics-expansion.ts) on arbitrary
 * recurrence rules: whatever RRULE parts a feed combines, reading it returns within its bound
 * (given up as out of time, or read), and what it read is sound.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emailProblem } from '../../../src/lumos/email';
import { expandIcs } from '../../../src/sync/sources/ics-expansion';
import { calendar, vevent } from '../../support/sources/ics-feed';
import { WINDOW } from '../../support/sources/run-options';

const BOUND_MS = 1_000;
/** Terminating a thread and hearing of it; the worker's start is inside the bound. */
const END_MS = 500;

const list = <T>(item: fc.Arbitrary<T>) => fc.array(item, { minLength: 1, maxLength: 3 }).map((items) => items.join(','));
const weekday = fc.constantFrom('MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU');
const part = (name: string, value: fc.Arbitrary<string>) => value.map((text) => `${name}=${text}`);
/** A FREQ and up to three other parts: more, and ical.js refuses almost every combination before walking it. */
const rrule = fc
  .tuple(
    fc.constantFrom('SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'),
    fc.array(
      fc.oneof(
        part('INTERVAL', fc.integer({ min: 1, max: 400 }).map(String)),
        part('BYMONTH', list(fc.integer({ min: 1, max: 12 }).map(String))),
        part(
          'BYMONTHDAY',
          list(
            fc
              .integer({ min: -31, max: 31 })
              .filter((day) => day !== 0)
              .map(String),
          ),
        ),
        part('BYDAY', list(fc.tuple(fc.constantFrom('', '1', '-1', '2', '5', '-5', '+3'), weekday).map(([n, day]) => `${n}${day}`))),
        part(
          'BYYEARDAY',
          list(
            fc
              .integer({ min: -366, max: 366 })
              .filter((day) => day !== 0)
              .map(String),
          ),
        ),
        part(
          'BYWEEKNO',
          list(
            fc
              .integer({ min: -53, max: 53 })
              .filter((week) => week !== 0)
              .map(String),
          ),
        ),
        part('BYHOUR', list(fc.integer({ min: 0, max: 23 }).map(String))),
        part('BYMINUTE', list(fc.integer({ min: 0, max: 59 }).map(String))),
        part(
          'BYSETPOS',
          list(
            fc
              .integer({ min: -5, max: 5 })
              .filter((position) => position !== 0)
              .map(String),
          ),
        ),
        part('COUNT', fc.integer({ min: 1, max: 50 }).map(String)),
        part('UNTIL', fc.constantFrom('20261130T000000Z', '20301231T235959Z', '20200101T000000Z')),
        part('WKST', weekday),
      ),
      { maxLength: 3 },
    ),
  )
  .map(([freq, others]) => [`FREQ=${freq}`, ...others].join(';'));
const event = fc.tuple(fc.integer({ min: -400, max: 30 }), rrule).map(([days, rule]) => {
  const start = new Date(WINDOW.from.getTime() + days * 86_400_000);
  const stamp = (at: Date) =>
    at
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
  return vevent({
    UID: `${days}-${rule}`,
    DTSTART: stamp(start),
    DTEND: stamp(new Date(start.getTime() + 8 * 3_600_000)),
    RRULE: rule,
    ATTENDEE: 'mailto:peter@lumos.com',
  });
});

describe('reading a calendar with arbitrary recurrence rules (16.5)', () => {
  it('16.5 returns within its bound, whatever the RRULE parts, and every shift it read is sound', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 4 }), async (events) => {
        const startedAt = Date.now();
        const expansion = await expandIcs(calendar(...events), { schedule: 'rota', window: WINDOW }, BOUND_MS);
        expect(Date.now() - startedAt).toBeLessThan(BOUND_MS + END_MS);
        if (expansion.outOfTime) return;
        expect(expansion.parsed).toBe(true);
        for (const shift of expansion.shifts) {
          expect(Date.parse(shift.starts_at)).toBeLessThan(Date.parse(shift.ends_at));
          expect(Date.parse(shift.starts_at)).toBeLessThan(WINDOW.to.getTime());
          expect(Date.parse(shift.ends_at)).toBeGreaterThan(WINDOW.from.getTime());
          expect(emailProblem(shift.email)).toBeNull();
        }
      }),
      // About half the runs end at the bound (a second each): ten give both kinds, on a fixed seed.
      { numRuns: 10 },
    );
  });
});
