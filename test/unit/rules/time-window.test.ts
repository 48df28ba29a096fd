import { describe, expect, it } from 'vitest';
import type { Condition } from '../../../src/rules/conditions';
import { formatClock, inTimeWindow, localTime, parseClock } from '../../../src/rules/time-window';
import { condition } from '../../support/rules';

type Window = Extract<Condition, { type: 'time_window' }>;

/** A window as an admin writes it in a rule. */
function window(raw: { days?: string[]; from: string; to: string; tz: string }): Window {
  const parsed = condition({ time_window: raw });
  if (parsed.type !== 'time_window') throw new Error('not a time window');
  return parsed;
}

function inside(w: Window, iso: string): boolean {
  return inTimeWindow(w, new Date(iso));
}

describe('Europe/Berlin across the DST changes of 2026', () => {
  const officeHours = window({ from: '09:00', to: '17:00', tz: 'Europe/Berlin' });

  it('keeps office hours at 09:00 local on both sides of the spring change', () => {
    // Saturday 28 March is CET (UTC+1), Sunday 29 March is CEST (UTC+2).
    expect(inside(officeHours, '2026-03-28T07:59:00Z')).toBe(false); // 08:59 CET
    expect(inside(officeHours, '2026-03-28T08:00:00Z')).toBe(true); // 09:00 CET
    expect(inside(officeHours, '2026-03-29T06:59:00Z')).toBe(false); // 08:59 CEST
    expect(inside(officeHours, '2026-03-29T07:00:00Z')).toBe(true); // 09:00 CEST
    expect(inside(officeHours, '2026-03-29T14:59:00Z')).toBe(true); // 16:59 CEST
    expect(inside(officeHours, '2026-03-29T15:00:00Z')).toBe(false); // 17:00 CEST
  });

  it('follows the clock jump from 02:00 to 03:00 on 29 March', () => {
    // Prepare
    const nightShift = window({ days: ['sun'], from: '01:00', to: '03:00', tz: 'Europe/Berlin' });
    const skippedHour = window({ days: ['sun'], from: '02:00', to: '03:00', tz: 'Europe/Berlin' });
    // Act / Assess
    expect(inside(nightShift, '2026-03-29T00:30:00Z')).toBe(true); // 01:30 CET
    expect(inside(nightShift, '2026-03-29T00:59:00Z')).toBe(true); // 01:59 CET
    expect(inside(nightShift, '2026-03-29T01:00:00Z')).toBe(false); // 03:00 CEST: the hour 02:xx does not exist
    expect(inside(skippedHour, '2026-03-29T00:59:00Z')).toBe(false);
    expect(inside(skippedHour, '2026-03-29T01:00:00Z')).toBe(false);
  });

  it('covers the repeated hour 02:00–03:00 twice on 25 October', () => {
    const repeatedHour = window({ days: ['sun'], from: '02:00', to: '03:00', tz: 'Europe/Berlin' });
    expect(inside(repeatedHour, '2026-10-24T23:59:00Z')).toBe(false); // 01:59 CEST
    expect(inside(repeatedHour, '2026-10-25T00:30:00Z')).toBe(true); // 02:30 CEST
    expect(inside(repeatedHour, '2026-10-25T01:30:00Z')).toBe(true); // 02:30 CET, again
    expect(inside(repeatedHour, '2026-10-25T02:00:00Z')).toBe(false); // 03:00 CET
  });
});

describe('America/Los_Angeles', () => {
  const weekdays = window({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00', tz: 'America/Los_Angeles' });

  it('uses the local day, not the UTC day', () => {
    expect(inside(weekdays, '2026-01-15T16:59:00Z')).toBe(false); // Thu 08:59 PST
    expect(inside(weekdays, '2026-01-15T17:00:00Z')).toBe(true); // Thu 09:00 PST
    expect(inside(weekdays, '2026-01-16T00:59:00Z')).toBe(true); // Friday in UTC, Thu 16:59 PST
    expect(inside(weekdays, '2026-01-16T01:00:00Z')).toBe(false); // Thu 17:00 PST
    expect(inside(weekdays, '2026-01-17T00:30:00Z')).toBe(true); // Saturday in UTC, Fri 16:30 PST
    expect(inside(weekdays, '2026-01-17T17:30:00Z')).toBe(false); // Sat 09:30 PST
  });

  it('moves with daylight saving time (8 March 2026)', () => {
    expect(inside(weekdays, '2026-03-06T16:00:00Z')).toBe(false); // Fri 08:00 PST
    expect(inside(weekdays, '2026-03-09T16:00:00Z')).toBe(true); // Mon 09:00 PDT
  });
});

describe('Asia/Kolkata (UTC+05:30)', () => {
  const officeHours = window({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00', tz: 'Asia/Kolkata' });

  it('applies the half-hour offset at both ends', () => {
    expect(inside(officeHours, '2026-03-30T03:29:00Z')).toBe(false); // Mon 08:59 IST
    expect(inside(officeHours, '2026-03-30T03:30:00Z')).toBe(true); // Mon 09:00 IST
    expect(inside(officeHours, '2026-03-30T12:29:00Z')).toBe(true); // Mon 17:59 IST
    expect(inside(officeHours, '2026-03-30T12:30:00Z')).toBe(false); // Mon 18:00 IST
  });

  it('is already Monday in Kolkata while it is Sunday in UTC', () => {
    // Prepare
    const mondayEarly = window({ days: ['mon'], from: '00:00', to: '02:00', tz: 'Asia/Kolkata' });
    // Act / Assess
    expect(localTime(new Date('2026-03-29T19:00:00Z'), 'Asia/Kolkata')).toEqual({ weekday: 'mon', minutes: 30 });
    expect(inside(mondayEarly, '2026-03-29T19:00:00Z')).toBe(true);
    expect(inside(mondayEarly, '2026-03-29T18:29:00Z')).toBe(false); // Sun 23:59 IST
  });
});

describe('UTC and day filters', () => {
  const officeHours = window({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00', tz: 'UTC' });

  it('holds from the start up to, not including, the end', () => {
    expect(inside(officeHours, '2026-03-30T08:59:59Z')).toBe(false);
    expect(inside(officeHours, '2026-03-30T09:00:00Z')).toBe(true);
    expect(inside(officeHours, '2026-03-30T16:59:59Z')).toBe(true);
    expect(inside(officeHours, '2026-03-30T17:00:00Z')).toBe(false);
  });

  it('does not hold at the same hour on a day it does not list', () => {
    expect(inside(officeHours, '2026-03-29T12:00:00Z')).toBe(false); // Sunday
    expect(inside(officeHours, '2026-04-04T12:00:00Z')).toBe(false); // Saturday
  });

  it.each([
    ['mon', '2026-03-30T12:00:00Z'],
    ['tue', '2026-03-31T12:00:00Z'],
    ['wed', '2026-04-01T12:00:00Z'],
    ['thu', '2026-04-02T12:00:00Z'],
    ['fri', '2026-04-03T12:00:00Z'],
    ['sat', '2026-04-04T12:00:00Z'],
    ['sun', '2026-04-05T12:00:00Z'],
  ])('a window on %s holds on that day only', (day, noon) => {
    // Prepare
    const only = window({ days: [day], from: '11:00', to: '13:00', tz: 'UTC' });
    const otherDays = window({ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].filter((d) => d !== day), from: '11:00', to: '13:00', tz: 'UTC' });
    // Act / Assess
    expect(localTime(new Date(noon), 'UTC').weekday).toBe(day);
    expect(inside(only, noon)).toBe(true);
    expect(inside(otherDays, noon)).toBe(false);
  });

  it('holds every day when no days are given', () => {
    const daily = window({ from: '11:00', to: '13:00', tz: 'UTC' });
    expect(inside(daily, '2026-03-29T12:00:00Z')).toBe(true);
    expect(inside(daily, '2026-04-01T12:00:00Z')).toBe(true);
    expect(inside(daily, '2026-04-01T13:00:00Z')).toBe(false);
  });
});

describe('windows across midnight', () => {
  const fridayNight = window({ days: ['fri'], from: '22:00', to: '06:00', tz: 'UTC' });

  it('Friday 22:00–06:00 includes Saturday 03:00 but not Friday 03:00', () => {
    expect(inside(fridayNight, '2026-04-04T03:00:00Z')).toBe(true); // Saturday 03:00
    expect(inside(fridayNight, '2026-04-03T03:00:00Z')).toBe(false); // Friday 03:00 (Thursday's night)
  });

  it('starts Friday 22:00 and ends, exclusively, Saturday 06:00', () => {
    expect(inside(fridayNight, '2026-04-03T21:59:00Z')).toBe(false);
    expect(inside(fridayNight, '2026-04-03T22:00:00Z')).toBe(true);
    expect(inside(fridayNight, '2026-04-03T23:59:59Z')).toBe(true);
    expect(inside(fridayNight, '2026-04-04T00:00:00Z')).toBe(true);
    expect(inside(fridayNight, '2026-04-04T05:59:00Z')).toBe(true);
    expect(inside(fridayNight, '2026-04-04T06:00:00Z')).toBe(false);
  });

  it('does not hold on Saturday night or Sunday morning', () => {
    expect(inside(fridayNight, '2026-04-04T22:30:00Z')).toBe(false);
    expect(inside(fridayNight, '2026-04-05T03:00:00Z')).toBe(false);
  });

  it('works the same in a local zone (Europe/Berlin, CEST)', () => {
    const berlinFridayNight = window({ days: ['fri'], from: '22:00', to: '06:00', tz: 'Europe/Berlin' });
    expect(inside(berlinFridayNight, '2026-04-04T01:00:00Z')).toBe(true); // Sat 03:00 CEST
    expect(inside(berlinFridayNight, '2026-04-03T01:00:00Z')).toBe(false); // Fri 03:00 CEST
    expect(inside(berlinFridayNight, '2026-04-03T20:00:00Z')).toBe(true); // Fri 22:00 CEST
    expect(inside(berlinFridayNight, '2026-04-03T19:59:00Z')).toBe(false); // Fri 21:59 CEST
  });
});

describe('24:00 as the end of the day', () => {
  it('holds until the last minute of the listed day and not at midnight after it', () => {
    // Prepare
    const fridayEvening = window({ days: ['fri'], from: '18:00', to: '24:00', tz: 'UTC' });
    // Act / Assess
    expect(inside(fridayEvening, '2026-04-03T17:59:00Z')).toBe(false);
    expect(inside(fridayEvening, '2026-04-03T18:00:00Z')).toBe(true);
    expect(inside(fridayEvening, '2026-04-03T23:59:59Z')).toBe(true);
    expect(inside(fridayEvening, '2026-04-04T00:00:00Z')).toBe(false);
  });

  it('00:00–24:00 covers the whole listed day and nothing else', () => {
    const saturday = window({ days: ['sat'], from: '00:00', to: '24:00', tz: 'UTC' });
    expect(inside(saturday, '2026-04-03T23:59:00Z')).toBe(false);
    expect(inside(saturday, '2026-04-04T00:00:00Z')).toBe(true);
    expect(inside(saturday, '2026-04-04T23:59:00Z')).toBe(true);
    expect(inside(saturday, '2026-04-05T00:00:00Z')).toBe(false);
  });
});

describe('clock parsing', () => {
  it.each([
    ['00:00', 0],
    ['9:05', 545],
    ['09:05', 545],
    ['23:59', 1439],
    ['24:00', 1440],
    [' 17:30 ', 1050],
  ])('reads %j as %d minutes', (clock, minutes) => {
    expect(parseClock(clock)).toBe(minutes);
  });

  it.each(['24:01', '25:00', '12:60', '1200', '12:0', 'noon', '', '-1:00'])('refuses %j', (clock) => {
    expect(parseClock(clock)).toBeNull();
  });

  it('formats minutes back as HH:MM', () => {
    expect(formatClock(0)).toBe('00:00');
    expect(formatClock(545)).toBe('09:05');
    expect(formatClock(1440)).toBe('24:00');
  });
});
