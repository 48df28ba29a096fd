/**
 * PagerDuty on-call shifts: `GET /oncalls` (REST API v2, PagerDuty/api-schema
 * reference/REST/openapiv3.json, operation listOnCalls) with `schedule_ids[]`, `since`, `until`
 * and `include[]=users` (so `user` carries `email`), classic offset pagination (`limit`,
 * `offset`, `more`). Each on-call gives `schedule.id`, `escalation_level`, `start` and `end`
 * (null for a permanent on-call, which has no end and is skipped).
 */
import { collectRun, DEFAULT_MAX_PAGES, type FetchRunOptions, parseJson } from '../fetch-run';
import { asRecord, overlaps, readEmail, readId, readInstant } from '../hostile-values';
import { apiUrl, type Body, SourceHttp } from '../source-http';
import { PAGERDUTY_HOSTS, type PagerDutySource } from '../source-item';
import type { ApiKeySecret } from '../source-secret';
import { type RunCollector, type SkipReason, type SyncedShift, type SyncRun, shiftCollector } from '../sync-result';

/** PagerDuty's largest page. */
const PAGE_SIZE = 100;
/** Schedule ids per request, so the query stays short. */
const SCHEDULES_PER_REQUEST = 20;
const MAX_ESCALATION_LEVEL = 1000;

export async function fetchPagerDutyShifts(source: PagerDutySource, secret: ApiKeySecret, options: FetchRunOptions): Promise<SyncRun<SyncedShift>> {
  const http = SourceHttp.forRun(options, secret.allowed_hosts, {
    authorization: `Token token=${secret.api_key}`,
    accept: 'application/vnd.pagerduty+json;version=2',
  });
  const collector = shiftCollector();
  const base = secret.base_url ?? `https://${PAGERDUTY_HOSTS[source.region]}`;
  const ids = Object.keys(source.schedules);
  const listing = (chunk: string[]) => {
    const url = apiUrl(base, 'oncalls');
    for (const id of chunk) url.searchParams.append('schedule_ids[]', id);
    url.searchParams.set('since', options.window.from.toISOString());
    url.searchParams.set('until', options.window.to.toISOString());
    url.searchParams.append('include[]', 'users');
    url.searchParams.set('time_zone', 'UTC');
    url.searchParams.set('limit', String(PAGE_SIZE));
    return url;
  };
  const chunks: string[][] = [];
  for (let index = 0; index < ids.length; index += SCHEDULES_PER_REQUEST) chunks.push(ids.slice(index, index + SCHEDULES_PER_REQUEST));

  return collectRun(
    collector,
    async () => {
      // Every URL is checked before the first request, so a disallowed host gets nothing at all.
      for (const chunk of chunks) http.checkUrl(listing(chunk));
      for (const chunk of chunks) await readListing(http, listing(chunk), namesOf(chunk, source), source, options, collector);
    },
    () => http.requests,
  );
}

/** The schedule names a listing's ids map to: what it leaves incomplete when a page cannot be read. */
function namesOf(ids: readonly string[], source: PagerDutySource): string[] {
  return ids.flatMap((id) => (Object.hasOwn(source.schedules, id) ? [source.schedules[id] as string] : []));
}

async function readListing(
  http: SourceHttp,
  listing: URL,
  schedules: readonly string[],
  source: PagerDutySource,
  options: FetchRunOptions,
  collector: RunCollector<SyncedShift>,
): Promise<void> {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  let offset = 0;
  for (let page = 0; ; page += 1) {
    if (page >= maxPages) return collector.unreadable('too_many_pages', schedules);
    const url = new URL(listing);
    url.searchParams.set('offset', String(offset));
    const body = await http.get(url);
    const listed = onCallsOf(body);
    if (listed === null) {
      // A page that does not parse leaves its schedules incomplete; the next offset may still be read.
      collector.unreadable(body.kind === 'too_large' ? 'page_too_large' : 'page_unparseable', schedules);
      offset += PAGE_SIZE;
      continue;
    }
    collector.pagesRead += 1;
    for (const entry of listed.oncalls) collector.take(readOnCall(entry, source, options));
    if (!listed.more || listed.oncalls.length === 0) return;
    offset += listed.oncalls.length;
  }
}

/** A page's on-calls and whether PagerDuty says more follow; null when the page cannot be read. */
function onCallsOf(body: Body): { oncalls: unknown[]; more: boolean } | null {
  const parsed = body.kind === 'body' ? asRecord(parseJson(body.text)) : null;
  const oncalls = parsed?.oncalls;
  return parsed && Array.isArray(oncalls) ? { oncalls, more: parsed.more === true } : null;
}

function readOnCall(value: unknown, source: PagerDutySource, options: FetchRunOptions): SyncedShift | SkipReason | null {
  const oncall = asRecord(value);
  if (!oncall) return 'entry_unparseable';
  const scheduleId = readId(asRecord(oncall.schedule)?.id);
  const schedule = scheduleId === null ? undefined : Object.hasOwn(source.schedules, scheduleId) ? source.schedules[scheduleId] : undefined;
  if (schedule === undefined) return 'unmapped';
  if (oncall.end === null || oncall.end === undefined) return 'no_end';
  const start = readInstant(oncall.start);
  const end = readInstant(oncall.end);
  if (start === null || end === null || start >= end) return 'bad_time';
  if (!overlaps(options.window, start, end)) return null;
  const email = readEmail(asRecord(oncall.user)?.email);
  if (email === null) return 'unknown_email';
  const level = oncall.escalation_level;
  if (level !== undefined && level !== null && !(Number.isSafeInteger(level) && (level as number) >= 1 && (level as number) <= MAX_ESCALATION_LEVEL)) {
    return 'bad_value';
  }
  return {
    schedule,
    email,
    starts_at: new Date(start).toISOString(),
    ends_at: new Date(end).toISOString(),
    ...(typeof level === 'number' ? { escalation_level: level } : {}),
  };
}
