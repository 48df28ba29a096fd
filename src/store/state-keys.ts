/**
 * Every key of the state table, formed in one place, which normalises emails as the payload
 * does (src/lumos/email.ts): an item written through here is found by the same person's call.
 * Items written by hand with a mixed-case key cannot be found by key; the state CLI lists them.
 */
import { normaliseEmail } from '../lumos/email';

/** `oncall#<schedule>`: one partition per schedule. */
export function shiftPartition(schedule: string): string {
  return `${SHIFT_PARTITION_PREFIX}${schedule}`;
}

const SHIFT_PARTITION_PREFIX = 'oncall#';

/** The schedule an `oncall#<schedule>` partition key names, or null for any other key. */
export function scheduleOfPartition(pk: string): string | null {
  return pk.startsWith(SHIFT_PARTITION_PREFIX) ? pk.slice(SHIFT_PARTITION_PREFIX.length) : null;
}

/** `<email>#`: every shift of one person in a schedule's partition starts with it. */
export function shiftPersonPrefix(email: string): string {
  return `${normaliseEmail(email)}#`;
}

/** `<email>#<starts_at>`: sorted by start time (ISO-8601 UTC sorts as text). */
export function shiftSortKey(email: string, startsAt: string): string {
  return `${shiftPersonPrefix(email)}${startsAt}`;
}

/** `training#<email>`: one partition per person, one item per course. */
export function trainingPartition(email: string): string {
  return `training#${normaliseEmail(email)}`;
}
