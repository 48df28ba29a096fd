/**
 * A rule whose `when` can never hold. The parser already refuses a single window that could never
 * open (`from` equal to `to`, `from` at 24:00, no days), so what is left is a combination: two
 * windows under `all` that never overlap (Monday mornings and Tuesday evenings), a `not` around a
 * window that covers the whole week, windows in zones whose offsets never line them up, or an
 * empty `any`. Decided by evaluating the tree with the engine's own `inTimeWindow` at every
 * instant where some window opens or closes, over one week for each combination of the zones'
 * offsets a year brings (summer and winter time), with every other condition free to come out
 * either way (or undecided): so a warning means no request at any time could make it hold.
 */
import type { Condition } from '../../../rules/conditions';
import type { Rule } from '../../../rules/rule-item';
import { inTimeWindow, localTime, WEEKDAYS } from '../../../rules/time-window';
import type { Finding } from '../../shared/finding';
import { findingAt, type LoadedRule } from './loaded-rule';

type TimeWindow = Extract<Condition, { type: 'time_window' }>;

/** Which values a condition can take at an instant: true, false, undecided. */
interface Possible {
  t: boolean;
  f: boolean;
  u: boolean;
}

const ANYTHING: Possible = { t: true, f: true, u: true };
const MINUTE_MS = 60_000;
const DAY_MINUTES = 1_440;
const WEEK_MINUTES = 7 * DAY_MINUTES;
/** Monday 5 January 2026, 00:00 UTC: the year whose offsets are sampled, week by week. */
const FIRST_WEEK = Date.UTC(2026, 0, 5);
const WEEKS = 53;

export function neverHoldsWarnings(rules: readonly LoadedRule[]): Finding[] {
  return rules.flatMap((loaded) => {
    const { when } = loaded.rule;
    if (!when || canMatch(loaded.rule, when)) return [];
    const why = timeWindows(when).length > 0 ? ': no time of the week satisfies its time_window conditions' : ', whatever the request';
    return [findingAt(loaded, ['when'], 'when', `never holds${why}; ${consequence(loaded.rule)}`)];
  });
}

function consequence(rule: Rule): string {
  if (rule.kind === 'request_validation') return 'as a requirement it blocks every request in its scope';
  if (rule.kind === 'provisioning') return 'this rule never provisions anything';
  return rule.effect === 'deny' ? 'this rule never denies anything' : 'this rule never pre-approves anything';
}

/** Whether some instant and some request make the rule match (a deny rule also applies when undecided). */
function canMatch(rule: Rule, when: Condition): boolean {
  const matches = (value: Possible) => value.t || (rule.kind === 'pre_approval' && rule.effect === 'deny' && value.u);
  return instantsToTry(timeWindows(when)).some((at) => matches(possible(when, at)));
}

function possible(condition: Condition, at: Date): Possible {
  switch (condition.type) {
    // Kleene logic, as evaluation.ts: false decides `all`, true decides `any`, undecided spreads otherwise.
    case 'all': {
      const parts = condition.of.map((part) => possible(part, at));
      return { t: parts.every((p) => p.t), f: parts.some((p) => p.f), u: parts.every((p) => p.t || p.u) && parts.some((p) => p.u) };
    }
    case 'any': {
      const parts = condition.of.map((part) => possible(part, at));
      return { t: parts.some((p) => p.t), f: parts.every((p) => p.f), u: parts.every((p) => p.f || p.u) && parts.some((p) => p.u) };
    }
    case 'not': {
      const inner = possible(condition.of, at);
      return { t: inner.f, f: inner.t, u: inner.u };
    }
    case 'time_window': {
      const open = inTimeWindow(condition, at);
      return { t: open, f: !open, u: false };
    }
    default:
      return ANYTHING;
  }
}

function timeWindows(condition: Condition): TimeWindow[] {
  if (condition.type === 'time_window') return [condition];
  if (condition.type === 'all' || condition.type === 'any') return condition.of.flatMap(timeWindows);
  if (condition.type === 'not') return timeWindows(condition.of);
  return [];
}

/**
 * Every instant at which some window may open or close (its `from`, its `to`, local midnight),
 * in one week per combination of the zones' offsets: between two such instants nothing changes.
 */
function instantsToTry(windows: readonly TimeWindow[]): Date[] {
  if (windows.length === 0) return [new Date(FIRST_WEEK)];
  const zones = [...new Set(windows.map((window) => window.tz))];
  const instants: Date[] = [];
  for (const weekStart of weeksWithSteadyOffsets(zones)) {
    const minutes = new Set<number>([0]);
    for (const window of windows) {
      const offset = offsetMinutes(window.tz, weekStart);
      for (let day = 0; day < 7; day += 1) {
        for (const edge of [0, window.from, window.to]) minutes.add(modulo(day * DAY_MINUTES + edge - offset, WEEK_MINUTES));
      }
    }
    for (const minute of minutes) instants.push(new Date(weekStart + minute * MINUTE_MS));
  }
  return instants;
}

/** One week (its Monday 00:00 UTC) for each combination of offsets that holds a whole week. */
function weeksWithSteadyOffsets(zones: readonly string[]): number[] {
  const weeks = new Map<string, number>();
  for (let week = 0; week < WEEKS; week += 1) {
    const start = FIRST_WEEK + week * WEEK_MINUTES * MINUTE_MS;
    const atStart = zones.map((zone) => offsetMinutes(zone, start)).join();
    const atEnd = zones.map((zone) => offsetMinutes(zone, start + (WEEK_MINUTES - 1) * MINUTE_MS)).join();
    if (atStart === atEnd && !weeks.has(atStart)) weeks.set(atStart, start);
  }
  return [...weeks.values()];
}

/** The zone's offset from UTC at an instant, in minutes, read through the engine's own `localTime`. */
function offsetMinutes(zone: string, at: number): number {
  const local = localTime(new Date(at), zone);
  const utc = new Date(at);
  const localMinute = WEEKDAYS.indexOf(local.weekday) * DAY_MINUTES + local.minutes;
  const utcMinute = ((utc.getUTCDay() + 6) % 7) * DAY_MINUTES + utc.getUTCHours() * 60 + utc.getUTCMinutes();
  const offset = modulo(localMinute - utcMinute, WEEK_MINUTES);
  return offset > WEEK_MINUTES / 2 ? offset - WEEK_MINUTES : offset;
}

function modulo(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}
