/**
 * The calendar worker's bounds besides the deadline: a feed that needs more memory than the
 * worker's heap ends as CalendarTooLargeError (the sync fails that source as too_large, the import
 * says so), and the worker is gone either way.
 */
import { describe, expect, it } from 'vitest';
import { CalendarTooLargeError, expandIcs } from '../../../src/sync/sources/ics-expansion';

const HOUR = 3_600_000;
const stamp = (at: number) => `${new Date(at).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;

/** Many events in the window, each a shift the parse keeps. */
function bigCalendar(events: number): string {
  const now = Date.now();
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0'];
  for (let index = 0; index < events; index += 1) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:e${index}`,
      `DTSTART:${stamp(now + HOUR)}`,
      `DTEND:${stamp(now + 2 * HOUR)}`,
      `SUMMARY:On call: p${index}@lumos.com`,
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR', '');
  return lines.join('\r\n');
}

describe('16.5 the calendar worker is bounded in memory as well as in time', () => {
  it('16.5 ends a parse that needs more than its heap as CalendarTooLargeError', async () => {
    // Prepare
    const text = bigCalendar(40_000);
    const window = { from: new Date(Date.now() - HOUR), to: new Date(Date.now() + 24 * HOUR) };
    // Act / Assess: 8 MB of heap is far less than 40,000 events need
    await expect(expandIcs(text, { schedule: 'big', window }, 60_000, 8)).rejects.toBeInstanceOf(CalendarTooLargeError);
  });

  it('16.5 reads a feed at the 5 MiB body bound with the default heap', async () => {
    // Prepare: about 40,000 events, each a shift in the window
    const text = bigCalendar(40_000);
    expect(text.length).toBeGreaterThan(4.5 * 1024 * 1024);
    const window = { from: new Date(Date.now() - HOUR), to: new Date(Date.now() + 24 * HOUR) };
    // Act
    const expansion = await expandIcs(text, { schedule: 'big', window }, 60_000);
    // Assess
    expect(expansion.outOfTime === false && expansion.shifts).toHaveLength(40_000);
  });

  it('reads the same feed with the default heap', async () => {
    // Prepare
    const text = bigCalendar(2_000);
    const window = { from: new Date(Date.now() - HOUR), to: new Date(Date.now() + 24 * HOUR) };
    // Act
    const expansion = await expandIcs(text, { schedule: 'big', window }, 60_000);
    // Assess
    expect(expansion).toMatchObject({ outOfTime: false, parsed: true });
    expect(expansion.outOfTime === false && expansion.shifts).toHaveLength(2_000);
  });
});
