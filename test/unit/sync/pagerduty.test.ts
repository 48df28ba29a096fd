import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/kernel/deadline';
import { type PagerDutySource, parseSourceItem } from '../../../src/sync/source-item';
import type { ApiKeySecret } from '../../../src/sync/source-secret';
import { fetchPagerDutyShifts } from '../../../src/sync/sources/pagerduty';
import { type PagerDutyApi, type PagerDutyOnCall, startPagerDutyApi } from '../../support/sources/pagerduty-api';
import { at, runOptions, WINDOW } from '../../support/sources/run-options';

const API_KEY = 'u+pd-s3cr3t-key';
let api: PagerDutyApi;
let secret: ApiKeySecret;
const source = parseSourceItem(
  { id: 'pagerduty', type: 'pagerduty', secret: 'lumos-sources/pagerduty', schedules: { PAYMENTS: 'payments-oncall', PLATFORM: 'platform-oncall' } },
  { current: 'lumos-sources/' },
) as PagerDutySource;

const oncall = (overrides: Partial<PagerDutyOnCall> = {}): PagerDutyOnCall => ({
  schedule_id: 'PAYMENTS',
  escalation_level: 1,
  start: at(-2),
  end: at(10),
  user: { id: 'PT23IWX', name: 'Peter Parker', email: 'PeterParker@Lumos.com' },
  ...overrides,
});

beforeAll(async () => {
  api = await startPagerDutyApi(API_KEY);
  secret = { api_key: API_KEY, allowed_hosts: ['127.0.0.1'], base_url: api.origin };
});
afterAll(() => api.close());
beforeEach(() => {
  api.oncalls.length = 0;
  api.requests.length = 0;
  api.next.length = 0;
  api.malformedOffsets.clear();
});

describe('PagerDuty on-call shifts', () => {
  it('asks GET /oncalls for the mapped schedules in the window, with users, as the API documents', async () => {
    // Prepare
    api.oncalls.push(oncall());

    // Act
    const run = await fetchPagerDutyShifts(source, secret, runOptions());

    // Assess
    expect(run).toMatchObject({ status: 'complete', requests: 1, skipped: {} });
    const [request] = api.requests;
    expect(request?.path).toBe('/oncalls');
    expect(request?.headers.authorization).toBe(`Token token=${API_KEY}`);
    expect(request?.headers.accept).toBe('application/vnd.pagerduty+json;version=2');
    expect(request?.query.getAll('schedule_ids[]')).toEqual(['PAYMENTS', 'PLATFORM']);
    expect(request?.query.getAll('include[]')).toEqual(['users']);
    expect(request?.query.get('since')).toBe(WINDOW.from.toISOString());
    expect(request?.query.get('until')).toBe(WINDOW.to.toISOString());
  });

  it('maps schedule ids to names, keeps the escalation level, and writes UTC instants and normalised emails', async () => {
    // Prepare
    api.oncalls.push(
      oncall({ start: '2026-11-29T09:00:00+01:00', end: '2026-11-29T21:00:00+01:00' }),
      oncall({ schedule_id: 'PLATFORM', escalation_level: 2, user: { id: 'P2', name: 'Mary Jane', email: 'maryjane@lumos.com' } }),
    );

    // Act
    const run = await fetchPagerDutyShifts(source, secret, runOptions());

    // Assess
    expect(run.items).toEqual([
      {
        schedule: 'payments-oncall',
        email: 'peterparker@lumos.com',
        starts_at: '2026-11-29T08:00:00.000Z',
        ends_at: '2026-11-29T20:00:00.000Z',
        escalation_level: 1,
      },
      { schedule: 'platform-oncall', email: 'maryjane@lumos.com', starts_at: at(-2), ends_at: at(10), escalation_level: 2 },
    ]);
  });

  it('reads every page (offset, limit, more) and keeps one shift per person and start', async () => {
    // Prepare: 230 shifts over three pages of 100, and one person on two escalation levels.
    for (let index = 0; index < 230; index += 1) {
      api.oncalls.push(
        oncall({ start: at(-1 + index * 0.1), end: at(index * 0.1), user: { id: `P${index}`, name: `User ${index}`, email: `user${index}@lumos.com` } }),
      );
    }
    api.oncalls.push(oncall({ escalation_level: 3 }), oncall({ escalation_level: 2 }));

    // Act
    const run = await fetchPagerDutyShifts(source, secret, runOptions());

    // Assess
    expect(run.status).toBe('complete');
    expect(api.requests.map((request) => request.query.get('offset'))).toEqual(['0', '100', '200']);
    expect(run.items).toHaveLength(231);
    expect(run.items.find((shift) => shift.email === 'peterparker@lumos.com')?.escalation_level).toBe(2);
  });

  it('keeps a shift that started before the window and is still going, and leaves out one that ended as the window starts', async () => {
    // Prepare: the stand-in answers whatever it holds, as a hostile API might.
    api.oncalls.push(
      oncall({ start: at(-30), end: at(2) }),
      oncall({ start: at(-12), end: WINDOW.from.toISOString(), user: { id: 'P9', name: 'Gone', email: 'gone@lumos.com' } }),
    );
    api.next.push({
      status: 200,
      body: JSON.stringify({
        oncalls: api.oncalls.map((entry) => ({
          schedule: { id: entry.schedule_id },
          user: entry.user,
          escalation_level: 1,
          start: entry.start,
          end: entry.end,
        })),
        more: false,
      }),
    });

    // Act
    const run = await fetchPagerDutyShifts(source, secret, runOptions());

    // Assess
    expect(run.items.map((shift) => [shift.email, shift.starts_at])).toEqual([['peterparker@lumos.com', at(-30)]]);
    expect(run.status).toBe('complete');
  });

  it('waits as Retry-After says after a 429, then carries on', async () => {
    // Prepare
    api.oncalls.push(oncall());
    api.next.push({ status: 429, headers: { 'retry-after': '2' }, body: '{"error":{"message":"Rate Limit Exceeded","code":2020}}' });
    const options = runOptions();

    // Act
    const run = await fetchPagerDutyShifts(source, secret, options);

    // Assess
    expect(run.status).toBe('complete');
    expect(run.items).toHaveLength(1);
    expect(options.waits).toEqual([2000]);
    expect(run.requests).toBe(2);
  });

  it('fails as rate limited when the wait would pass the deadline', async () => {
    // Prepare
    api.next.push({ status: 429, headers: { 'ratelimit-reset': '60' } });

    // Act
    const run = await fetchPagerDutyShifts(source, secret, runOptions({ deadline: new Deadline(5_000) }));

    // Assess
    expect(run).toMatchObject({ status: 'failed', items: [], failure: { reason: 'rate_limited' } });
  });

  it('fails with the reason on a 401, naming neither the key nor the body', async () => {
    // Act
    const run = await fetchPagerDutyShifts(source, { ...secret, api_key: 'wrong-key' }, runOptions());

    // Assess
    expect(run).toMatchObject({ status: 'failed', items: [], failure: { reason: 'unauthorized' } });
    expect(run.failure?.message).toMatch(/HTTP 401/);
    expect(JSON.stringify(run)).not.toMatch(/wrong-key|Unauthorized/);
  });

  it('skips a page that does not parse, keeps the rest, and reports the run partial', async () => {
    // Prepare: three pages; the second is cut off.
    for (let index = 0; index < 250; index += 1) {
      api.oncalls.push(oncall({ user: { id: `P${index}`, name: `User ${index}`, email: `user${index}@lumos.com` } }));
    }
    api.malformedOffsets.add(100);

    // Act
    const run = await fetchPagerDutyShifts(source, secret, runOptions());

    // Assess
    expect(run.status).toBe('partial');
    expect(run.skipped).toEqual({ page_unparseable: 1 });
    expect(run.items).toHaveLength(150);
  });

  it('refuses a host the secret does not allow before anything is sent', async () => {
    // Act
    const run = await fetchPagerDutyShifts(source, { ...secret, allowed_hosts: ['api.pagerduty.com'] }, runOptions());

    // Assess
    expect(run).toMatchObject({ status: 'failed', failure: { reason: 'host_not_allowed' }, requests: 0 });
    expect(api.requests).toHaveLength(0);
  });

  it('fails on a network error', async () => {
    // Act: nothing listens on port 9 of this machine.
    const run = await fetchPagerDutyShifts(source, { ...secret, base_url: 'http://127.0.0.1:9' }, runOptions());

    // Assess
    expect(run).toMatchObject({ status: 'failed', failure: { reason: 'network' } });
  });

  it('skips and counts hostile values: no end, a bad time, an email that is not one, an unmapped schedule, a level that is not a number', async () => {
    // Prepare
    api.oncalls.push(
      oncall(),
      oncall({ end: null, user: { id: 'P1', name: 'Permanent', email: 'permanent@lumos.com' } }),
      oncall({ start: 'yesterday', user: { id: 'P2', name: 'Bad time', email: 'badtime@lumos.com' } }),
      oncall({ start: at(3), end: at(1), user: { id: 'P3', name: 'Backwards', email: 'backwards@lumos.com' } }),
      oncall({ user: { id: 'P4', name: 'No email', email: 'peter parker' } }),
      oncall({ user: { id: 'P5', name: 'Long', email: `${'a'.repeat(300)}@lumos.com` } }),
      oncall({ escalation_level: '1; drop' as unknown as number, user: { id: 'P6', name: 'Level', email: 'level@lumos.com' } }),
    );
    api.next.push({
      status: 200,
      body: JSON.stringify({
        oncalls: [
          ...api.oncalls.map((entry) => ({
            schedule: { id: entry.schedule_id },
            user: entry.user,
            escalation_level: entry.escalation_level,
            start: entry.start,
            end: entry.end,
          })),
          { schedule: { id: 'ELSEWHERE' }, user: { email: 'other@lumos.com' }, start: at(0), end: at(1) },
          { schedule: 'PAYMENTS', user: { email: 'notanobject@lumos.com' }, start: at(0), end: at(1) },
          'not an on-call',
          { schedule: { id: 'PAYMENTS' }, user: { email: ['list@lumos.com'] }, start: at(0), end: at(1) },
        ],
        more: false,
      }),
    });

    // Act
    const run = await fetchPagerDutyShifts(source, secret, runOptions());

    // Assess
    // Skipped entries are counted, and the listing was still read whole: its vanished shifts may go.
    expect(run.status).toBe('complete');
    expect(run.items.map((shift) => shift.email)).toEqual(['peterparker@lumos.com']);
    expect(run.skipped).toEqual({ no_end: 1, bad_time: 2, unknown_email: 3, bad_value: 1, unmapped: 2, entry_unparseable: 1 });
  });
});
