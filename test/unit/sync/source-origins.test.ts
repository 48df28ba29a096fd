/**
 * A source's credential goes only to the origin (scheme, host and port) its run started at:
 * redirects and pagination links are compared by origin, not by host name alone. Two loopback
 * servers on two ports of 127.0.0.1, an allowed host, stand in for the API and another service.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/kernel/deadline';
import { SourceHttp } from '../../../src/sync/source-http';
import { type IcsSource, type IncidentIoSource, parseSourceItem } from '../../../src/sync/source-item';
import { fetchIcsShifts } from '../../../src/sync/sources/ics';
import { fetchIncidentIoShifts } from '../../../src/sync/sources/incidentio';
import { calendar, type IcsFeed, startIcsFeed, vevent } from '../../support/sources/ics-feed';
import { type IncidentIoApi, type IncidentIoEntry, startIncidentIoApi } from '../../support/sources/incidentio-api';
import { json, type LoopbackApi, startLoopbackApi } from '../../support/sources/loopback-api';
import { at, runOptions } from '../../support/sources/run-options';

const API_KEY = 'inc_s3cr3t';
const source = parseSourceItem(
  { id: 'incident-io', type: 'incidentio', secret: 'lumos-sources/incident-io', schedules: { '01SCHEDPRIMARY': 'payments-oncall' } },
  { current: 'lumos-sources/' },
) as IncidentIoSource;
const feedSource = parseSourceItem(
  { id: 'rota', type: 'ics', secret: 'lumos-sources/rota-feed', schedule: 'support-rota' },
  { current: 'lumos-sources/' },
) as IcsSource;
const entry = (hours: number): IncidentIoEntry => ({
  schedule_id: '01SCHEDPRIMARY',
  list: 'final',
  start_at: at(hours),
  end_at: at(hours + 1),
  user: { id: `U${hours}`, name: `U${hours}`, email: `u${hours}@incident.io` },
});
/** What the other port answers: an empty schedule, which would read as "nobody is on call". */
const EMPTY_PAGE = json({ schedule_entries: { final: [], overrides: [], scheduled: [] } });

let api: IncidentIoApi;
let feed: IcsFeed;
let other: LoopbackApi;
beforeAll(async () => {
  [api, feed, other] = await Promise.all([startIncidentIoApi(API_KEY), startIcsFeed('f33d-t0k3n'), startLoopbackApi(() => EMPTY_PAGE)]);
});
afterAll(() => Promise.all([api.close(), feed.close(), other.close()]));
beforeEach(() => {
  for (const server of [api, feed, other]) {
    server.requests.length = 0;
    server.next.length = 0;
  }
  api.entries.length = 0;
  api.pageSize = 25;
  api.afterUrlOrigin = undefined;
});

const secret = () => ({ api_key: API_KEY, allowed_hosts: ['127.0.0.1'], base_url: api.origin });
const credentialsSeenBy = (server: LoopbackApi) => server.requests.filter((request) => request.headers.authorization !== undefined);

describe('credentials stay with their origin', () => {
  it('16.8 a redirect to another port of an allowed host is sent no credential, and the run is not complete', async () => {
    // Prepare: the API redirects its first page to the other port.
    api.entries.push(entry(0));
    api.next.push({ status: 302, headers: { location: `${other.origin}/v2/schedule_entries?schedule_id=01SCHEDPRIMARY` } });

    // Act
    const run = await fetchIncidentIoShifts(source, secret(), runOptions());

    // Assess
    expect(credentialsSeenBy(other)).toEqual([]);
    expect(run.status).not.toBe('complete');
    expect(run).toMatchObject({ status: 'failed', items: [], failure: { reason: 'host_not_allowed' } });
    expect(run.failure?.message).not.toContain(API_KEY);
  });

  it('a redirect within the origin still carries the credential', async () => {
    // Prepare
    const redirected = new URL(`${api.origin}/v2/schedule_entries`);
    redirected.searchParams.set('schedule_id', '01SCHEDPRIMARY');
    api.entries.push(entry(0));
    api.next.push({ status: 307, headers: { location: redirected.href } });

    // Act
    const run = await fetchIncidentIoShifts(source, secret(), runOptions());

    // Assess
    expect(run).toMatchObject({ status: 'complete', items: [expect.objectContaining({ email: 'u0@incident.io' })] });
    expect(api.requests.map((request) => request.headers.authorization)).toEqual([`Bearer ${API_KEY}`, `Bearer ${API_KEY}`]);
  });

  it('16.8 an after_url to another port of an allowed host fails the listing unsent, rather than completing it empty', async () => {
    // Prepare: two pages; the first's after_url points at the other port.
    api.pageSize = 1;
    api.entries.push(entry(0), entry(2));
    api.afterUrlOrigin = other.origin;

    // Act
    const run = await fetchIncidentIoShifts(source, secret(), runOptions());

    // Assess
    expect(other.requests).toEqual([]);
    expect(run.status).not.toBe('complete');
    expect(run).toMatchObject({ status: 'failed', items: [], failure: { reason: 'host_not_allowed' } });
  });

  it('16.8 one client never asks another origin than the one its run started at', async () => {
    // Prepare
    const http = new SourceHttp({ deadline: new Deadline(10_000), allowedHosts: ['127.0.0.1'], headers: { authorization: `Bearer ${API_KEY}` } });
    await http.get(new URL(`${api.origin}/v2/schedule_entries`));

    // Act
    const refused = await http.get(new URL(`${other.origin}/v2/schedule_entries`)).catch((error: unknown) => error);

    // Assess
    expect(refused).toMatchObject({ name: 'SourceFetchError', reason: 'host_not_allowed' });
    expect(other.requests).toEqual([]);
  });

  it('16.8 an iCalendar feed redirected to another origin in allowed_hosts is read there, with none of the client headers', async () => {
    // Prepare: the feed URL (its token in the path) redirects to a copy on the other port, as to a CDN.
    const copy = await startLoopbackApi(() => ({
      status: 200,
      headers: { 'content-type': 'text/calendar' },
      body: calendar(vevent({ UID: 'cdn@loopback', DTSTART: compact(at(-1)), DTEND: compact(at(5)), SUMMARY: 'On call: <peter@lumos.com>' })),
    }));
    feed.next.push({ status: 302, headers: { location: `${copy.origin}/signed/oncall.ics?sig=abc` } });

    // Act
    const run = await fetchIcsShifts(feedSource, { url: feed.url, allowed_hosts: ['127.0.0.1'] }, runOptions());
    await copy.close();

    // Assess
    expect(run).toMatchObject({ status: 'complete', items: [expect.objectContaining({ email: 'peter@lumos.com' })] });
    expect(copy.requests).toHaveLength(1);
    expect(copy.requests[0]?.headers.accept).not.toMatch(/text\/calendar/);
  });
});

/** `2026-11-29T11:00:00.000Z` as iCalendar's UTC form `20261129T110000Z`. */
function compact(iso: string): string {
  return iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
