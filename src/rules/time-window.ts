/**
 * `time_window {days, from, to, tz}`: local wall-clock time in an IANA zone. A window whose
 * `to` is earlier than its `from` runs past midnight and belongs to the day it starts on
 * (Friday 22:00–06:00 covers Saturday 03:00).
 */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat {
  let formatter = formatters.get(tz);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(tz, formatter);
  }
  return formatter;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

/** "HH:MM" (24-hour; "24:00" allowed as the end of the day) to minutes after midnight. */
export function parseClock(clock: string): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(clock.trim());
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) return null;
  return hours * 60 + minutes;
}

export function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export interface LocalTime {
  weekday: Weekday;
  minutes: number;
}

export function localTime(now: Date, tz: string): LocalTime {
  let weekday: Weekday = 'mon';
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(tz).formatToParts(now)) {
    if (part.type === 'weekday') weekday = part.value.toLowerCase().slice(0, 3) as Weekday;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { weekday, minutes: hour * 60 + minute };
}

function previousDay(day: Weekday): Weekday {
  return WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7] as Weekday;
}

export function inTimeWindow(window: { days: readonly Weekday[]; from: number; to: number; tz: string }, now: Date): boolean {
  const { weekday, minutes } = localTime(now, window.tz);
  if (window.from < window.to) {
    return window.days.includes(weekday) && minutes >= window.from && minutes < window.to;
  }
  // Past midnight: the evening part belongs to today, the early-morning part to yesterday's window.
  if (minutes >= window.from) return window.days.includes(weekday);
  return minutes < window.to && window.days.includes(previousDay(weekday));
}
