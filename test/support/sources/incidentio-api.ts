/**
 * incident.io's `GET /v2/schedule_entries` on loopback, as its public OpenAPI schema documents
 * it (SchedulesV2ListScheduleEntries): `Authorization: Bearer …`, `schedule_id`,
 * `entry_window_start` (or, on later pages, the opaque cursor from `pagination_meta.after`) and
 * `entry_window_end`; entries grouped as `scheduled`, `overrides` and `final`; `pagination_meta`
 * with `after` and `after_url` while more pages follow, absent on the last.
 */
import { type CannedReply, json, type LoopbackApi, overlapsWindow, type RecordedRequest, startLoopbackApi } from './loopback-api';

export interface IncidentIoEntry {
  schedule_id: string;
  /** Which list it is in: the rota's own entries, an override, or both merged (`final`). */
  list: 'scheduled' | 'overrides' | 'final';
  start_at: string;
  end_at: string | null;
  user: { id: string; name: string; email?: string } | null;
}

export interface IncidentIoApi extends LoopbackApi {
  entries: IncidentIoEntry[];
  /** Final entries per page. */
  pageSize: number;
  /** Pages (0-based) answered with text that is not JSON. */
  malformedPages: Set<number>;
  /** Where `after_url` points; default this server. */
  afterUrlOrigin: string | undefined;
  /** The first page's window start, which later pages' cursors stand for. */
  windowStart: string | undefined;
}

const CURSOR = /^cursor-(\d+)$/;

export async function startIncidentIoApi(apiKey: string): Promise<IncidentIoApi> {
  // Tests change the settings on the returned object; the handler reads them from it.
  let stand: IncidentIoApi | undefined;
  const api = await startLoopbackApi((request) => answer(request, apiKey, stand as IncidentIoApi));
  stand = Object.assign(api, { entries: [], pageSize: 25, malformedPages: new Set<number>(), afterUrlOrigin: undefined, windowStart: undefined });
  return stand;
}

function answer(request: RecordedRequest, apiKey: string, state: IncidentIoApi): CannedReply {
  if (request.headers.authorization !== `Bearer ${apiKey}`)
    return json({ type: 'authentication_error', status: 401, errors: [{ message: 'Unauthorized' }] }, 401);
  if (request.method !== 'GET' || request.path !== '/v2/schedule_entries') return json({ type: 'not_found', status: 404, errors: [] }, 404);
  const asked = pageAsked(request.query, state);
  if (state.malformedPages.has(asked.page)) return { status: 200, headers: { 'content-type': 'application/json' }, body: '<html>502 Bad Gateway</html>' };
  return json(pageOf(asked, state));
}

interface PageAsked {
  scheduleId: string | null;
  page: number;
  /** The window: the first page's start (a cursor stands for it on later pages) and the end. */
  from: string | null;
  end: string | null;
}

/** Which page a query asks for; the first page's window start is kept for the cursors of later ones. */
function pageAsked(query: URLSearchParams, state: IncidentIoApi): PageAsked {
  const start = query.get('entry_window_start');
  const cursor = start === null ? null : CURSOR.exec(start);
  if (!cursor) state.windowStart = start ?? undefined;
  return {
    scheduleId: query.get('schedule_id'),
    page: cursor ? Number(cursor[1]) : 0,
    from: cursor ? (state.windowStart ?? null) : start,
    end: query.get('entry_window_end'),
  };
}

/** One page: the final entries of the window, paged; the overrides and the rota's own on the first page; a cursor while more follow. */
function pageOf({ scheduleId, page, from, end }: PageAsked, state: IncidentIoApi): Record<string, unknown> {
  const inWindow = state.entries.filter(
    (entry) => entry.schedule_id === scheduleId && overlapsWindow(entry.start_at, entry.end_at ?? '9999-12-31T00:00:00Z', from, end),
  );
  const shown = (entry: IncidentIoEntry) => ({
    entry_id: `01G0J1EXE7AXZ2C93K61WBP${String(state.entries.indexOf(entry)).padStart(3, '0')}`,
    fingerprint: `fp-${state.entries.indexOf(entry)}`,
    rotation_id: '01G0J1EXE7AXZ2C93K61WBPYEH',
    layer_id: '01G0J1EXE7AXZ2C93K61WBPYNH',
    start_at: entry.start_at,
    end_at: entry.end_at,
    user: entry.user === null ? undefined : { ...entry.user, role: 'responder', slack_user_id: 'U02AYNF2XJM' },
  });
  const listed = (list: IncidentIoEntry['list']) => (page === 0 ? inWindow.filter((entry) => entry.list === list).map(shown) : []);
  const final = inWindow.filter((entry) => entry.list === 'final');
  const body: Record<string, unknown> = {
    schedule_entries: {
      final: final.slice(page * state.pageSize, (page + 1) * state.pageSize).map(shown),
      overrides: listed('overrides'),
      scheduled: listed('scheduled'),
    },
  };
  if ((page + 1) * state.pageSize < final.length) body.pagination_meta = nextPage(page + 1, scheduleId, end, state);
  return body;
}

/** `pagination_meta` pointing at page `next`, its `after_url` on `afterUrlOrigin` when set. */
function nextPage(next: number, scheduleId: string | null, end: string | null, state: IncidentIoApi): { after: string; after_url: string } {
  const after = `cursor-${next}`;
  const url = new URL('/v2/schedule_entries', state.afterUrlOrigin ?? state.origin);
  url.searchParams.set('schedule_id', scheduleId ?? '');
  url.searchParams.set('entry_window_start', after);
  if (end !== null) url.searchParams.set('entry_window_end', end);
  return { after, after_url: url.href };
}
