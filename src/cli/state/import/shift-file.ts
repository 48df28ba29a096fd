/**
 * The shifts an import file lists for one schedule: a CSV `email,starts_at,ends_at` or an
 * iCalendar file (`.ics`, read as the `ics` source reads a feed). Every shift passes the same
 * checks, so a row the functions could not use is rejected here rather than written.
 */
import { MAX_SHIFT_DAYS, MAX_SHIFT_MS } from '../../../store/shift-item';
import { CalendarTooLargeError, expandIcs } from '../../../sync/sources/ics-expansion';
import type { SkipReason } from '../../../sync/sync-result';
import { UsageError } from '../../shared/usage-error';
import { checkEmail, checkInstant } from './cell-checks';
import { type CsvRow, csvTable } from './csv-table';
import type { Rejection } from './rejection';

export interface FileShift {
  line: number | null;
  email: string;
  startsAt: Date;
  endsAt: Date;
}

export interface ShiftFile {
  shifts: FileShift[];
  rejected: Rejection[];
  /** For a calendar: the window its events were read in (recurring events are endless otherwise). */
  window?: { from: Date; to: Date };
}

const DAY_MS = 86_400_000;
/** A calendar's events from a day ago (so an ongoing shift is kept) to a year ahead. */
const ICS_PAST_MS = DAY_MS;
const ICS_AHEAD_MS = 365 * DAY_MS;
/** Time a calendar is read in (`import-shifts --calendar-timeout`): an RRULE that never matches can keep ical.js busy for minutes. */
export const CALENDAR_TIMEOUT_SECONDS = 30;

export async function readShiftFile(
  file: string,
  text: string,
  schedule: string,
  now: Date,
  calendarTimeoutSeconds = CALENDAR_TIMEOUT_SECONDS,
): Promise<ShiftFile> {
  return /\.ics$/i.test(file) ? readIcs(file, text, schedule, now, calendarTimeoutSeconds) : readCsv(file, text);
}

function readCsv(file: string, text: string): ShiftFile {
  const { rows, rejected } = csvTable(file, text, ['email', 'starts_at', 'ends_at']);
  const shifts: FileShift[] = [];
  for (const row of rows) {
    const read = csvShift(row);
    if ('reason' in read) rejected.push(read);
    else shifts.push(read);
  }
  rejected.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { shifts, rejected };
}

/** One row as a shift, or the first cell that stops it being one. */
function csvShift({ line, cells }: CsvRow): FileShift | Rejection {
  const email = checkEmail(cells.email ?? '');
  const starts = checkInstant(cells.starts_at ?? '', 'starts_at');
  const ends = checkInstant(cells.ends_at ?? '', 'ends_at');
  if (!email.ok) return { line, value: cells.email ?? '', reason: email.reason };
  if (!starts.ok) return { line, value: cells.starts_at ?? '', reason: starts.reason };
  if (!ends.ok) return { line, value: cells.ends_at ?? '', reason: ends.reason };
  const problem = durationProblem(starts.value, ends.value);
  return problem === null ? { line, email: email.value, startsAt: starts.value, endsAt: ends.value } : { line, value: cells.ends_at ?? '', reason: problem };
}

function durationProblem(startsAt: Date, endsAt: Date): string | null {
  const length = endsAt.getTime() - startsAt.getTime();
  if (length <= 0) return 'ends_at is not after starts_at';
  if (length > MAX_SHIFT_MS) return `a shift longer than ${MAX_SHIFT_DAYS} days`;
  return null;
}

const ICS_REASONS: Partial<Record<SkipReason, string>> = {
  unknown_email: 'no email in ATTENDEE or SUMMARY',
  no_end: 'no DTEND or DURATION: a shift without an end',
  bad_time: `a time that does not parse, has no zone, is before the year 1000 or in a VTIMEZONE with an offset beyond ±14 h, or ends before it starts or more than ${MAX_SHIFT_DAYS} days after`,
  bad_value: 'an event that cannot be read',
  too_many_occurrences: 'a recurring event with more occurrences than can be read',
};
const AMBIGUOUS_ATTENDEE =
  'its ATTENDEEs do not name exactly one person on call (not the ORGANIZER, not DECLINED, CUTYPE=INDIVIDUAL, not ROLE=CHAIR or NON-PARTICIPANT)';

async function readIcs(file: string, text: string, schedule: string, now: Date, timeoutSeconds: number): Promise<ShiftFile> {
  const window = { from: new Date(now.getTime() - ICS_PAST_MS), to: new Date(now.getTime() + ICS_AHEAD_MS) };
  const expansion = await expandIcs(text, { schedule, window }, timeoutSeconds * 1000).catch((error: unknown) => {
    if (error instanceof CalendarTooLargeError) throw new UsageError(`${file}: ${error.message}, so nothing was imported`);
    throw error;
  });
  if (expansion.outOfTime) {
    throw new UsageError(
      `${file}: reading the calendar took longer than ${timeoutSeconds} s (--calendar-timeout), so nothing was imported: a recurring event whose RRULE never matches can do that`,
    );
  }
  if (!expansion.parsed) throw new UsageError(`${file}: not an iCalendar file (BEGIN:VCALENDAR … END:VCALENDAR)`);
  // Each ambiguous event is listed by its UID (the count covers its occurrences), the other skips by count.
  const rejected: Rejection[] = [
    ...Object.entries(expansion.skipped)
      .filter(([reason]) => reason !== 'ambiguous_attendee')
      .map(([reason, count]) => ({
        line: null,
        value: `${count} event${count === 1 ? '' : 's'}`,
        reason: ICS_REASONS[reason as SkipReason] ?? reason,
      })),
    ...expansion.ambiguousUids.map((uid) => ({ line: null, value: `UID:${uid}`, reason: AMBIGUOUS_ATTENDEE })),
  ];
  const shifts: FileShift[] = [];
  for (const shift of expansion.shifts) {
    const startsAt = new Date(shift.starts_at);
    const endsAt = new Date(shift.ends_at);
    const problem = durationProblem(startsAt, endsAt);
    if (problem === null) shifts.push({ line: null, email: shift.email, startsAt, endsAt });
    else rejected.push({ line: null, value: `${shift.email} ${shift.starts_at}`, reason: problem });
  }
  return { shifts, rejected, window };
}
