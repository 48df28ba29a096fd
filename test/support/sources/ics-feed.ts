/**
 * An iCalendar feed on loopback, as calendar tools publish one: `GET /feeds/<token>/oncall.ics`
 * answers `text/calendar`; a wrong token is a 401 (some feeds answer 404).
 */
import { type LoopbackApi, startLoopbackApi } from './loopback-api';

export interface IcsFeed extends LoopbackApi {
  /** The feed's text. */
  calendar: string;
  /** The feed URL with its token, as the secret holds it. */
  url: string;
}

export async function startIcsFeed(token: string): Promise<IcsFeed> {
  let feed: IcsFeed | undefined;
  const api = await startLoopbackApi((request) => {
    if (request.path !== `/feeds/${token}/oncall.ics`) return { status: 401, body: 'Unauthorized' };
    return { status: 200, headers: { 'content-type': 'text/calendar; charset=utf-8' }, body: feed?.calendar ?? '' };
  });
  feed = Object.assign(api, { calendar: '', url: `${api.origin}/feeds/${token}/oncall.ics` });
  return feed;
}

/** A VCALENDAR around `body`, with CRLF line ends as RFC 5545 writes them. */
export function calendar(...components: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Loopback//On-call feed//EN', ...components, 'END:VCALENDAR', ''].join('\r\n');
}

/** Europe/Berlin as calendar exports define it. */
export const BERLIN = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:STANDARD',
  'DTSTART:19701025T030000',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'BEGIN:DAYLIGHT',
  'DTSTART:19700329T020000',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'END:VTIMEZONE',
].join('\r\n');

export function vevent(properties: Record<string, string | string[]>): string {
  const lines = Object.entries(properties).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((item) => `${name}${item.startsWith(';') ? '' : ':'}${item}`),
  );
  return ['BEGIN:VEVENT', ...lines, 'END:VEVENT'].join('\r\n');
}
