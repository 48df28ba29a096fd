/**
 * Reading values out of a source's responses, every one of which may be of the wrong type, too
 * long, or nonsense: each reader returns the value or null, and never throws.
 */
import { emailProblem, normaliseEmail } from '../lumos/email';
import { parseInstant } from '../store/iso-instant';

/** RFC 5321's limit on a forward path; longer is not an address anyone receives mail at. */
const MAX_EMAIL_LENGTH = 254;
const MAX_INSTANT_LENGTH = 40;

export function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** The normalised email, or null when the value is not one. */
export function readEmail(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > MAX_EMAIL_LENGTH) return null;
  const email = normaliseEmail(value);
  return email && emailProblem(email) === null ? email : null;
}

/** Epoch milliseconds of an ISO-8601 instant with a zone, or null. */
export function readInstant(value: unknown): number | null {
  if (typeof value !== 'string' || value.length > MAX_INSTANT_LENGTH) return null;
  const at = parseInstant(value);
  // Beyond what toISOString can write (and any real shift).
  return at === null || !Number.isFinite(at) || Math.abs(at) > 8.64e15 ? null : at;
}

/** A short identifier (a schedule or user id): a string or an integer, as text. */
export function readId(value: unknown): string | null {
  if (typeof value === 'string') return value.length > 0 && value.length <= 200 ? value : null;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return null;
}

/** A half-open window [from, to) and whether [start, end) overlaps it. */
export interface SyncWindow {
  from: Date;
  to: Date;
}

export function overlaps(window: SyncWindow, startMs: number, endMs: number): boolean {
  return startMs < window.to.getTime() && endMs > window.from.getTime();
}
