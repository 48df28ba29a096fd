/**
 * Condition evaluation: pure, given the request, the loaded state and `now`. Each result
 * carries a sentence saying why, which lands in the audit trace for the admin reading it.
 */

import { asciiLowerCase, emailDomain } from '../lumos/email';
import { type Condition, MAX_MATCHED_TOTAL_LENGTH, MAX_MATCHED_VALUE_LENGTH, type Who } from './conditions';
import type { CustomFieldValue, Facts, ScheduleSource, Shift } from './facts';
import { compilePattern } from './pattern';
import { formatClock, inTimeWindow } from './time-window';

const DAY_MS = 86_400_000;

/**
 * `ok` is true only when the condition holds. `unknown` marks a condition that could not be
 * decided (the person it asks about is missing from the payload, a custom-field value too long
 * to match safely): it is not `ok`, `not` keeps it unknown, and a deny rule treats it as
 * holding, so missing data never grants access and never dodges a deny.
 */
export interface Outcome {
  ok: boolean;
  unknown?: true;
  detail: string;
}

function person(facts: Facts, who: Who): string | null {
  return who === 'target' ? facts.request.target : facts.request.requester;
}

const pass = (detail: string): Outcome => ({ ok: true, detail });
const fail = (detail: string): Outcome => ({ ok: false, detail });
const unknown = (detail: string): Outcome => ({ ok: false, unknown: true, detail });

export function isOnCall(shifts: readonly Shift[], schedule: string, email: string, now: Date): Shift | undefined {
  return coveringShifts(shifts, schedule, email, now)[0];
}

function coveringShifts(shifts: readonly Shift[], schedule: string, email: string, now: Date): Shift[] {
  const at = now.getTime();
  return shifts.filter((shift) => shift.schedule === schedule && shift.email === email && Date.parse(shift.starts_at) <= at && at < Date.parse(shift.ends_at));
}

/** When a source of the schedule last read it whole too long ago to trust its shifts: when it did, or "never". */
function staleSince(sources: readonly ScheduleSource[], now: Date): { source: string; lastSuccess: string } | null {
  const stale = sources.find((entry) => sourceIsStale(entry, now));
  return stale === undefined ? null : { source: stale.source, lastSuccess: stale.last_success ?? 'never' };
}

/** Whether a schedule's source last read it whole longer than its `stale_after` before `now` (or never): its synced shifts then do not count. */
export function sourceIsStale(synced: ScheduleSource, now: Date): boolean {
  const last = synced.last_success === null ? Number.NaN : Date.parse(synced.last_success);
  return !(Number.isFinite(last) && now.getTime() - last <= synced.stale_after * 60_000);
}

/**
 * On call: a shift covering now, at the escalation level asked for. A hand-written or imported
 * shift counts whatever its schedule's sources say. A synced one counts only through its own
 * source, while that source exists, covers the schedule and read it whole within its
 * `stale_after`. Otherwise a stale source of the schedule, or a covering shift of a source that
 * no longer syncs it, makes the answer undecided (never an allow, always a deny), as does a
 * covering shift whose level the source did not say when a level is asked for.
 */
function onCall(condition: Extract<Condition, { type: 'on_call' }>, email: string, facts: Facts): Outcome {
  const { schedule, escalation_level_at_most: maxLevel } = condition;
  const covering = coveringShifts(facts.shifts, schedule, email, facts.now);
  const atLevel = (shift: Shift) => maxLevel === undefined || (shift.escalation_level !== undefined && shift.escalation_level <= maxLevel);
  const levelNote = maxLevel === undefined ? '' : ` at escalation level ${maxLevel} or nearer`;
  const held = covering.find((shift) => shift.source === undefined && atLevel(shift));
  if (held) return pass(`${email} is on call for ${schedule}${levelNote} until ${held.ends_at}`);
  const sources = (facts.scheduleSources ?? []).filter((entry) => entry.schedule === schedule);
  const fresh = sources.filter((entry) => !sourceIsStale(entry, facts.now));
  const synced = covering.find((shift) => shift.source !== undefined && fresh.some((entry) => entry.source === shift.source) && atLevel(shift));
  if (synced) return pass(`${email} is on call for ${schedule}${levelNote} until ${synced.ends_at}`);
  const stale = staleSince(sources, facts.now);
  if (stale) return unknown(`source ${stale.source} last synced at ${stale.lastSuccess}: on-call for ${schedule} cannot be trusted`);
  const orphan = covering.find((shift) => shift.source !== undefined && !sources.some((entry) => entry.source === shift.source));
  if (orphan) return unknown(`${email} has a shift for ${schedule} synced by source ${orphan.source}, which no longer syncs it: on-call cannot be trusted`);
  if (maxLevel !== undefined && covering.some((shift) => shift.escalation_level === undefined)) {
    return unknown(`${email} is on call for ${schedule} at an escalation level the source does not say`);
  }
  return fail(`${email} is not on call for ${schedule}${levelNote}`);
}

type ConditionType = Condition['type'];
type ConditionOf<K extends ConditionType> = Extract<Condition, { type: K }>;
type Handlers = { readonly [K in ConditionType]: (condition: ConditionOf<K>, facts: Facts) => Outcome };

export function evaluate(condition: Condition, facts: Facts): Outcome {
  return evaluateAs(condition, facts);
}

/** Generic in the kind, so the handler looked up takes this condition without a cast. */
function evaluateAs<K extends ConditionType>(condition: ConditionOf<K>, facts: Facts): Outcome {
  const handler: Handlers[K] = HANDLERS[condition.type];
  return handler(condition, facts);
}

// Three-valued (Kleene) logic: false decides `all`, true decides `any`, otherwise unknown spreads.
function evaluateAll(condition: ConditionOf<'all'>, facts: Facts): Outcome {
  let undecided: Outcome | undefined;
  for (const child of condition.of) {
    const outcome = evaluate(child, facts);
    if (!outcome.ok && !outcome.unknown) return outcome;
    if (outcome.unknown) undecided ??= outcome;
  }
  return undecided ?? pass(condition.of.length === 0 ? 'no conditions' : 'all conditions hold');
}

function evaluateAny(condition: ConditionOf<'any'>, facts: Facts): Outcome {
  const failures: string[] = [];
  let undecided: Outcome | undefined;
  for (const child of condition.of) {
    const outcome = evaluate(child, facts);
    if (outcome.ok) return outcome;
    if (outcome.unknown) undecided ??= outcome;
    failures.push(outcome.detail);
  }
  return undecided ?? fail(failures.length === 0 ? 'empty "any" never holds' : `none of: ${failures.join('; ')}`);
}

/** One handler per kind of condition; the mapped type makes the table name every kind. */
const HANDLERS: Handlers = {
  all: evaluateAll,
  any: evaluateAny,
  not: (condition, facts) => {
    const outcome = evaluate(condition.of, facts);
    if (outcome.unknown) return unknown(`not (${outcome.detail})`);
    return { ok: !outcome.ok, detail: `not (${outcome.detail})` };
  },
  on_call: (condition, facts) => {
    const email = person(facts, condition.who);
    if (email === null) return unknown(`no ${condition.who} email to check on call`);
    return onCall(condition, email, facts);
  },
  email_in: (condition, facts) => {
    const email = person(facts, condition.who);
    if (email === null) return unknown(`no ${condition.who} email`);
    return condition.emails.includes(email) ? pass(`${email} is listed`) : fail(`${email} is not in the list`);
  },
  email_domain_in: (condition, facts) => {
    const email = person(facts, condition.who);
    if (email === null) return unknown(`no ${condition.who} email`);
    const domain = emailDomain(email);
    return condition.domains.includes(domain) ? pass(`domain ${domain} is listed`) : fail(`domain ${domain} is not in ${condition.domains.join(', ')}`);
  },
  permission_in: (condition, facts) => {
    // A request for the app itself names no permission: whether it is "listed" cannot be known.
    if (facts.request.permissions.length === 0) return unknown('no permission requested (a request for the app itself)');
    const outside = facts.request.permissions.filter((value) => !condition.values.includes(value));
    return outside.length === 0 ? pass('every permission is listed') : fail(`permission ${outside.join(', ')} is not listed`);
  },
  access_length_at_most: (condition, facts) => {
    const length = facts.request.accessLength;
    if (length === null) return fail(`unlimited access is longer than ${condition.seconds} s`);
    return length <= condition.seconds
      ? pass(`access_length ${length} s ≤ ${condition.seconds} s`)
      : fail(`access_length ${length} s > ${condition.seconds} s`);
  },
  self_request: (condition, facts) => {
    const { requester, target } = facts.request;
    if (requester === null) return unknown('no requester email to compare');
    const isSelf = requester === target;
    return isSelf === condition.value
      ? pass(isSelf ? 'requester is the target' : 'requester is not the target')
      : fail(isSelf ? 'requester is the target' : 'requester is not the target');
  },
  training: (condition, facts) => {
    const email = person(facts, condition.who);
    if (email === null) return unknown(`no ${condition.who} email to check training`);
    return evaluateTraining(condition, email, facts);
  },
  custom_field: (condition, facts) => {
    const fields = facts.request.customFields;
    // Own properties only: a field named "constructor" must not find Object's.
    return evaluateCustomField(condition, Object.hasOwn(fields, condition.name) ? fields[condition.name] : undefined);
  },
  time_window: (condition, facts) => {
    const window = `${condition.days.join(',')} ${formatClock(condition.from)}–${formatClock(condition.to)} ${condition.tz}`;
    return inTimeWindow(condition, facts.now) ? pass(`inside ${window}`) : fail(`outside ${window}`);
  },
};

function evaluateTraining(condition: Extract<Condition, { type: 'training' }>, email: string, facts: Facts): Outcome {
  const { course } = condition;
  const record = facts.trainings?.find((item) => item.email === email && item.course === course);
  const completed = record ? Date.parse(record.completed_at) : Number.NaN;
  const at = facts.now.getTime();
  if (!record || Number.isNaN(completed) || completed > at) return fail(`${email} has not completed ${course}`);
  const day = (time: number) => new Date(time).toISOString().slice(0, 10);
  if (record.expires_at) {
    const expires = Date.parse(record.expires_at);
    if (Number.isNaN(expires) || expires <= at)
      return fail(`${email}'s ${course} completion expired on ${Number.isNaN(expires) ? record.expires_at : day(expires)}`);
  }
  if (condition.within_days !== undefined && at - completed > condition.within_days * DAY_MS) {
    return fail(`${email} completed ${course} on ${day(completed)}, more than ${condition.within_days} days ago`);
  }
  return pass(`${email} completed ${course} on ${day(completed)}`);
}

function evaluateCustomField(condition: Extract<Condition, { type: 'custom_field' }>, value: CustomFieldValue | undefined): Outcome {
  const label = `custom field "${condition.name}"`;
  if (condition.present !== undefined) {
    const present = value !== undefined;
    const detail = `${label} is ${present ? 'present' : 'absent'}`;
    return present === condition.present ? pass(detail) : fail(detail);
  }
  // Missing data is undecided: it never satisfies an allow and always triggers a deny.
  if (value === undefined) return unknown(`${label} is absent`);
  const values = typeof value === 'string' ? [value] : value;
  if (condition.matches !== undefined) return matchPattern(label, condition.matches, values);
  const fold = condition.ignore_case === true ? asciiLowerCase : (text: string) => text;
  const expected = condition.equals !== undefined ? [condition.equals] : (condition.in ?? []);
  const wanted = new Set(expected.map(fold));
  const how = condition.equals !== undefined ? `equal "${condition.equals}"` : 'in the list';
  const suffix = condition.ignore_case === true ? ' (ignoring case)' : '';
  return values.some((candidate) => wanted.has(fold(candidate))) ? pass(`${label} does ${how}${suffix}`) : fail(`${label} does not ${how}${suffix}`);
}

/**
 * A pattern checked when the rule was read. Matching time is bounded per condition: a value
 * longer than the cap, or entries past the total cap, are not matched and leave it undecided.
 */
function matchPattern(label: string, source: string, values: readonly string[]): Outcome {
  const compiled = compilePattern(source);
  if (!compiled.ok) return unknown(`${label}: pattern /${source}/ cannot be used (${compiled.problem})`);
  let matched = 0;
  let skipped: string | undefined;
  for (const candidate of values) {
    if (candidate.length > MAX_MATCHED_VALUE_LENGTH) {
      skipped ??= `${label} is longer than ${MAX_MATCHED_VALUE_LENGTH} characters; not matched against /${source}/`;
      continue;
    }
    if (matched + candidate.length > MAX_MATCHED_TOTAL_LENGTH) {
      skipped ??= `${label} has more than ${MAX_MATCHED_TOTAL_LENGTH} characters in all; the rest was not matched against /${source}/`;
      break;
    }
    matched += candidate.length;
    if (compiled.pattern.test(candidate)) return pass(`${label} does match /${source}/`);
  }
  return skipped === undefined ? fail(`${label} does not match /${source}/`) : unknown(skipped);
}
