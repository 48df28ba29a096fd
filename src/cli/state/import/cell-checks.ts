/**
 * One CSV cell read as the functions will read the item written from it: an email normalised as
 * the payload's (src/lumos/email.ts) and an ISO-8601 instant with a zone (src/store/iso-instant.ts).
 * Each check gives the value or the reason it is refused.
 */
import { emailProblem, normaliseEmail } from '../../../lumos/email';
import { parseInstant } from '../../../store/iso-instant';

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const MAX_EMAIL = 254;
/** A spreadsheet runs a cell that starts so as a formula, should the data ever be exported again. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function checkEmail(cell: string): Checked<string> {
  const email = normaliseEmail(cell);
  if (email === '') return { ok: false, reason: 'no email' };
  if (FORMULA_START.test(email)) return { ok: false, reason: 'not an email address: it starts like a spreadsheet formula' };
  if (email.length > MAX_EMAIL) return { ok: false, reason: `not an email address: longer than ${MAX_EMAIL} characters` };
  const problem = emailProblem(email);
  return problem === null ? { ok: true, value: email } : { ok: false, reason: problem };
}

export function checkInstant(cell: string, column: string): Checked<Date> {
  if (cell.trim() === '') return { ok: false, reason: `no ${column}` };
  const at = cell.length > 40 ? null : parseInstant(cell);
  if (at === null || !Number.isFinite(at) || Math.abs(at) > 8.64e15) {
    return { ok: false, reason: `${column} is not an ISO-8601 time with a zone (e.g. 2026-11-30T09:00:00+01:00)` };
  }
  return { ok: true, value: new Date(at) };
}
