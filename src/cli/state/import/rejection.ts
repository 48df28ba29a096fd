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

/** The value as it is quoted in a report: at most 80 characters, JSON-escaped so nothing in it is invisible. */
export function shownValue(value: string): string {
  const cut = value.length > SHOWN ? `${value.slice(0, SHOWN)}…` : value;
  return JSON.stringify(cut);
}

export function rejectionLine(rejection: Rejection): string {
  return `${rejection.line === null ? 'event' : `line ${rejection.line}`}: ${shownValue(rejection.value)}: ${rejection.reason}`;
}
