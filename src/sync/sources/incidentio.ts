/**
 * incident.io on-call shifts: `GET /v2/schedule_entries` with `schedule_id`,
 * `entry_window_start` and `entry_window_end` (operation SchedulesV2ListScheduleEntries, as
 * incident.io's public OpenAPI schema describes it). The response groups entries into
 * `scheduled`, `overrides` and `final`; `final` is the schedule after overrides, the one used
 * here. Pagination: while `pagination_meta` is present, follow its `after_url` (or pass its
 * opaque `after` back as `entry_window_start`, `entry_window_end` unchanged).
 */
import { collectRun, DEFAULT_MAX_PAGES, type FetchRunOptions, parseJson } from '../fetch-run';
import { asRecord, overlaps, readEmail, readInstant } from '../hostile-values';
import { apiUrl, type Body, SourceHttp } from '../source-http';
import { INCIDENTIO_HOST, type IncidentIoSource } from '../source-item';
import type { ApiKeySecret } from '../source-secret';
import { type RunCollector, type SkipReason, type SyncedShift, type SyncRun, shiftCollector } from '../sync-result';

export async function fetchIncidentIoShifts(source: IncidentIoSource, secret: ApiKeySecret, options: FetchRunOptions): Promise<SyncRun<SyncedShift>> {
  const http = SourceHttp.forRun(options, secret.allowed_hosts, { authorization: `Bearer ${secret.api_key}`, accept: 'application/json' });
  const collector = shiftCollector();
  const base = secret.base_url ?? `https://${INCIDENTIO_HOST}`;
  const first = (scheduleId: string) => {
    const url = apiUrl(base, 'v2/schedule_entries');
    url.searchParams.set('schedule_id', scheduleId);
    url.searchParams.set('entry_window_start', options.window.from.toISOString());
    url.searchParams.set('entry_window_end', options.window.to.toISOString());
    return url;
  };
  const schedules = Object.entries(source.schedules);
  return collectRun(
    collector,
    async () => {
      for (const [id] of schedules) http.checkUrl(first(id));
      for (const [id, name] of schedules) await readSchedule(http, first(id), name, options, collector);
    },
    () => http.requests,
  );
}

async function readSchedule(http: SourceHttp, first: URL, schedule: string, options: FetchRunOptions, collector: RunCollector<SyncedShift>): Promise<void> {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  let url: URL | undefined = first;
  for (let page = 0; url !== undefined; page += 1) {
    if (page >= maxPages) return collector.unreadable('too_many_pages', [schedule]);
    const body = await http.get(url);
    const entries = entriesOf(body);
    if (entries === null) {
      // The next page's cursor is in this one: the rest of this schedule cannot be read.
      return collector.unreadable(body.kind === 'too_large' ? 'page_too_large' : 'page_unparseable', [schedule]);
    }
    collector.pagesRead += 1;
    for (const entry of entries.final) collector.take(readEntry(entry, schedule, options));
    const next = nextPage(entries.pagination, first);
    if (next === null) return collector.unreadable('page_unparseable', [schedule]);
    url = next;
  }
}

/** A page's `final` entries and its `pagination_meta`; null when the page cannot be read. */
function entriesOf(body: Body): { final: unknown[]; pagination: unknown } | null {
  const parsed = body.kind === 'body' ? asRecord(parseJson(body.text)) : null;
  const final = asRecord(parsed?.schedule_entries)?.final;
  return parsed && Array.isArray(final) ? { final, pagination: parsed.pagination_meta } : null;
}

/** The next page's URL; undefined when there is none; null when `pagination_meta` names none usable. */
function nextPage(value: unknown, first: URL): URL | undefined | null {
  if (value === undefined || value === null) return undefined;
  const meta = asRecord(value);
  if (!meta) return null;
  if (typeof meta.after_url === 'string' && meta.after_url.length > 0 && meta.after_url.length <= 4096) {
    try {
      // Checked before it is requested (SourceHttp): an allowed host, and the origin the run started at.
      return new URL(meta.after_url, first);
    } catch {
      return null;
    }
  }
  if (typeof meta.after === 'string' && meta.after.length > 0 && meta.after.length <= 1024) {
    const url = new URL(first);
    url.searchParams.set('entry_window_start', meta.after);
    return url;
  }
  // An empty pagination_meta (or empty cursors): nothing more.
  return Object.values(meta).every((field) => field === '' || field === null) ? undefined : null;
}

function readEntry(value: unknown, schedule: string, options: FetchRunOptions): SyncedShift | SkipReason | null {
  const entry = asRecord(value);
  if (!entry) return 'entry_unparseable';
  // An entry without a user is a gap in the rota: nobody is on call, nothing to skip.
  if (entry.user === undefined || entry.user === null) return null;
  if (entry.end_at === undefined || entry.end_at === null) return 'no_end';
  const start = readInstant(entry.start_at);
  const end = readInstant(entry.end_at);
  if (start === null || end === null || start >= end) return 'bad_time';
  if (!overlaps(options.window, start, end)) return null;
  const email = readEmail(asRecord(entry.user)?.email);
  if (email === null) return 'unknown_email';
  return { schedule, email, starts_at: new Date(start).toISOString(), ends_at: new Date(end).toISOString() };
}
