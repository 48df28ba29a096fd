/**
 * Every key of the state table, formed in one place, which normalises emails as the payload
 * does (src/lumos/email.ts): an item written through here is found by the same person's call.
 * Items written by hand with a mixed-case key cannot be found by key; the state CLI lists them.
 */
import { normaliseEmail } from '../lumos/email';

/** `oncall#<schedule>`: one partition per schedule. */
export function shiftPartition(schedule: string): string {
  return `oncall#${schedule}`;
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
