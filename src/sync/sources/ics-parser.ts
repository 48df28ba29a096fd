/**
 * On-call shifts from an iCalendar feed (RFC 5545), parsed with ical.js: each event (and each
 * occurrence of a recurring one, with its exceptions and EXDATEs applied) that overlaps the
 * window is a shift for the source's schedule, for the one person on call among its attendees
 * (personOf) or, without attendees, the first email in `SUMMARY`. Pure and total: any text gives
 * a result, never a throw. Not bounded in CPU: ical.js can walk an RRULE that never matches for
 * minutes inside one step, so callers run it in a worker thread (ics-expansion.ts).
 */
import ICAL from 'ical.js';
import { MAX_SHIFT_MS } from '../../store/shift-item';
import { overlaps, readEmail, type SyncWindow } from '../hostile-values';
import { type RunCollector, type SkipReason, type SyncedShift, shiftCollector } from '../sync-result';

type IcalComponent = InstanceType<typeof ICAL.Component>;
type IcalEvent = InstanceType<typeof ICAL.Event>;
type IcalProperty = InstanceType<typeof ICAL.Property>;
type IcalTime = InstanceType<typeof ICAL.Time>;

export interface IcsParseResult {
  /** False when the text is not an iCalendar object at all. */
  parsed: boolean;
  /** True when `outOfTime` said so before every event was read: the run cannot finish. */
  outOfTime: boolean;
  collector: RunCollector<SyncedShift>;
  /** The UIDs of events skipped as `ambiguous_attendee`, each once (at most MAX_LISTED_UIDS), for an import to list. */
  ambiguousUids: string[];
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
/** Any zone's offset (±14 h) and a day's length: a time read as if in UTC is at most this far from where it really is. */
const LOOSE_MARGIN_MS = 38 * 3_600_000;
/** Real zones keep within −12 h and +14 h of UTC; an offset beyond ±14 h (`+2400`) only moves a shift. */
const MAX_ZONE_OFFSET_SECONDS = 14 * 3600;
/** A four-digit year before 1000 is a typo (`0026` for 2026), never a shift. */
const EARLIEST_YEAR = 1000;
const MAX_LISTED_UIDS = 100;
const MAX_UID_LENGTH = 200;

/** One parse's options, the zones it refuses, and what it found out about each event's person. */
interface Reading {
  options: IcsParseOptions;
  collector: RunCollector<SyncedShift>;
  /** TZIDs of VTIMEZONEs with an offset outside ±14 h: every time in them is refused. */
  refusedZones: ReadonlySet<string>;
  ambiguousUids: Set<string>;
  /** Each component's person, worked out once for all its occurrences. */
  people: Map<IcalComponent, Person>;
}

/** Occurrences the feed may still walk, and whether the run's deadline stopped a walk. */
interface Budget {
  left: number;
  outOfTime: boolean;
}

/** `collector` gathers the shifts and skips: a fresh one unless the caller's run brings its own. */
export function parseIcsShifts(text: string, options: IcsParseOptions, collector: RunCollector<SyncedShift> = shiftCollector()): IcsParseResult {
  const unparsed = { parsed: false, outOfTime: false, collector, ambiguousUids: [] };
  const calendar = parseCalendar(text);
  if (calendar === undefined) return unparsed;
  collector.pagesRead = 1;
  const contents = calendarContents(calendar);
  if (contents === undefined) return unparsed;

  const reading: Reading = { options, collector, refusedZones: contents.refusedZones, ambiguousUids: new Set(), people: new Map() };
  const result = (outOfTime: boolean): IcsParseResult => ({ parsed: true, outOfTime, collector, ambiguousUids: [...reading.ambiguousUids] });
  const { masters, exceptionsByUid } = mastersAndExceptions(contents.events);
  const budget = { left: options.maxOccurrences ?? 200_000, outOfTime: false };
  for (const component of masters) {
    if (budget.outOfTime || options.outOfTime?.()) return result(true);
    readEvent(component, exceptionsByUid, reading, budget);
  }
  return result(budget.outOfTime);
}

/** The text as a VCALENDAR, or undefined when it is not one. */
function parseCalendar(text: string): IcalComponent | undefined {
  let calendar: IcalComponent;
  try {
    calendar = new ICAL.Component(ICAL.parse(text));
  } catch {
    return undefined;
  }
  return calendar.name === 'vcalendar' ? calendar : undefined;
}

/** Its events and the zones it refuses, or undefined when ical.js cannot list them. */
function calendarContents(calendar: IcalComponent): { events: IcalComponent[]; refusedZones: Set<string> } | undefined {
  try {
    return { events: calendar.getAllSubcomponents('vevent'), refusedZones: zonesOutOfRange(calendar) };
  } catch {
    return undefined;
  }
}

/**
 * The events to read, and the exceptions (RECURRENCE-ID) of each UID. Exceptions belong to the
 * event with their UID; ical.js would relate every exception to every event.
 */
function mastersAndExceptions(events: IcalComponent[]): { masters: IcalComponent[]; exceptionsByUid: Map<string, IcalComponent[]> } {
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
  return { masters, exceptionsByUid };
}

/** One event into the run: its one occurrence, or each of a recurring one's. */
function readEvent(component: IcalComponent, exceptionsByUid: Map<string, IcalComponent[]>, reading: Reading, budget: Budget): void {
  const { collector } = reading;
  try {
    // Without DTSTART there is nothing to place, and ical.js would walk its recurrence forever;
    // from a refused zone or year every occurrence would be refused after a long walk.
    const start = component.getFirstPropertyValue('dtstart');
    if (!(start instanceof ICAL.Time) || timeRefused(start, reading)) {
      collector.skip('bad_time');
      return;
    }
    const uid = component.getFirstPropertyValue('uid');
    const isException = component.hasProperty('recurrence-id');
    const exceptions = !isException && typeof uid === 'string' ? (exceptionsByUid.get(uid) ?? []) : [];
    const event = new ICAL.Event(component, { strictExceptions: true, exceptions });
    if (event.isRecurring() && component.getAllProperties('rrule').some((rule) => neverMatches(rule.getFirstValue()))) collector.skip('bad_value');
    else if (event.isRecurring()) expand(event, exceptions, reading, budget);
    else take(reading, component, addOccurrence(component, event.startDate, event.endDate, reading));
  } catch {
    collector.skip('bad_value');
  }
}

/** TZIDs of the calendar's VTIMEZONEs with an offset (`TZOFFSETFROM`, `TZOFFSETTO`) that is unreadable or outside ±14 h. */
function zonesOutOfRange(calendar: IcalComponent): Set<string> {
  const refused = new Set<string>();
  for (const zone of calendar.getAllSubcomponents('vtimezone')) {
    const tzid = zone.getFirstPropertyValue('tzid');
    if (typeof tzid !== 'string') continue;
    const offsets = zone
      .getAllSubcomponents()
      .flatMap((observance) => [...observance.getAllProperties('tzoffsetfrom'), ...observance.getAllProperties('tzoffsetto')]);
    if (offsets.some((property) => !offsetInRange(property))) refused.add(tzid);
  }
  return refused;
}

const UTC_OFFSET = /^([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Whether every value of an offset property is a real offset, read from the text as written:
 * ical.js wraps what it reads (`+2400` comes out as −03:00), so its value cannot be checked.
 */
function offsetInRange(property: IcalProperty): boolean {
  const written: unknown[] = safe(() => property.toJSON().slice(3)) ?? [];
  return (
    written.length > 0 &&
    written.every((value) => {
      const match = typeof value === 'string' ? UTC_OFFSET.exec(value) : null;
      if (!match) return false;
      const [hours, minutes, seconds] = [match[2], match[3], match[4] ?? '0'].map(Number) as [number, number, number];
      return minutes < 60 && seconds < 60 && hours * 3600 + minutes * 60 + seconds <= MAX_ZONE_OFFSET_SECONDS;
    })
  );
}

const LONGEST_MONTHS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * An RRULE whose BYMONTH and BYMONTHDAY never meet (the 30th of February): ical.js would walk
 * candidate days for minutes looking for one. A fast path only; the worker's time limit
 * (ics-expansion.ts) bounds every other rule that never matches.
 */
function neverMatches(rule: unknown): boolean {
  if (!(rule instanceof ICAL.Recur)) return false;
  const days = rule.getComponent('BYMONTHDAY').map(Number);
  if (days.length === 0) return false;
  const byMonth = rule.getComponent('BYMONTH').map(Number);
  const months = byMonth.length > 0 ? byMonth : LONGEST_MONTHS.map((_, index) => index + 1);
  return !months.some((month) => {
    const length = LONGEST_MONTHS[month - 1];
    return length !== undefined && days.some((day) => day !== 0 && Math.abs(day) <= length);
  });
}

/** A time in a refused zone or before the year 1000. */
function timeRefused(time: IcalTime, reading: Reading): boolean {
  return !(time.year >= EARLIEST_YEAR) || (time.zone !== undefined && time.zone !== null && reading.refusedZones.has(time.zone.tzid));
}

/** An occurrence's outcome into the run; an ambiguous event's UID is noted for the import to list. */
function take(reading: Reading, component: IcalComponent, outcome: SyncedShift | SkipReason | null): void {
  if (outcome === 'ambiguous_attendee' && reading.ambiguousUids.size < MAX_LISTED_UIDS) {
    const uid = safe(() => component.getFirstPropertyValue('uid'));
    reading.ambiguousUids.add(typeof uid === 'string' ? uid.slice(0, MAX_UID_LENGTH) : '');
  }
  reading.collector.take(outcome);
}

/** Walks the occurrences from the first until the window's end, adding those that overlap it. */
function expand(event: IcalEvent, exceptions: IcalComponent[], reading: Reading, budget: Budget): void {
  const windowEnd = reading.options.window.to.getTime();
  if (walkOccurrences(event, windowEnd, reading, budget)) takeMovedExceptions(exceptions, windowEnd, reading);
}

/** False when the walk stopped short: too many occurrences, out of time, or one that cannot be placed. */
function walkOccurrences(event: IcalEvent, windowEnd: number, reading: Reading, budget: Budget): boolean {
  const { options, collector } = reading;
  const perEvent = options.maxOccurrencesPerEvent ?? 20_000;
  const iterator = event.iterator();
  for (let walked = 0; ; walked += 1) {
    if (walked >= perEvent || budget.left <= 0) {
      collector.skip('too_many_occurrences');
      return false;
    }
    budget.left -= 1;
    if (walked % 1000 === 999 && options.outOfTime?.()) {
      budget.outOfTime = true;
      return false;
    }
    const occurrence = iterator.next();
    if (!occurrence) return true;
    const at = instantOf(occurrence);
    if (at === null) {
      collector.skip('bad_time');
      return false;
    }
    if (at >= windowEnd) return true;
    const details = event.getOccurrenceDetails(occurrence);
    take(reading, details.item.component, addOccurrence(details.item.component, details.startDate, details.endDate, reading));
  }
}

/** An exception moved into the window from an occurrence after it was not walked. */
function takeMovedExceptions(exceptions: IcalComponent[], windowEnd: number, reading: Reading): void {
  for (const exception of exceptions) {
    const recurrenceId = instantOf(exception.getFirstPropertyValue('recurrence-id'));
    if (recurrenceId === null || recurrenceId < windowEnd) continue;
    const moved = new ICAL.Event(exception);
    take(reading, exception, addOccurrence(exception, moved.startDate, moved.endDate, reading));
  }
}

function addOccurrence(component: IcalComponent, startTime: IcalTime, endTime: IcalTime, reading: Reading): SyncedShift | SkipReason | null {
  const { options } = reading;
  const status = component.getFirstPropertyValue('status');
  if (typeof status === 'string' && status.toUpperCase() === 'CANCELLED') return null;
  // An event far outside the window (a holiday years ago, all-day or not, with an end or not) is
  // rightly left out, not a time to refuse: its times are placed loosely, as if in UTC, give or
  // take a day (ical.js gives an event without an end its start, or the next day for a date).
  const looseStart = instantOf(startTime);
  const looseEnd = instantOf(endTime) ?? looseStart;
  if (looseStart !== null && looseEnd !== null && !overlaps(options.window, looseStart - LOOSE_MARGIN_MS, looseEnd + LOOSE_MARGIN_MS)) return null;
  if (!component.hasProperty('dtend') && !component.hasProperty('duration')) return 'no_end';
  const start = zonedInstant(startTime, reading);
  const end = zonedInstant(endTime, reading);
  if (start === null || end === null || start >= end) return 'bad_time';
  if (!overlaps(options.window, start, end)) return null;
  // As imports refuse it: a month-long "shift" keeps someone on call unnoticed.
  if (end - start > MAX_SHIFT_MS) return 'bad_time';
  const person = personOf(component, reading);
  if (typeof person === 'string') return person;
  return { schedule: options.schedule, email: person.email, starts_at: new Date(start).toISOString(), ends_at: new Date(end).toISOString() };
}

/** Epoch ms of a time with a zone (UTC or a defined TZID that is not refused); null for dates, floating times, years before 1000 and nonsense. */
function zonedInstant(time: IcalTime | null | undefined, reading: Reading): number | null {
  if (!time || time.isDate || !time.zone || time.zone.tzid === 'floating' || timeRefused(time, reading)) return null;
  return instantOf(time);
}

function instantOf(value: unknown): number | null {
  if (!(value instanceof ICAL.Time)) return null;
  const at = value.toUnixTime() * 1000;
  return Number.isFinite(at) && Math.abs(at) <= LATEST_INSTANT ? at : null;
}

/** The person on call, or why there is none. */
type Person = { email: string } | SkipReason;

/** Worked out once per component. */
function personOf(component: IcalComponent, reading: Reading): Person {
  let person = reading.people.get(component);
  if (person === undefined) {
    const attendees = component.getAllProperties('attendee');
    person = attendees.length > 0 ? attendeeOnCall(attendees, component.getAllProperties('organizer')) : summaryEmail(component);
    reading.people.set(component, person);
  }
  return person;
}

/** Without attendees: the first email in SUMMARY. */
function summaryEmail(component: IcalComponent): Person {
  const summary = component.getFirstPropertyValue('summary');
  const match = typeof summary === 'string' ? SUMMARY_EMAIL.exec(summary.slice(0, 1000)) : null;
  const email = match ? readEmail(match[0]) : null;
  return email === null ? 'unknown_email' : { email };
}

const NOT_TAKING_PART = new Set(['CHAIR', 'NON-PARTICIPANT']);

/**
 * The one attendee who is on call: not the organizer (Google lists the organizer as an attendee
 * with ROLE=CHAIR), not declined, an individual (no group, room or resource), neither chair nor
 * non-participant. None or several such attendees is `ambiguous_attendee`: taking the first
 * would put whoever a calendar lists first on call.
 */
function attendeeOnCall(attendees: IcalProperty[], organizers: IcalProperty[]): Person {
  const organizerEmails = new Set(organizers.map((organizer) => mailtoEmail(organizer)).filter((email) => email !== null));
  const people = new Set<string>();
  let unnamed = 0;
  for (const attendee of attendees) {
    const cutype = parameterValues(attendee, 'cutype');
    if (cutype.some((value) => value !== 'INDIVIDUAL')) continue;
    if (parameterValues(attendee, 'role').some((value) => NOT_TAKING_PART.has(value))) continue;
    if (parameterValues(attendee, 'partstat').includes('DECLINED')) continue;
    const email = mailtoEmail(attendee);
    if (email === null) unnamed += 1;
    else if (!organizerEmails.has(email)) people.add(email);
  }
  if (people.size + unnamed !== 1) return 'ambiguous_attendee';
  const [email] = people;
  return email === undefined ? 'unknown_email' : { email };
}

/** The normalised email of a `mailto:` property value, or null. */
function mailtoEmail(property: IcalProperty): string | null {
  const value = safe(() => property.getFirstValue());
  if (typeof value !== 'string' || !/^mailto:/i.test(value)) return null;
  const address = safe(() => decodeURIComponent(value.slice('mailto:'.length)));
  return typeof address === 'string' ? readEmail(address) : null;
}

/** A parameter's values, upper-cased (a list written `A,B` as two); none when absent. */
function parameterValues(property: IcalProperty, name: string): string[] {
  const value: unknown = safe(() => property.getParameter(name));
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.flatMap((item) => String(item).split(',')).map((item) => item.trim().toUpperCase());
}

function safe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
