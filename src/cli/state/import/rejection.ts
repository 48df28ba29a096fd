import { type Printed, printed, prose, quoted } from '../../shared/terminal-text';

/**
 * A row an import leaves out, and why: its line in the file (null for a calendar event, which
 * ical.js does not place), the offending value as the file has it (bounded) and the reason.
 */
export interface Rejection {
  line: number | null;
  value: string;
  reason: string;
}

const SHOWN = 80;

/** The value quoted as an identifier (at most 80 characters; every invisible or look-alike character escaped), and the reason as prose. */
export function rejectionLine(rejection: Rejection): Printed {
  const cut = rejection.value.length > SHOWN ? printed`${quoted(rejection.value.slice(0, SHOWN))}…` : quoted(rejection.value);
  return printed`${rejection.line === null ? 'event' : `line ${rejection.line}`}: ${cut}: ${prose(rejection.reason)}`;
}
