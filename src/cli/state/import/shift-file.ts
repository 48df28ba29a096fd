/**
 * The shifts an import file lists for one schedule: a CSV `email,starts_at,ends_at` or an
 * iCalendar file (`.ics`, read as the `ics` source reads a feed). Every shift passes the same
 * checks, so a row the functions could not use is rejected here rather than written.
 */
import { parseIcsShifts } from '../../../sync/sources/ics-parser';
import type { SkipReason } from '../../../sync/sync-result';
import { UsageError } from '../../shared/usage-error';
import { checkEmail, checkInstant } from './cell-checks';
import { csvTable } from './csv-table';
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
/** Longer than a month is a typo (a year for a month), not a shift: it would keep someone on call unnoticed. */
export const MAX_SHIFT_DAYS = 31;
/** A calendar's events from a day ago (so an ongoing shift is kept) to a year ahead. */
const ICS_PAST_MS = DAY_MS;
const ICS_AHEAD_MS = 365 * DAY_MS;

export function readShiftFile(file: string, text: string, schedule: string, now: Date): ShiftFile {
  return /\.ics$/i.test(file) ? readIcs(file, text, schedule, now) : readCsv(file, text);
}

function readCsv(file: string, text: string): ShiftFile {
  const { rows, rejected } = csvTable(file, text, ['email', 'starts_at', 'ends_at']);
  const shifts: FileShift[] = [];
  for (const { line, cells } of rows) {
    const email = checkEmail(cells.email ?? '');
    const starts = checkInstant(cells.starts_at ?? '', 'starts_at');
    const ends = checkInstant(cells.ends_at ?? '', 'ends_at');
    if (!email.ok) rejected.push({ line, value: cells.email ?? '', reason: email.reason });
    else if (!starts.ok) rejected.push({ line, value: cells.starts_at ?? '', reason: starts.reason });
    else if (!ends.ok) rejected.push({ line, value: cells.ends_at ?? '', reason: ends.reason });
    else {
      const problem = durationProblem(starts.value, ends.value);
      if (problem === null) shifts.push({ line, email: email.value, startsAt: starts.value, endsAt: ends.value });
      else rejected.push({ line, value: cells.ends_at ?? '', reason: problem });
    }
  }
  rejected.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { shifts, rejected };
}

function durationProblem(startsAt: Date, endsAt: Date): string | null {
  const length = endsAt.getTime() - startsAt.getTime();
  if (length <= 0) return 'ends_at is not after starts_at';
  if (length > MAX_SHIFT_DAYS * DAY_MS) return `a shift longer than ${MAX_SHIFT_DAYS} days`;
  return null;
}

const ICS_REASONS: Partial<Record<SkipReason, string>> = {
  unknown_email: 'no email in ATTENDEE or SUMMARY',
  no_end: 'no DTEND or DURATION: a shift without an end',
  bad_time: 'a time that does not parse, has no zone, or ends before it starts',
  bad_value: 'an event that cannot be read',
  too_many_occurrences: 'a recurring event with more occurrences than can be read',
};

function readIcs(file: string, text: string, schedule: string, now: Date): ShiftFile {
  const window = { from: new Date(now.getTime() - ICS_PAST_MS), to: new Date(now.getTime() + ICS_AHEAD_MS) };
  const { parsed, collector } = parseIcsShifts(text, { schedule, window });
  if (!parsed) throw new UsageError(`${file}: not an iCalendar file (BEGIN:VCALENDAR … END:VCALENDAR)`);
  const run = collector.result();
  const rejected: Rejection[] = Object.entries(run.skipped).map(([reason, count]) => ({
    line: null,
    value: `${count} event${count === 1 ? '' : 's'}`,
    reason: ICS_REASONS[reason as SkipReason] ?? reason,
  }));
  const shifts: FileShift[] = [];
  for (const shift of run.items) {
    const startsAt = new Date(shift.starts_at);
    const endsAt = new Date(shift.ends_at);
    const problem = durationProblem(startsAt, endsAt);
    if (problem === null) shifts.push({ line: null, email: shift.email, startsAt, endsAt });
    else rejected.push({ line: null, value: `${shift.email} ${shift.starts_at}`, reason: problem });
  }
  return { shifts, rejected, window };
}
