/**
 * ISO-8601 instants as admins and sync jobs write them: `2026-11-29T09:00:00Z`, with or without
 * seconds and fractions, with `Z` or an offset such as `+01:00` or `+0100`. A time without a zone
 * is not an instant (whose 09:00?) and is refused, as is anything `Date.parse` would guess at.
 */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

const MIN_YEAR = 1000;
const MAX_OFFSET_MINUTES = 14 * 60;

/** Epoch milliseconds, or null when the text is not an ISO-8601 instant. */
export function parseInstant(text: string): number | null {
  const match = INSTANT.exec(text.trim());
  if (!match) return null;
  const [, year, month, day, hour, minute, second = '0', fraction = '0', zulu, sign, offsetHours = '0', offsetMinutes = '0'] = match;
  const fields = [year, month, day, hour, minute].map(Number) as [number, number, number, number, number];
  const [y, mo, d, h, mi] = fields;
  const s = Number(second);
  // Real zones lie within ±14:00; a year before 1000 is a typo (and Date.UTC reads 0026 as 1926).
  const offsetMinutesTotal = Number(offsetHours) * 60 + Number(offsetMinutes);
  if (
    y < MIN_YEAR ||
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    d > 31 ||
    h > 23 ||
    mi > 59 ||
    s > 59 ||
    Number(offsetMinutes) > 59 ||
    offsetMinutesTotal > MAX_OFFSET_MINUTES
  ) {
    return null;
  }
  const local = Date.UTC(y, mo - 1, d, h, mi, s, Math.floor(Number(`0.${fraction}`) * 1000));
  // Date.UTC rolls 31 February into March: such a date is not one.
  if (new Date(local).getUTCDate() !== d) return null;
  const offset = zulu ? 0 : (sign === '-' ? -1 : 1) * offsetMinutesTotal * 60_000;
  return local - offset;
}

/** The instant as `toISOString()` writes it, or null. */
export function normaliseInstant(text: string): string | null {
  const at = parseInstant(text);
  return at === null ? null : new Date(at).toISOString();
}
