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
  const { query } = request;
  const scheduleId = query.get('schedule_id');
  const start = query.get('entry_window_start');
  const end = query.get('entry_window_end');
  const cursor = start === null ? null : CURSOR.exec(start);
  const page = cursor ? Number(cursor[1]) : 0;
  // The window's start is the original request's, kept in the cursor's stead.
  const from = cursor ? (state.windowStart ?? null) : start;
  if (!cursor) state.windowStart = start ?? undefined;
  if (state.malformedPages.has(page)) return { status: 200, headers: { 'content-type': 'application/json' }, body: '<html>502 Bad Gateway</html>' };
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
  const final = inWindow.filter((entry) => entry.list === 'final');
  const pageEntries = final.slice(page * state.pageSize, (page + 1) * state.pageSize);
  const more = (page + 1) * state.pageSize < final.length;
  const body: Record<string, unknown> = {
    schedule_entries: {
      final: pageEntries.map(shown),
      overrides: page === 0 ? inWindow.filter((entry) => entry.list === 'overrides').map(shown) : [],
      scheduled: page === 0 ? inWindow.filter((entry) => entry.list === 'scheduled').map(shown) : [],
    },
  };
  if (more) {
    const after = `cursor-${page + 1}`;
    const next = new URL('/v2/schedule_entries', state.afterUrlOrigin ?? state.origin);
    next.searchParams.set('schedule_id', scheduleId ?? '');
    next.searchParams.set('entry_window_start', after);
    if (end !== null) next.searchParams.set('entry_window_end', end);
    body.pagination_meta = { after, after_url: next.href };
  }
  return json(body);
}
