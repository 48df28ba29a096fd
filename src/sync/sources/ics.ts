/**
 * An iCalendar feed as a source of on-call shifts (Opsgenie, Jira Service Management, Grafana
 * OnCall and calendar rotations all export one). The feed URL, token included, is the secret;
 * the schedule name is the source item's. A feed that is not iCalendar at all fails the run, and
 * so does one whose reading outlasts the run's deadline (it is read in a worker thread ended at
 * the deadline, so the other sources never wait for it).
 */
import { collectRun, DEFAULT_MAX_CALENDAR_PARSE_MS, type FetchRunOptions } from '../fetch-run';
import { describeUrl, SourceHttp } from '../source-http';
import type { IcsSource } from '../source-item';
import type { FeedSecret } from '../source-secret';
import { SourceFetchError, type SyncedShift, type SyncRun, shiftCollector } from '../sync-result';
import { CalendarTooLargeError, collectExpansion, expandIcs } from './ics-expansion';

export async function fetchIcsShifts(source: IcsSource, secret: FeedSecret, options: FetchRunOptions): Promise<SyncRun<SyncedShift>> {
  // The feed's token is in its URL, not a header: a redirect to a CDN on an allowed host may be followed.
  const http = SourceHttp.forRun(options, secret.allowed_hosts, { accept: 'text/calendar, */*;q=0.5' }, { crossOriginRedirects: true });
  const collector = shiftCollector();
  return collectRun(
    collector,
    async () => {
      const url = new URL(secret.url);
      const body = await http.get(url);
      if (body.kind === 'too_large') throw new SourceFetchError('too_large', `the feed at ${describeUrl(url)} is larger than the bound`);
      const limitMs = Math.min(options.deadline.remainingMs(), options.maxCalendarParseMs ?? DEFAULT_MAX_CALENDAR_PARSE_MS);
      const expansion = await expandIcs(body.text, { schedule: source.schedule, window: options.window }, limitMs).catch((error: unknown) => {
        if (error instanceof CalendarTooLargeError)
          throw new SourceFetchError('too_large', `the feed at ${describeUrl(url)} needed more memory to read than a feed may`);
        throw error;
      });
      if (expansion.outOfTime) {
        throw new SourceFetchError(
          'deadline_exceeded',
          limitMs < options.deadline.remainingMs()
            ? `reading the feed at ${describeUrl(url)} took longer than a feed may (${Math.round(limitMs / 1000)} s): a recurring event whose RRULE never matches can do that`
            : `the deadline passed while reading the feed at ${describeUrl(url)}`,
        );
      }
      if (!expansion.parsed) throw new SourceFetchError('unparseable', `the feed at ${describeUrl(url)} is not an iCalendar file`);
      collectExpansion(expansion, collector);
    },
    () => http.requests,
  );
}
