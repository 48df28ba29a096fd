/**
 * On-call shifts from an iCalendar feed (RFC 5545), parsed with ical.js: each event (and each
 * occurrence of a recurring one, with its exceptions and EXDATEs applied) that overlaps the
 * window is a shift for the source's schedule, for the person in the first `ATTENDEE` mailto or
 * else the first email in `SUMMARY`. Pure and total: any text gives a result, never a throw.
 */
import ICAL from 'ical.js';
import { overlaps, readEmail, type SyncWindow } from '../hostile-values';
import { type RunCollector, type SkipReason, type SyncedShift, shiftCollector } from '../sync-result';

type IcalComponent = InstanceType<typeof ICAL.Component>;
type IcalEvent = InstanceType<typeof ICAL.Event>;
type IcalTime = InstanceType<typeof ICAL.Time>;

export interface IcsParseResult {
  /** False when the text is not an iCalendar object at all. */
  parsed: boolean;
  /** True when `outOfTime` said so before every event was read: the run cannot finish. */
  outOfTime: boolean;
  collector: RunCollector<SyncedShift>;
}

export interface IcsParseOptions {
  schedule: string;
  window: SyncWindow;
  /** Occurrences walked per recurring event, from its first (default 20,000: a daily rota for 50 years). */
  maxOccurrencesPerEvent?: number;
  /** Occurrences walked in the whole feed (default 200,000), so a hostile feed cannot stall the run. */
  maxOccurrences?: number;
  /** Asked between events and every 1,000 occurrences; true stops the parse (the run's deadline has passed). */
  outOfTime?: () => boolean;
}

const SUMMARY_EMAIL = /[^\s<>"'(),;:[\]]+@[^\s<>"'(),;:[\]]+/;
const LATEST_INSTANT = 8.64e15;

/** `collector` gathers the shifts and skips: a fresh one unless the caller's run brings its own. */
export function parseIcsShifts(text: string, options: IcsParseOptions, collector: RunCollector<SyncedShift> = shiftCollector()): IcsParseResult {
  let calendar: IcalComponent;
  try {
    calendar = new ICAL.Component(ICAL.parse(text));
  } catch {
    return { parsed: false, outOfTime: false, collector };
  }
  if (calendar.name !== 'vcalendar') return { parsed: false, outOfTime: false, collector };
  collector.pagesRead = 1;

  let events: IcalComponent[];
  try {
    events = calendar.getAllSubcomponents('vevent');
  } catch {
    return { parsed: false, outOfTime: false, collector };
  }
  // Exceptions (RECURRENCE-ID) belong to the event with their UID; ical.js would relate every exception to every event.
  const exceptionsByUid = new Map<string, IcalComponent[]>();
  const masters: IcalComponent[] = [];
  for (const event of events) {
    const uid = safe(() => event.getFirstPropertyValue('uid'));
    const hasRecurrenceId = safe(() => event.hasProperty('recurrence-id')) === true;
    if (!hasRecurrenceId || typeof uid !== 'string') {
      masters.push(event);
      continue;
    }
    const sameUid = exceptionsByUid.get(uid);
    if (sameUid) sameUid.push(event);
    else exceptionsByUid.set(uid, [event]);
  }
  const masterUids = new Set(masters.map((event) => safe(() => event.getFirstPropertyValue('uid'))).filter((uid) => typeof uid === 'string'));
  // An exception without its master is an event on its own.
  for (const [uid, exceptions] of exceptionsByUid) if (!masterUids.has(uid)) masters.push(...exceptions);

  const budget = { left: options.maxOccurrences ?? 200_000, outOfTime: false };
  for (const component of masters) {
    if (budget.outOfTime || options.outOfTime?.()) return { parsed: true, outOfTime: true, collector };
    try {
      // Without DTSTART there is nothing to place, and ical.js would walk its recurrence forever.
      if (!(component.getFirstPropertyValue('dtstart') instanceof ICAL.Time)) {
        collector.skip('bad_time');
        continue;
      }
      const uid = component.getFirstPropertyValue('uid');
      const isException = component.hasProperty('recurrence-id');
      const exceptions = !isException && typeof uid === 'string' ? (exceptionsByUid.get(uid) ?? []) : [];
      const event = new ICAL.Event(component, { strictExceptions: true, exceptions });
      if (event.isRecurring()) expand(event, exceptions, options, collector, budget);
      else collector.take(addOccurrence(component, event.startDate, event.endDate, options));
    } catch {
      collector.skip('bad_value');
    }
  }
  return { parsed: true, outOfTime: budget.outOfTime, collector };
}

/** Walks the occurrences from the first until the window's end, adding those that overlap it. */
function expand(
  event: IcalEvent,
  exceptions: IcalComponent[],
  options: IcsParseOptions,
  collector: RunCollector<SyncedShift>,
  budget: { left: number; outOfTime: boolean },
): void {
  const windowEnd = options.window.to.getTime();
  const perEvent = options.maxOccurrencesPerEvent ?? 20_000;
  const iterator = event.iterator();
  for (let walked = 0; ; walked += 1) {
    if (walked >= perEvent || budget.left <= 0) {
      collector.skip('too_many_occurrences');
      return;
    }
    budget.left -= 1;
    if (walked % 1000 === 999 && options.outOfTime?.()) {
      budget.outOfTime = true;
      return;
    }
    const occurrence = iterator.next();
    if (!occurrence) break;
    const at = instantOf(occurrence);
    if (at === null) {
      collector.skip('bad_time');
      return;
    }
    if (at >= windowEnd) break;
    const details = event.getOccurrenceDetails(occurrence);
    collector.take(addOccurrence(details.item.component, details.startDate, details.endDate, options));
  }
  // An exception moved into the window from an occurrence after it was not walked above.
  for (const exception of exceptions) {
    const recurrenceId = instantOf(exception.getFirstPropertyValue('recurrence-id'));
    if (recurrenceId === null || recurrenceId < windowEnd) continue;
    const moved = new ICAL.Event(exception);
    collector.take(addOccurrence(exception, moved.startDate, moved.endDate, options));
  }
}

function addOccurrence(component: IcalComponent, startTime: IcalTime, endTime: IcalTime, options: IcsParseOptions): SyncedShift | SkipReason | null {
  const status = component.getFirstPropertyValue('status');
  if (typeof status === 'string' && status.toUpperCase() === 'CANCELLED') return null;
  if (!component.hasProperty('dtend') && !component.hasProperty('duration')) return 'no_end';
  const start = zonedInstant(startTime);
  const end = zonedInstant(endTime);
  if (start === null || end === null || start >= end) return 'bad_time';
  if (!overlaps(options.window, start, end)) return null;
  const email = personOf(component);
  if (email === null) return 'unknown_email';
  return { schedule: options.schedule, email, starts_at: new Date(start).toISOString(), ends_at: new Date(end).toISOString() };
}

/** Epoch ms of a time with a zone (UTC or a defined TZID); null for dates, floating times and nonsense. */
function zonedInstant(time: IcalTime | null | undefined): number | null {
  if (!time || time.isDate || !time.zone || time.zone.tzid === 'floating') return null;
  return instantOf(time);
}

function instantOf(value: unknown): number | null {
  if (!(value instanceof ICAL.Time)) return null;
  const at = value.toUnixTime() * 1000;
  return Number.isFinite(at) && Math.abs(at) <= LATEST_INSTANT ? at : null;
}

/** The first ATTENDEE's mailto address, else the first email in SUMMARY. */
function personOf(component: IcalComponent): string | null {
  for (const attendee of component.getAllProperties('attendee')) {
    const value = attendee.getFirstValue();
    if (typeof value !== 'string' || !/^mailto:/i.test(value)) continue;
    const address = safe(() => decodeURIComponent(value.slice('mailto:'.length)));
    return typeof address === 'string' ? readEmail(address) : null;
  }
  const summary = component.getFirstPropertyValue('summary');
  if (typeof summary !== 'string') return null;
  const match = SUMMARY_EMAIL.exec(summary.slice(0, 1000));
  return match ? readEmail(match[0]) : null;
}

function safe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
