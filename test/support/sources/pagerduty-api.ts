/**
 * PagerDuty's `GET /oncalls` on loopback, as its REST API v2 reference documents it
 * (PagerDuty/api-schema, operation listOnCalls): `Authorization: Token token=…`, filters
 * `schedule_ids[]`, `since`, `until`, `include[]=users` (full user objects with `email`, else
 * user references without), classic pagination (`limit` default 25 and at most 100, `offset`,
 * `more`, `total` null) and the error body `{"error": {"message", "code"}}`.
 */
import { type CannedReply, json, type LoopbackApi, overlapsWindow, type RecordedRequest, startLoopbackApi } from './loopback-api';

export interface PagerDutyOnCall {
  schedule_id: string | null;
  escalation_level: number;
  start: string | null;
  end: string | null;
  /** Without `email`: a user whose address PagerDuty does not give. */
  user: { id: string; name: string; email?: string };
  escalation_policy_id?: string;
}

/** An on-call of one person in a schedule, from `startHours` to `endHours` from now, as /oncalls lists it. */
export function onCallFromNow(scheduleId: string, email: string, startHours: number, endHours: number, level = 1): PagerDutyOnCall {
  const at = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
  return { schedule_id: scheduleId, escalation_level: level, start: at(startHours), end: at(endHours), user: { id: `U${email.length}`, name: email, email } };
}

export interface PagerDutyApi extends LoopbackApi {
  oncalls: PagerDutyOnCall[];
  /** Offsets whose page is answered with text that is not JSON. */
  malformedOffsets: Set<number>;
}

export async function startPagerDutyApi(apiKey: string): Promise<PagerDutyApi> {
  const oncalls: PagerDutyOnCall[] = [];
  const malformedOffsets = new Set<number>();
  const api = await startLoopbackApi((request) => answer(request, apiKey, oncalls, malformedOffsets));
  return Object.assign(api, { oncalls, malformedOffsets });
}

function answer(request: RecordedRequest, apiKey: string, oncalls: PagerDutyOnCall[], malformedOffsets: Set<number>): CannedReply {
  if (request.headers.authorization !== `Token token=${apiKey}`) return json({ error: { message: 'Unauthorized', code: 2006 } }, 401);
  if (request.method !== 'GET' || request.path !== '/oncalls') return json({ error: { message: 'Not Found', code: 2100 } }, 404);
  const { query } = request;
  const limit = Math.min(Number(query.get('limit') ?? 25), 100);
  const offset = Number(query.get('offset') ?? 0);
  if (malformedOffsets.has(offset)) return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"oncalls": [ {"user": ' };
  const scheduleIds = query.getAll('schedule_ids[]');
  const withUsers = query.getAll('include[]').includes('users');
  const matching = oncalls.filter(
    (oncall) =>
      (scheduleIds.length === 0 || (oncall.schedule_id !== null && scheduleIds.includes(oncall.schedule_id))) &&
      (oncall.start === null || oncall.end === null || overlapsWindow(oncall.start, oncall.end, query.get('since'), query.get('until'))),
  );
  const page = matching.slice(offset, offset + limit).map((oncall) => ({
    escalation_policy: { id: oncall.escalation_policy_id ?? 'PT20YPA', type: 'escalation_policy_reference', summary: 'Engineering Escalation Policy' },
    escalation_level: oncall.escalation_level,
    schedule: oncall.schedule_id === null ? null : { id: oncall.schedule_id, type: 'schedule_reference', summary: `Schedule ${oncall.schedule_id}` },
    user: withUsers
      ? { id: oncall.user.id, type: 'user', summary: oncall.user.name, name: oncall.user.name, email: oncall.user.email, time_zone: 'Europe/Berlin' }
      : { id: oncall.user.id, type: 'user_reference', summary: oncall.user.name },
    start: oncall.start,
    end: oncall.end,
  }));
  return json({ oncalls: page, limit, offset, more: offset + limit < matching.length, total: null });
}
