import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type IncidentIoSource, parseSourceItem } from '../../../src/sync/source-item';
import type { ApiKeySecret } from '../../../src/sync/source-secret';
import { fetchIncidentIoShifts } from '../../../src/sync/sources/incidentio';
import { type IncidentIoApi, type IncidentIoEntry, startIncidentIoApi } from '../../support/sources/incidentio-api';
import { startLoopbackApi } from '../../support/sources/loopback-api';
import { at, runOptions, WINDOW } from '../../support/sources/run-options';

const API_KEY = 'inc_s3cr3t';
let api: IncidentIoApi;
let secret: ApiKeySecret;
const source = parseSourceItem(
  {
    id: 'incident-io',
    type: 'incidentio',
    secret: 'lumos-sources/incident-io',
    schedules: { '01SCHEDPRIMARY': 'payments-oncall', '01SCHEDSECOND': 'payments-secondary' },
  },
  { current: 'lumos-sources/' },
) as IncidentIoSource;

const entry = (overrides: Partial<IncidentIoEntry> = {}): IncidentIoEntry => ({
  schedule_id: '01SCHEDPRIMARY',
  list: 'final',
  start_at: at(-2),
  end_at: at(6),
  user: { id: '01FCNDV6P870EA6S7TK1DSYDG0', name: 'Lisa', email: 'Lisa@Incident.io' },
  ...overrides,
});

beforeAll(async () => {
  api = await startIncidentIoApi(API_KEY);
  secret = { api_key: API_KEY, allowed_hosts: ['127.0.0.1'], base_url: api.origin };
});
afterAll(() => api.close());
beforeEach(() => {
  api.entries.length = 0;
  api.requests.length = 0;
  api.next.length = 0;
  api.malformedPages.clear();
  api.pageSize = 25;
  api.afterUrlOrigin = undefined;
});

describe('incident.io on-call shifts', () => {
  it('asks GET /v2/schedule_entries per mapped schedule in the window, and uses the final entries (overrides applied)', async () => {
    // Prepare: the rota has Lisa; an override gives the first hours to Mary, so final has both.
    api.entries.push(
      entry({ list: 'scheduled' }),
      entry({ list: 'overrides', start_at: at(-2), end_at: at(1), user: { id: 'U2', name: 'Mary', email: 'mary@incident.io' } }),
      entry({ list: 'final', start_at: at(-2), end_at: at(1), user: { id: 'U2', name: 'Mary', email: 'mary@incident.io' } }),
      entry({ list: 'final', start_at: at(1), end_at: at(6) }),
      entry({ schedule_id: '01SCHEDSECOND', start_at: at(0), end_at: at(12), user: { id: 'U3', name: 'Sam', email: 'sam@incident.io' } }),
    );

    // Act
    const run = await fetchIncidentIoShifts(source, secret, runOptions());

    // Assess
    expect(run.status).toBe('complete');
    expect(run.items).toEqual([
      { schedule: 'payments-oncall', email: 'mary@incident.io', starts_at: at(-2), ends_at: at(1) },
      { schedule: 'payments-oncall', email: 'lisa@incident.io', starts_at: at(1), ends_at: at(6) },
      { schedule: 'payments-secondary', email: 'sam@incident.io', starts_at: at(0), ends_at: at(12) },
    ]);
    const [first] = api.requests;
    expect(first?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(first?.query.get('schedule_id')).toBe('01SCHEDPRIMARY');
    expect(first?.query.get('entry_window_start')).toBe(WINDOW.from.toISOString());
    expect(first?.query.get('entry_window_end')).toBe(WINDOW.to.toISOString());
  });

  it('follows pagination_meta.after_url until it is absent', async () => {
    // Prepare: 7 entries, 3 per page.
    api.pageSize = 3;
    for (let index = 0; index < 7; index += 1)
      api.entries.push(entry({ start_at: at(index), end_at: at(index + 1), user: { id: `U${index}`, name: `U${index}`, email: `u${index}@incident.io` } }));

    // Act
    const run = await fetchIncidentIoShifts(source, secret, runOptions());

    // Assess
    expect(run.status).toBe('complete');
    expect(run.items).toHaveLength(7);
    const primary = api.requests.filter((request) => request.query.get('schedule_id') === '01SCHEDPRIMARY');
    expect(primary.map((request) => request.query.get('entry_window_start'))).toEqual([WINDOW.from.toISOString(), 'cursor-1', 'cursor-2']);
  });

  it('refuses an after_url on a host the secret does not allow, and sends it nothing', async () => {
    // Prepare
    const elsewhere = await startLoopbackApi(() => ({ status: 200, body: '{}' }));
    api.pageSize = 1;
    api.afterUrlOrigin = elsewhere.origin.replace('127.0.0.1', 'localhost');
    api.entries.push(entry(), entry({ start_at: at(7), end_at: at(8) }));

    // Act
    const run = await fetchIncidentIoShifts(source, secret, runOptions());
    await elsewhere.close();

    // Assess
    expect(run).toMatchObject({ status: 'failed', items: [], failure: { reason: 'host_not_allowed' } });
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('skips a page that does not parse and keeps the other schedules', async () => {
    // Prepare
    api.entries.push(entry(), entry({ schedule_id: '01SCHEDSECOND' }));
    api.next.push({ status: 200, body: '<html>502 Bad Gateway</html>' });

    // Act
    const run = await fetchIncidentIoShifts(source, secret, runOptions());

    // Assess
    expect(run.status).toBe('partial');
    expect(run.skipped).toEqual({ page_unparseable: 1 });
    expect(run.incomplete).toEqual(['payments-oncall']);
    expect(run.items.map((shift) => shift.schedule)).toEqual(['payments-secondary']);
  });

  it('retries a 429 honouring Retry-After, and fails a 403 with its reason', async () => {
    // Prepare
    api.entries.push(entry());
    api.next.push({ status: 429, headers: { 'retry-after': '1' } });
    const options = runOptions();

    // Act
    const retried = await fetchIncidentIoShifts(source, secret, options);
    api.next.push({ status: 403, body: '{"type":"forbidden"}' });
    const refused = await fetchIncidentIoShifts(source, secret, runOptions());

    // Assess
    expect(retried).toMatchObject({ status: 'complete', items: [expect.objectContaining({ email: 'lisa@incident.io' })] });
    expect(options.waits).toEqual([1000]);
    expect(refused).toMatchObject({ status: 'failed', failure: { reason: 'forbidden' } });
  });

  it('leaves a gap in the rota out, and counts entries without an email or an end', async () => {
    // Prepare
    api.entries.push(
      entry(),
      entry({ user: null }),
      entry({ user: { id: 'U9', name: 'No email' } }),
      entry({ end_at: null, user: { id: 'U8', name: 'Open', email: 'open@incident.io' } }),
    );

    // Act
    const run = await fetchIncidentIoShifts(source, secret, runOptions());

    // Assess
    expect(run.status).toBe('complete');
    expect(run.items).toHaveLength(1);
    expect(run.skipped).toEqual({ unknown_email: 1, no_end: 1 });
  });
});
